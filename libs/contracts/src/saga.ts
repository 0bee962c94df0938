import { z } from 'zod';
import { DepartmentNames } from './events.js';
import { SessionId, TaskId, Timestamp, UserId } from './ids.js';
import { WorkflowFlows } from './workflows.js';

/**
 * A saga id: 1-64 characters of `A-Z a-z 0-9 _ -` (a KV key, a message id prefix and a notice id
 * part). The onboarding saga's is `onb-` and 20 hex digits derived from the task that started it.
 */
export const SagaId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, _ or -');
export type SagaId = z.infer<typeof SagaId>;

/**
 * Where a saga is: `started` (steps going forward), `compensating` (a step failed, the earlier ones
 * are being undone), then one of the two ends, `completed` or `compensated`. Never anything else at
 * the end: a saga is never left half done.
 */
export const SagaStatuses = ['started', 'compensating', 'completed', 'compensated'] as const;
export const SagaStatus = z.enum(SagaStatuses);
export type SagaStatus = z.infer<typeof SagaStatus>;

/** True for the two statuses a saga ends in. */
export function isSagaEnded(status: SagaStatus): boolean {
  return status === 'completed' || status === 'compensated';
}

/** One step of a saga's history: recorded once, by the service that took it. */
export const SagaStep = z.strictObject({
  /** What happened, e.g. `employee_created`, `funded`, `funding_failed`, `completed`, `notified`. */
  step: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  /** The event type the step emitted (or reacted to), e.g. `finance.onboarding_funded`. */
  event: z.string().max(128).optional(),
  at: Timestamp,
  /** The service that took the step, e.g. `finance-agent`. */
  by: z.string().min(1).max(64),
  /** Step-specific detail: a reason, the cost centre, an amount. */
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type SagaStep = z.infer<typeof SagaStep>;

/** What an onboarding saga is about: the new hire. */
export const OnboardingSubject = z.strictObject({
  /** The directory id the new hire got, e.g. `dana-reyes`. */
  employeeId: UserId,
  name: z.string().min(1).max(80),
  department: z.enum(DepartmentNames),
  /** First working day, `YYYY-MM-DD`. */
  startDate: z.iso.date(),
});
export type OnboardingSubject = z.infer<typeof OnboardingSubject>;

/**
 * A saga record in the `sagas` bucket, keyed by `sagaId`: the state and history of one workflow
 * instance. Every write is a revision-checked update, and each step is appended once, so a
 * participant that is killed and restarted sees what was done and does only the rest.
 */
export const Saga = z.strictObject({
  sagaId: SagaId,
  flow: z.enum(WorkflowFlows),
  status: SagaStatus,
  /** The user who started it: in secure mode the only one who may read it. */
  requester: UserId,
  /** The session the requester is told the outcome in. */
  sessionId: SessionId,
  /** The task (turn) that started it; the saga id derives from it. */
  taskId: TaskId,
  subject: OnboardingSubject,
  steps: z.array(SagaStep),
  startedAt: Timestamp,
  updatedAt: Timestamp,
  endedAt: Timestamp.optional(),
  /** Why it was compensated. */
  reason: z.string().max(500).optional(),
});
export type Saga = z.infer<typeof Saga>;

/** The body of `sagas.get` and `GET /v1/sagas/<id>` when the saga was found. */
export const SagaReply = z.strictObject({ ok: z.literal(true), saga: Saga });
export type SagaReply = z.infer<typeof SagaReply>;

/** The request of `sagas.get`: `{"sagaId": "..."}`, or the id as plain text. */
export const SagaGetRequest = z.strictObject({ sagaId: SagaId });
export type SagaGetRequest = z.infer<typeof SagaGetRequest>;
