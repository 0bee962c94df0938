import { z } from 'zod';

/**
 * A session id: 1–64 characters of `A-Z a-z 0-9 _ -`. It becomes a KV key and may appear in
 * subjects, so dots, wildcards and white space are refused.
 */
export const SessionId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, _ or -');
export type SessionId = z.infer<typeof SessionId>;

/**
 * An agent type name, e.g. `hr`: lower-case, starts with a letter, at most 32 characters. `none` is
 * reserved: it means "no agent" in routing metrics, the Claude classifier and the routing model.
 */
export const AgentName = z
  .string()
  .regex(
    /^(?!none$)[a-z][a-z0-9_-]{0,31}$/,
    'must be lower-case letters, digits, _ or -, starting with a letter, and not "none"',
  );
export type AgentName = z.infer<typeof AgentName>;

/** The employee asking, e.g. `alice`. Letters, digits, `.`, `_`, `-`, `@`; at most 64 characters. */
export const UserId = z
  .string()
  .regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, . _ @ -');
export type UserId = z.infer<typeof UserId>;

/** A task id: unique per accepted turn; used as `Nats-Msg-Id` and for idempotency. */
export const TaskId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
export type TaskId = z.infer<typeof TaskId>;

/** ISO-8601 timestamp in UTC, as produced by `Date#toISOString`. */
export const Timestamp = z.iso.datetime();
