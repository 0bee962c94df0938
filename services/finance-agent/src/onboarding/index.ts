import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { armedFailpoints, startEventConsumer } from '@switchboard/agent-kit';
import { WorkflowConsumers } from '@switchboard/contracts';
import { createSagaStore, type NatsConnection, workflowAckWaitMs } from '@switchboard/runtime';
import { openFinanceStore } from '../store/finance-store.js';
import { equipmentAllowanceUsd } from './funding.js';
import { type FinanceOnboardingDeps, handleEmployeeCreated } from './handler.js';

export { equipmentAllowanceUsd, OnboardingEntry, onboardingKey } from './funding.js';
export { type FinanceOnboardingDeps, handleEmployeeCreated } from './handler.js';

/**
 * Starts Finance's durable consumer `finance-onboarding` on `events.hr.employee_created`: funds
 * (or refuses) each new hire of an onboarding saga. Returns its stop (for SIGTERM).
 */
export async function startFinanceOnboarding(
  deps: Omit<FinanceOnboardingDeps, 'store' | 'sagas' | 'allowanceUsd'> & {
    nc: NatsConnection;
    jsm: JetStreamManager;
    js: JetStreamClient;
    buckets: { sagas: KV };
    replicas?: number;
  },
): Promise<{ stop(): Promise<void> }> {
  const consumer = WorkflowConsumers.find((c) => c.agent === 'finance' && c.flow === 'onboarding');
  if (!consumer) throw new Error('no finance onboarding consumer in WorkflowConsumers');
  const armed = armedFailpoints();
  if (armed.length > 0) deps.log.warn({ failpoints: armed }, 'failpoints armed');
  const store = await openFinanceStore({ nc: deps.nc, log: deps.log, replicas: deps.replicas ?? 1 });
  const step: FinanceOnboardingDeps = {
    ...deps,
    store,
    sagas: createSagaStore(deps.buckets.sagas),
    allowanceUsd: equipmentAllowanceUsd(),
  };
  return startEventConsumer({
    js: deps.js,
    jsm: deps.jsm,
    log: deps.log,
    consumer,
    ackWaitMs: workflowAckWaitMs(),
    handle: (event) => handleEmployeeCreated(step, event),
  });
}
