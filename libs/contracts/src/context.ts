import { type Budget, formatBudget, parseBudget } from './budget.js';
import { HeaderNames } from './headers.js';
import { UserId } from './ids.js';
import { isInboxSubject } from './subjects.js';

/**
 * Everything a message carries about the request it belongs to, besides its payload: read once
 * from the headers by {@link readContext}, passed along, and written onto the next hop's message
 * by {@link writeContext}. The one place that knows the header names and their formats.
 */
export interface MessageContext {
  /** Shared by every hop and log line of one request; a new one when the header is missing or bad. */
  requestId: string;
  /** The W3C `traceparent` as received (the next hop derives its own span from it). */
  traceparent?: string;
  /**
   * When the caller stops waiting, epoch milliseconds. Absent: nobody waits for this message's
   * answer on a clock (a queued task, a `nats req` without the header), so it never expires.
   */
  deadline?: number;
  /** Where the answer goes (a task's `Switchboard-Reply-To`): always an inbox (`_INBOX.` prefix). */
  replyTo?: string;
  /**
   * The message named a reply subject that is not an inbox (`_INBOX.` prefix, no wildcards): it was
   * dropped, never answered on. A receiver that would answer there refuses the message instead
   * (an agent dead-letters such a task), so nobody can make a service publish into a stream, a
   * bucket or another service's subject by naming it as the reply subject.
   */
  unusableReplyTo?: true;
  /** The user the request is made for, as the edge that accepted it established. */
  userId?: string;
  /** What the request's LLM calls may still spend (`Switchboard-Budget`); absent: unlimited. */
  budget?: Budget;
  /**
   * The message carried a `Switchboard-Budget` header that is malformed: it was dropped. An edge that
   * accepts requests (`agents.ask`, `agents.<agent>.ask`) refuses such a request with
   * `invalid_request` rather than run it without the limit the caller meant to set.
   */
  invalidBudget?: true;
  /** The caller wants the answer streamed to `chunks.<streamId>` too (`Switchboard-Stream`). */
  streamId?: string;
  /** Published again by an operator from the dead letters: the session must be checked first. */
  replay?: boolean;
}

/** The header access {@link readContext} needs: a nats.js `MsgHdrs` fits (it returns '' when absent). */
export interface HeaderReader {
  get(name: string): string;
}

/** The header access {@link writeContext} needs: a nats.js `MsgHdrs` fits. */
export interface HeaderWriter {
  set(name: string, value: string): void;
}

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
/** Deadlines further out than this are treated as a mistake and ignored: one day. */
const MAX_DEADLINE_AHEAD_MS = 24 * 60 * 60 * 1000;

/**
 * Reads the context of a message. Malformed values are dropped, never trusted: a bad request id
 * becomes a new one (from `newId`), a bad deadline or trace header is as if absent, a reply subject
 * that is not an inbox is dropped and flagged (`unusableReplyTo`).
 */
export function readContext(
  headers: HeaderReader | undefined,
  newId: () => string,
  now = Date.now(),
): MessageContext {
  const get = (name: string) => headers?.get(name) || undefined;
  const requestId = get(HeaderNames.requestId);
  const ctx: MessageContext = { requestId: requestId && TOKEN.test(requestId) ? requestId : newId() };
  const traceparent = get(HeaderNames.traceparent)?.trim();
  if (parseTraceparent(traceparent)) ctx.traceparent = traceparent;
  const deadline = parseDeadline(get(HeaderNames.deadline), now);
  if (deadline !== undefined) ctx.deadline = deadline;
  const replyTo = get(HeaderNames.replyTo);
  if (replyTo && isInboxSubject(replyTo)) ctx.replyTo = replyTo;
  else if (replyTo) ctx.unusableReplyTo = true;
  const userId = get(HeaderNames.userId);
  if (userId && UserId.safeParse(userId).success) ctx.userId = userId;
  const rawBudget = get(HeaderNames.budget);
  const budget = parseBudget(rawBudget);
  if (budget) ctx.budget = budget;
  else if (rawBudget) ctx.invalidBudget = true;
  if (get(HeaderNames.replay)) ctx.replay = true;
  const streamId = get(HeaderNames.streamId);
  if (streamId && TOKEN.test(streamId)) ctx.streamId = streamId;
  return ctx;
}

/** Writes a context onto a message's headers (only the fields that are set). */
export function writeContext(headers: HeaderWriter, ctx: MessageContext): void {
  headers.set(HeaderNames.requestId, ctx.requestId);
  if (ctx.traceparent) headers.set(HeaderNames.traceparent, ctx.traceparent);
  if (ctx.deadline !== undefined) headers.set(HeaderNames.deadline, String(Math.round(ctx.deadline)));
  if (ctx.replyTo) headers.set(HeaderNames.replyTo, ctx.replyTo);
  if (ctx.userId) headers.set(HeaderNames.userId, ctx.userId);
  if (ctx.budget) headers.set(HeaderNames.budget, formatBudget(ctx.budget));
  if (ctx.replay) headers.set(HeaderNames.replay, '1');
  if (ctx.streamId) headers.set(HeaderNames.streamId, ctx.streamId);
}

/** A parsed W3C `traceparent`: version 00, 32-hex trace id, 16-hex parent span id, flags. */
export interface TraceContext {
  traceId: string;
  spanId: string;
  flags: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Parses a `traceparent` header; `undefined` when absent or malformed (all-zero ids are invalid). */
export function parseTraceparent(value: string | undefined | null): TraceContext | undefined {
  const m = value ? TRACEPARENT.exec(value.trim()) : null;
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, flags: m[3]! };
}

/** A deadline header: integer epoch ms, not absurdly far ahead. Past deadlines are kept (they expire). */
function parseDeadline(value: string | undefined, now: number): number | undefined {
  if (!value || !/^\d{1,16}$/.test(value)) return undefined;
  const ms = Number(value);
  return ms > now + MAX_DEADLINE_AHEAD_MS ? undefined : ms;
}

/** Milliseconds left before the context's deadline (`Infinity` without one; negative once past). */
export function timeLeft(ctx: Pick<MessageContext, 'deadline'>, now = Date.now()): number {
  return ctx.deadline === undefined ? Number.POSITIVE_INFINITY : ctx.deadline - now;
}
