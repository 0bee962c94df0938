import { describe, expect, it } from 'vitest';
import { type MessageContext, readContext, timeLeft, writeContext } from './context.js';
import { HeaderNames } from './headers.js';

/** A header map with nats.js's `get` semantics ('' when absent). */
function headers(init: Record<string, string> = {}) {
  const m = new Map(Object.entries(init));
  return { get: (k: string) => m.get(k) ?? '', set: (k: string, v: string) => void m.set(k, v), m };
}

const NOW = 1_800_000_000_000;
const newId = () => 'fresh';
const TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('message context codec', () => {
  it('round-trips every field through headers', () => {
    const ctx: MessageContext = {
      requestId: 'req-1',
      traceparent: TRACE,
      deadline: NOW + 5000,
      replyTo: '_INBOX.abc.1',
      userId: 'alice',
      replay: true,
    };
    const h = headers();
    writeContext(h, ctx);
    expect(readContext(h, newId, NOW)).toEqual(ctx);
  });

  it('gives a message without headers a new request id and nothing else', () => {
    expect(readContext(undefined, newId, NOW)).toEqual({ requestId: 'fresh' });
  });

  it.each([
    ['request id with a dot', { [HeaderNames.requestId]: 'a.b' }, { requestId: 'fresh' }],
    ['deadline that is not a number', { [HeaderNames.deadline]: 'soon' }, { requestId: 'fresh' }],
    [
      'deadline more than a day ahead',
      { [HeaderNames.deadline]: String(NOW + 2 * 86_400_000) },
      { requestId: 'fresh' },
    ],
    ['malformed traceparent', { [HeaderNames.traceparent]: '01-xyz' }, { requestId: 'fresh' }],
    [
      'traceparent with an all-zero trace id',
      { [HeaderNames.traceparent]: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` },
      { requestId: 'fresh' },
    ],
    ['user id with a space', { [HeaderNames.userId]: 'bob smith' }, { requestId: 'fresh' }],
  ])('drops a %s', (_what, init, expected) => {
    expect(readContext(headers(init), newId, NOW)).toEqual(expected);
  });

  it.each([
    ['a wildcard', 'events.>'],
    ['a space', '_INBOX.a b'],
    ['a stream subject', 'events.hr.leave_requested'],
    ['a KV key of the sessions bucket', '$KV.sessions.victim'],
    ['a task subject', 'tasks.hr'],
    ['another service subject', 'agents.hr.ask'],
    ['a JetStream API subject', '$JS.API.STREAM.PURGE.AGENT_TASKS'],
    ['the inbox prefix alone', '_INBOX.'],
    ['a look-alike prefix', '_INBOXES.a'],
    ['an empty token', '_INBOX..a'],
    ['a wildcard under the inbox prefix', '_INBOX.*'],
    ['an overlong subject', `_INBOX.${'a'.repeat(255)}`],
  ])('refuses a reply subject with %s: dropped and flagged, never answered on', (_what, subject) => {
    const ctx = readContext(headers({ [HeaderNames.replyTo]: subject }), newId, NOW);
    expect(ctx).toEqual({ requestId: 'fresh', unusableReplyTo: true });
  });

  it.each(['_INBOX.abc', '_INBOX.client.Xk3lQ9aa0.17', '_INBOX.chaos_AbC.key-1'])(
    'keeps the inbox reply subject %s',
    (subject) => {
      const ctx = readContext(headers({ [HeaderNames.replyTo]: subject }), newId, NOW);
      expect(ctx).toEqual({ requestId: 'fresh', replyTo: subject });
    },
  );

  it('never writes the refusal flag onto the next hop', () => {
    const h = headers();
    writeContext(h, { requestId: 'r', unusableReplyTo: true });
    expect([...h.m.keys()]).toEqual([HeaderNames.requestId]);
  });

  it('keeps a deadline already past, so the receiver can see it expired', () => {
    const ctx = readContext(headers({ [HeaderNames.deadline]: String(NOW - 1) }), newId, NOW);
    expect(ctx.deadline).toBe(NOW - 1);
    expect(timeLeft(ctx, NOW)).toBe(-1);
  });

  it('has infinite time left without a deadline', () => {
    expect(timeLeft({}, NOW)).toBe(Number.POSITIVE_INFINITY);
  });
});
