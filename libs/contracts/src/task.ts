import { z } from 'zod';
import { AgentName, SessionId, TaskId, Timestamp, UserId } from './ids.js';

/**
 * One unit of work for an agent, published on `tasks.<agent>` (stream `AGENT_TASKS`). The caller's
 * reply subject, request id and deadline travel in headers (see `HeaderNames`), not here.
 */
export const Task = z.strictObject({
  /** Unique per accepted turn; the `Nats-Msg-Id` of the task and the idempotency key of its effects. */
  taskId: TaskId,
  /** The request id shared by every hop of this request. */
  requestId: z.string().min(1).max(64),
  /** The session the turn belongs to. */
  sessionId: SessionId,
  /** The agent type that must handle it. */
  agent: AgentName,
  /** The user's text, already validated and trimmed. */
  text: z.string().min(1),
  /** The employee asking, when known. */
  userId: UserId.optional(),
  /** True for the first turn of a conversation handed on live: no session record exists yet. False for follow-ups, and for queued tasks whose session the router stored. */
  newSession: z.boolean(),
  /** When the task was accepted. */
  createdAt: Timestamp,
  /**
   * Other requests the router found in the same message that belong to other agents (a question
   * with two intents). `text` of the task is then only this agent's part; the agent answers it and
   * tells the caller that each other part needs its own question. The router no longer sets it
   * (it sends every part to its agent and gathers the answers, docs/workflows/scatter-gather.md);
   * kept so that tasks published before that still parse and are answered.
   */
  otherIntents: z
    .array(z.strictObject({ agent: AgentName, text: z.string().min(1).max(4000) }))
    .min(1)
    .max(4)
    .optional(),
});
export type Task = z.infer<typeof Task>;
