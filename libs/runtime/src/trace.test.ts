import { describe, expect, it } from 'vitest';
import { formatTraceparent, nextHop, parseTraceparent } from './trace.js';

describe('traceparent', () => {
  const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  it('parses and formats W3C trace context', () => {
    const t = parseTraceparent(tp);
    expect(t).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: '01',
    });
    expect(formatTraceparent(t!)).toBe(tp);
  });
  it.each([
    '',
    'garbage',
    '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
  ])('refuses %j', (v) => expect(parseTraceparent(v)).toBeUndefined());
  it('keeps the trace id across hops with a new span id, and starts a trace when there is none', () => {
    const hop = nextHop(tp);
    expect(hop.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(hop.spanId).not.toBe('00f067aa0ba902b7');
    const fresh = nextHop(undefined);
    expect(fresh.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(parseTraceparent(formatTraceparent(fresh))).toEqual(fresh);
  });
});
