// The V8 heap limits each service runs with. They are given to `node` in NODE_OPTIONS when the
// process starts (scripts/start.mjs, the bench's bench/services.mjs; the README shows how to start a
// service alone with them); nothing changes V8 flags at run time. Both flags are among those Node
// allows in NODE_OPTIONS. The values and what they cost are measured in docs/metrics.md ("Heap size").
//
// --max-semi-space-size: the young generation's semi-spaces grow to at most this many MB under load
//   (V8's own limit on 64-bit is 16).
// --max-old-space-size: the old generation's hard limit in MB (past it a process dies with "heap out
//   of memory"; the services' live heap is ~20 MB). With a limit this size V8 also lets the old
//   generation grow less between full collections than with its default of ~4 GB, which is what
//   keeps the services' RSS close to their live heap.
export const SERVICE_HEAP_OPTIONS = '--max-old-space-size=256 --max-semi-space-size=4';

/**
 * NODE_OPTIONS for a service process: the heap limits, then `inherited` (the caller's own
 * NODE_OPTIONS). V8 takes the last value of a repeated flag, so limits set by the caller win.
 */
export function serviceNodeOptions(inherited = process.env.NODE_OPTIONS) {
  return [SERVICE_HEAP_OPTIONS, inherited?.trim()].filter(Boolean).join(' ');
}
