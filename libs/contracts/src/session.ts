import { z } from 'zod';
import { GroupParts } from './gather.js';
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
  /**
   * For agent turns: the domain events the turn caused, kept so that a rerun of the task (its ack
   * was lost after the session write) publishes them again; their ids make the stream drop copies.
   */
  events: z
    .array(
      z.strictObject({
        kind: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
        data: z.record(z.string(), z.unknown()),
      }),
    )
    .max(16)
    .optional(),
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
  /**
   * The task whose turn created this record. Absent when the router stored the record for a queued
   * task (the agent's answer then updates it), and on records written before this field existed.
   */
  openedBy: TaskId.optional(),
  /**
   * Set on a group session only (scatter-gather, `agent` is then `GroupOwner`): the part sessions,
   * one per agent. Follow-ups in the group go to the part whose agent fits (docs/workflows/scatter-gather.md).
   */
  parts: GroupParts.optional(),
});
export type Session = z.infer<typeof Session>;

/**
 * One answered task of a session, as the change feed of the `sessions` bucket records it. There is
 * no separate turn event: the session write that stores the answer is the event (a message of the
 * bucket's stream `KV_sessions` on `$KV.sessions.<sessionId>`), and `watchTurns` in
 * `@switchboard/runtime` decodes each revision into one of these per agent turn it adds. `status`
 * says what the former `task.answered` and `session.ended` events said.
 */
export const TurnRecorded = z.strictObject({
  sessionId: SessionId,
  agent: AgentName,
  /** The employee the session belongs to, when known. */
  userId: UserId.optional(),
  /** The task answered: unique per turn, so a reader that sees a turn again can tell. */
  taskId: TaskId,
  /** `answered`, or `ended` when this turn closed the session. */
  status: z.enum(['answered', 'ended']),
  /** True when this turn created the session record (false after a queued task's session). */
  opened: z.boolean(),
  /**
   * The task's turns, oldest first: the user's question and the agent's answer (only the answer
   * when the cap on a session's turns has dropped the question).
   */
  turns: z.array(Turn).min(1).max(2),
  /**
   * The revision the turn was read from: the write that recorded it, or, for a reader that came
   * later (the bucket keeps one revision per session), a later write of the session that holds it.
   */
  revision: z.number().int().positive(),
  /** When the agent answered (the answer's `at`). */
  at: Timestamp,
});
export type TurnRecorded = z.infer<typeof TurnRecorded>;

/** The public view of a session, served by `GET /v1/sessions/<id>`. */
export const SessionView = z.strictObject({
  sessionId: SessionId,
  agent: AgentName,
  status: SessionStatus,
  turns: z.array(z.strictObject({ role: TurnRole, text: z.string(), at: Timestamp })),
  /** A group session's part sessions (scatter-gather). */
  parts: GroupParts.optional(),
});
export type SessionView = z.infer<typeof SessionView>;

/** The public view of a stored session. */
export function toSessionView(s: Session): SessionView {
  return {
    sessionId: s.sessionId,
    agent: s.agent,
    status: s.status,
    turns: s.turns.map((t) => ({ role: t.role, text: t.text, at: t.at })),
    ...(s.parts ? { parts: s.parts } : {}),
  };
}

/** Used by `UserId` consumers that need to know the type without importing zod. */
export type { UserId };
