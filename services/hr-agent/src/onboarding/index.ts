import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { armedFailpoints, startEventConsumer } from '@switchboard/agent-kit';
import { WorkflowConsumers } from '@switchboard/contracts';
import { type SagaStore, workflowAckWaitMs } from '@switchboard/runtime';
import { type HrOnboardingDeps, handleFinanceEvent } from './consumer.js';

export { type HrOnboardingDeps, handleFinanceEvent, outcomeNoticeId } from './consumer.js';
export { onboardingSagaId } from './records.js';
export { type OnboardingToolDeps, type StartOnboardingOutput, startOnboardingTool } from './tool.js';

/**
 * Starts HR's durable consumer `hr-onboarding` on `events.finance.*`: completes or compensates
 * each onboarding saga when Finance has answered. Returns its stop (for SIGTERM).
 */
export async function startHrOnboarding(
  deps: HrOnboardingDeps & { jsm: JetStreamManager; js: JetStreamClient; sagas: SagaStore },
): Promise<{ stop(): Promise<void> }> {
  const consumer = WorkflowConsumers.find((c) => c.agent === 'hr' && c.flow === 'onboarding');
  if (!consumer) throw new Error('no hr onboarding consumer in WorkflowConsumers');
  const armed = armedFailpoints();
  if (armed.length > 0) deps.log.warn({ failpoints: armed }, 'failpoints armed');
  return startEventConsumer({
    js: deps.js,
    jsm: deps.jsm,
    log: deps.log,
    consumer,
    ackWaitMs: workflowAckWaitMs(),
    handle: (event) => handleFinanceEvent(deps, event),
  });
}
