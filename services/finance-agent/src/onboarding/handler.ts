import type { JetStreamClient } from '@nats-io/jetstream';
import { failpoint } from '@switchboard/agent-kit';
import {
  type EmployeeCreatedData,
  encodeJson,
  type OnboardingFailedData,
  type OnboardingFundedData,
  type Saga,
  Subjects,
  type SwitchboardEvent,
} from '@switchboard/contracts';
import { type Logger, type SagaStore, sagaStep } from '@switchboard/runtime';
import type { FinanceStore } from '../store/finance-store.js';
import { type FundingDecision, fundOnboarding } from './funding.js';

/** What Finance's step of the onboarding saga works with. */
export interface FinanceOnboardingDeps {
  store: FinanceStore;
  sagas: SagaStore;
  js: JetStreamClient;
  log: Logger;
  /** The equipment allowance of a hire, USD (`FINANCE_ONBOARDING_EQUIPMENT_USD`). */
  allowanceUsd: number;
  now?: () => Date;
  /** Recorded as `by` on saga steps (`finance-agent`). */
  service?: string;
}

/** The decision a saga's history holds already (a rerun), if any. */
function recordedDecision(saga: Saga): FundingDecision | undefined {
  const funded = sagaStep(saga, 'funded');
  if (funded) {
    const d = funded.detail as { costCentre: string; equipmentBudgetUsd: number; period: string };
    return { outcome: 'funded', ...d };
  }
  const failed = sagaStep(saga, 'funding_failed');
  return failed ? { outcome: 'failed', reason: String(failed.detail?.reason ?? 'unknown') } : undefined;
}

/** Records the decision as the saga's Finance step, once; a decision recorded first by a racing instance wins. */
async function recordDecision(deps: FinanceOnboardingDeps, saga: Saga, d: FundingDecision) {
  const { outcome, ...detail } = d;
  const funded = outcome === 'funded';
  const r = await deps.sagas.recordStep(
    saga.sagaId,
    {
      step: funded ? 'funded' : 'funding_failed',
      event: funded ? 'finance.onboarding_funded' : 'finance.onboarding_failed',
      at: (deps.now?.() ?? new Date()).toISOString(),
      by: deps.service ?? 'finance-agent',
      detail,
    },
    funded ? {} : { status: 'compensating', reason: d.reason },
  );
  return recordedDecision(r.saga) ?? d;
}

async function publishDecision(deps: FinanceOnboardingDeps, saga: Saga, d: FundingDecision) {
  const base = {
    sagaId: saga.sagaId,
    employeeId: saga.subject.employeeId,
    department: saga.subject.department,
  };
  const [kind, data] =
    d.outcome === 'funded'
      ? [
          'onboarding_funded',
          {
            ...base,
            costCentre: d.costCentre,
            equipmentBudgetUsd: d.equipmentBudgetUsd,
            period: d.period,
          } satisfies OnboardingFundedData,
        ]
      : ['onboarding_failed', { ...base, reason: d.reason } satisfies OnboardingFailedData];
  const ev: SwitchboardEvent = {
    eventId: `${saga.sagaId}.${d.outcome === 'funded' ? 'funded' : 'funding_failed'}`,
    type: `finance.${kind}`,
    at: (deps.now?.() ?? new Date()).toISOString(),
    agent: 'finance',
    sessionId: saga.sessionId,
    taskId: saga.taskId,
    userId: saga.requester,
    data,
  };
  await deps.js.publish(Subjects.event('finance', kind), encodeJson(ev), { msgID: ev.eventId });
}

/**
 * Finance's step of the onboarding saga, on `hr.employee_created`: decide and fund (or not) once,
 * record the decision in the saga once, publish `finance.onboarding_funded` or
 * `finance.onboarding_failed` under a message id derived from the saga (deduplicated by the
 * stream). A redelivery after a crash between any two of these finds what was done and does the rest.
 */
export async function handleEmployeeCreated(deps: FinanceOnboardingDeps, event: SwitchboardEvent) {
  if (event.type !== 'hr.employee_created') return;
  const { sagaId } = event.data as EmployeeCreatedData;
  const stored = await deps.sagas.get(sagaId);
  if (!stored) {
    deps.log.warn({ sagaId }, 'employee_created for an unknown saga: ignored');
    return;
  }
  const { saga } = stored;
  let decision = recordedDecision(saga);
  if (!decision) {
    decision = await fundOnboarding(deps.store, saga, deps.allowanceUsd);
    failpoint('finance.onboarding.after_funding');
    decision = await recordDecision(deps, saga, decision);
    failpoint('finance.onboarding.after_step');
  }
  await publishDecision(deps, saga, decision);
  failpoint('finance.onboarding.after_publish');
}
