import { z } from 'zod';
import { AgentName, SessionId, TaskId, Timestamp, UserId } from './ids.js';

/** Who spoke a turn. */
export const TurnRole = z.enum(['user', 'agent']);

/** One turn of a conversation. */
export const Turn = z.strictObject({
  role: TurnRole,
  /** What was said. */
  text: z.string(),
  /** When. */
  at: Timestamp,
  /** The task this turn belongs to; an agent turn with a task id marks that task as done. */
  taskId: TaskId.optional(),
  /** For agent turns: the reply status and data sent, so a redelivered task re-sends the same answer. */
  status: z.enum(['answered', 'ended']).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type Turn = z.infer<typeof Turn>;

/** Session status: `open` until the user says `END`. */
export const SessionStatus = z.enum(['open', 'ended']);
export type SessionStatus = z.infer<typeof SessionStatus>;

/** A session record in the `sessions` KV bucket, keyed by `sessionId`. */
export const Session = z.strictObject({
  sessionId: SessionId,
  /** The agent that owns the session; every follow-up goes to it. */
  agent: AgentName,
  status: SessionStatus,
  /** The employee the session belongs to, when known. */
  userId: UserId.optional(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** The conversation, oldest first, capped at `Limits.maxSessionTurns`. */
  turns: z.array(Turn),
  /** What the agent's engine is waiting for across turns (slot filling); engine-defined. */
  pending: z.record(z.string(), z.unknown()).optional(),
});
export type Session = z.infer<typeof Session>;

/** The public view of a session, served by `GET /v1/sessions/<id>`. */
export const SessionView = z.strictObject({
  sessionId: SessionId,
  agent: AgentName,
  status: SessionStatus,
  turns: z.array(z.strictObject({ role: TurnRole, text: z.string(), at: Timestamp })),
});
export type SessionView = z.infer<typeof SessionView>;

/** The public view of a stored session. */
export function toSessionView(s: Session): SessionView {
  return {
    sessionId: s.sessionId,
    agent: s.agent,
    status: s.status,
    turns: s.turns.map((t) => ({ role: t.role, text: t.text, at: t.at })),
  };
}

/** Used by `UserId` consumers that need to know the type without importing zod. */
export type { UserId };
