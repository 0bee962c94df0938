import { randomFillSync } from 'node:crypto';

import { parseTraceparent, type TraceContext } from '@switchboard/contracts';

// The parser lives with the message context codec in the contracts; re-exported for the runtime's users.
export { parseTraceparent, type TraceContext };

/** Formats a trace context as a `traceparent` header value. */
export function formatTraceparent(t: TraceContext): string {
  return `00-${t.traceId}-${t.spanId}-${t.flags}`;
}

/**
 * The context for the next hop: the same trace with a new span id, or a new trace when `incoming`
 * is absent or malformed. Every hop of one request thus logs the same `traceId`.
 */
export function nextHop(incoming: string | undefined | null): TraceContext {
  const parent = parseTraceparent(incoming);
  return {
    traceId: parent?.traceId ?? randomHex(16),
    spanId: randomHex(8),
    flags: parent?.flags ?? '01',
  };
}

// Random bytes drawn from a pooled buffer: one randomFillSync per 512 ids instead of one per id.
const pool = Buffer.alloc(8192);
let offset = pool.length;

function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return /^0+$/.test(hex) ? randomHex(bytes) : hex;
}
