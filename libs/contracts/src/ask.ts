import { z } from 'zod';
import { Budget } from './budget.js';
import { type ErrorCode, ErrorCodes } from './errors.js';
import { AgentName, SessionId, UserId } from './ids.js';

/**
 * A user's request, on `agents.ask`, `agents.<agent>.ask` and `POST /v1/ask`. Unknown fields are
 * refused. Over NATS a payload that is not JSON is taken as `{ text: <payload> }`.
 */
export const AskRequest = z.strictObject({
  /** What the user says; trimmed, 1 to `Limits.maxTextChars` characters. `END` closes the session. */
  text: z.string().trim().min(1, 'text must not be empty'),
  /** Continue this session; omit to start a new one. */
  sessionId: SessionId.optional(),
  /** The employee asking (demo users: alice, bob, carol). */
  userId: UserId.optional(),
  /**
   * What the LLM calls of this request may spend in total, e.g. `{"tokens":2000,"usd":0.05}`; the
   * same as the `Switchboard-Budget` header (with both, the tighter limit of each applies). A turn
   * that would exceed it stops with `budget_exceeded` or a partial answer; see docs/workflows/budgets.md.
   */
  budget: Budget.optional(),
});
export type AskRequest = z.infer<typeof AskRequest>;

/** What a successful reply says about the request. */
export const ReplyStatus = z.enum(['answered', 'queued', 'clarify', 'ended']);
export type ReplyStatus = z.infer<typeof ReplyStatus>;

/** A successful reply. */
export const AskReplyOk = z.strictObject({
  ok: z.literal(true),
  /**
   * `answered`: the agent answered. `queued`: stored, no live instance of the agent; the answer lands
   * in the session. `clarify`: no agent fits; `agent` is null. `ended`: the session is closed.
   */
  status: ReplyStatus,
  /** The session this turn belongs to; use it for follow-ups. */
  sessionId: SessionId,
  /**
   * The agent that owns the session, or null for `clarify` and for a combined answer of several
   * agents (scatter-gather: `data.parts` names each part's agent and session).
   */
  agent: AgentName.nullable(),
  /** The answer, for a person to read. */
  text: z.string(),
  /** Structured extras: the follow-up subject, tool results, engine used. */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type AskReplyOk = z.infer<typeof AskReplyOk>;

/** The body of an error reply. */
export const ErrorBody = z.strictObject({
  code: z.enum(Object.keys(ErrorCodes) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** A failed reply. */
export const AskReplyError = z.strictObject({ ok: z.literal(false), error: ErrorBody });
export type AskReplyError = z.infer<typeof AskReplyError>;

/** Every reply to an ask, over NATS and HTTP. */
export const AskReply = z.discriminatedUnion('ok', [AskReplyOk, AskReplyError]);
export type AskReply = z.infer<typeof AskReply>;
