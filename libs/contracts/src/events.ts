import { z } from 'zod';
import { AgentName, SessionId, TaskId, Timestamp, UserId } from './ids.js';

/**
 * An event in the `AGENT_EVENTS` stream, on `events.<domain>.<kind>`. `type` repeats
 * `<domain>.<kind>`; `eventId` is its `Nats-Msg-Id`, so a redelivered task never records it twice.
 */
export const SwitchboardEvent = z.strictObject({
  eventId: z.string().min(1).max(128),
  /** e.g. `session.opened`, `task.answered`, `session.ended`, `hr.leave_requested`. */
  type: z.string().regex(/^[a-z0-9_-]+\.[a-z0-9_-]+$/),
  at: Timestamp,
  agent: AgentName.optional(),
  sessionId: SessionId.optional(),
  taskId: TaskId.optional(),
  userId: UserId.optional(),
  /** Event-specific detail. */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type SwitchboardEvent = z.infer<typeof SwitchboardEvent>;
