import { randomFillSync } from 'node:crypto';

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
