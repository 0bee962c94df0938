import type { JetStreamClient } from '@nats-io/jetstream';
import { appendNotice, failpoint } from '@switchboard/agent-kit';
import {
  encodeJson,
  isSagaEnded,
  type OnboardingEndedData,
  type OnboardingFundedData,
  type Saga,
  Subjects,
  type SwitchboardEvent,
} from '@switchboard/contracts';
import type { Logger, Metrics, SagaStore, SessionStore } from '@switchboard/runtime';
import { formatDay } from '../domain/calendar.js';
import type { HrStore } from '../store.js';
import { activateNewHire, removeNewHire } from './records.js';

/** What HR's side of the onboarding saga (after Finance) works with. */
export interface HrOnboardingDeps {
  store: HrStore;
  sagas: SagaStore;
  sessions: SessionStore;
  js: JetStreamClient;
  log: Logger;
  metrics?: Metrics | undefined;
  now?: () => Date;
  /** Recorded as `by` on saga steps (`hr-agent`). */
  service?: string;
}

type Ending = 'completed' | 'compensated';

const outcomeEvent = {
  completed: 'employee_onboarding_completed',
  compensated: 'employee_onboarding_cancelled',
};

/** The notice id of a saga's outcome in the requester's session (stable: written once). */
export const outcomeNoticeId = (sagaId: string) => `${sagaId}-outcome`;

/**
 * Reacts to Finance's answer for an onboarding saga (`finance.onboarding_funded` or
 * `finance.onboarding_failed`; other Finance events are ignored). Each step checks the state first
 * and writes idempotently, so a redelivery after a crash between any two steps does only the rest:
 * 1. the employee becomes `active` (funded) or is removed (failed: the compensation);
 * 2. the saga ends `completed` or `compensated` (metrics counted by the writer that won);
 * 3. `events.hr.employee_onboarding_completed|cancelled` is published (msgID `<saga>.<ending>`);
 * 4. the requester's session gets the outcome notice (id `<saga>-outcome`), recorded as `notified`.
 */
export async function handleFinanceEvent(deps: HrOnboardingDeps, event: SwitchboardEvent): Promise<void> {
  if (event.type !== 'finance.onboarding_funded' && event.type !== 'finance.onboarding_failed') return;
  const data = event.data as { sagaId: string; reason?: string };
  const stored = await deps.sagas.get(data.sagaId);
  if (!stored) {
    deps.log.warn({ sagaId: data.sagaId, type: event.type }, 'onboarding event for an unknown saga: ignored');
    return;
  }
  const ending: Ending = event.type === 'finance.onboarding_funded' ? 'completed' : 'compensated';
  let saga = stored.saga;
  if (isSagaEnded(saga.status) && saga.status !== ending) {
    deps.log.warn({ sagaId: saga.sagaId, status: saga.status, type: event.type }, 'saga ended otherwise');
    return;
  }
  if (!isSagaEnded(saga.status)) saga = await endSaga(deps, saga, ending, data.reason);
  await publishOutcome(deps, saga, ending);
  failpoint('hr.onboarding.after_outcome_event');
  await tellRequester(deps, saga, ending, event);
  failpoint('hr.onboarding.after_notice');
}

async function endSaga(deps: HrOnboardingDeps, saga: Saga, ending: Ending, reason?: string): Promise<Saga> {
  if (ending === 'completed') await activateNewHire(deps.store, saga.sagaId);
  else await removeNewHire(deps.store, saga.sagaId);
  failpoint('hr.onboarding.after_employee_update');
  const at = (deps.now?.() ?? new Date()).toISOString();
  const r = await deps.sagas.recordStep(
    saga.sagaId,
    {
      step: ending,
      event: `hr.${outcomeEvent[ending]}`,
      at,
      by: deps.service ?? 'hr-agent',
      detail: { employee: ending === 'completed' ? 'active' : 'removed' },
    },
    { status: ending, endedAt: at, ...(reason ? { reason } : {}) },
  );
  if (r.recorded) {
    const labels = { flow: 'onboarding', outcome: ending };
    deps.metrics?.workflows.inc(labels);
    deps.metrics?.workflowDuration.observe(labels, (Date.parse(at) - Date.parse(saga.startedAt)) / 1000);
  }
  failpoint('hr.onboarding.after_saga_end');
  return r.saga;
}

async function publishOutcome(deps: HrOnboardingDeps, saga: Saga, ending: Ending): Promise<void> {
  const kind = outcomeEvent[ending];
  const data: OnboardingEndedData = {
    sagaId: saga.sagaId,
    employeeId: saga.subject.employeeId,
    ...(ending === 'compensated' && saga.reason ? { reason: saga.reason } : {}),
  };
  const ev: SwitchboardEvent = {
    eventId: `${saga.sagaId}.${ending}`,
    type: `hr.${kind}`,
    at: saga.endedAt ?? saga.updatedAt,
    agent: 'hr',
    sessionId: saga.sessionId,
    taskId: saga.taskId,
    userId: saga.requester,
    data,
  };
  await deps.js.publish(Subjects.event('hr', kind), encodeJson(ev), { msgID: ev.eventId });
}

function noticeText(saga: Saga, ending: Ending, event: SwitchboardEvent): string {
  const s = saga.subject;
  if (ending === 'compensated') {
    return `Onboarding of ${s.name} was cancelled (saga ${saga.sagaId}): Finance could not fund it — ${saga.reason ?? 'no reason given'}. The employee record ${s.employeeId} was removed; nothing else was kept.`;
  }
  const f = event.data as Partial<OnboardingFundedData>;
  const funding = f.costCentre
    ? ` Cost centre ${f.costCentre} and an equipment budget of $${(f.equipmentBudgetUsd ?? 0).toLocaleString('en-US')} are open.`
    : '';
  return `Onboarding of ${s.name} is complete (saga ${saga.sagaId}): ${s.employeeId} is active in ${s.department} from ${formatDay(s.startDate, true)}.${funding}`;
}

async function tellRequester(
  deps: HrOnboardingDeps,
  saga: Saga,
  ending: Ending,
  event: SwitchboardEvent,
): Promise<void> {
  const noticeId = outcomeNoticeId(saga.sagaId);
  const result = await appendNotice(deps.sessions, {
    sessionId: saga.sessionId,
    noticeId,
    text: noticeText(saga, ending, event),
    data: { sagaId: saga.sagaId, flow: 'onboarding', outcome: ending },
  });
  if (result === 'no_session') deps.log.info({ sagaId: saga.sagaId }, 'requester session gone: not told');
  await deps.sagas.recordStep(saga.sagaId, {
    step: 'notified',
    at: (deps.now?.() ?? new Date()).toISOString(),
    by: deps.service ?? 'hr-agent',
    detail: { noticeId, result },
  });
}
