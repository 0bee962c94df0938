import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/**
 * How the V8 heap may grow. `lean` (the default): the young generation grows to at most
 * `HEAP_YOUNG_MAX_MB` per semi-space (V8 alone grows it to 16 MB each under load) and the old
 * generation is collected once it has grown by `HEAP_GROWTH_PERCENT` over what survived the last
 * full collection (V8 alone lets it reach up to 4x; the services' live heap is ~20 MB). `v8`: V8's
 * own heuristics.
 */
export type HeapMode = 'lean' | 'v8';

/** Settings of the `lean` mode (defaults in `BaseEnv`: 60 and 8). */
export interface LeanHeap {
  /** Old-generation growth over the live size before a full collection, in percent. */
  growthPercent: number;
  /** Largest young-generation semi-space, in MB (a power of two). */
  youngMaxMB: number;
}

const MB = 2 ** 20;

/**
 * The semi-space growth factor that lets the young generation grow from `semiMB` to exactly
 * `maxMB` in one step and no further (1 once it is there). V8 grows a semi-space by this factor
 * when enough survived its scavenges, and shrinks it back to 1 MB when the process idles, so the
 * factor is recomputed as the size changes.
 */
export function growthFactor(semiMB: number, maxMB: number): number {
  return Math.max(1, Math.floor(maxMB / Math.max(semiMB, 1)));
}

function semiSpaceMB(): number {
  const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return young ? young.space_size / 2 / MB : 1;
}

/**
 * Applies a heap mode to this process; returns a function that stops the young-generation
 * controller. A service cannot rely on command-line flags (it is started as `node dist/main.js`),
 * and `--max-semi-space-size` is read only at start-up. The two flags used here are read at every
 * collection, so they work when set at run time: `--heap-growing-percent` once, and
 * `--semi-space-growth-factor` after every collection, from the young generation's size (a fixed factor
 * of 1 would freeze it at whatever size it had, 1 MB after an idle spell, and a busy service then
 * spends a fifth of its time in the collector).
 */
export function tuneHeap(mode: HeapMode, lean: LeanHeap): () => void {
  if (mode === 'v8') return () => {};
  v8.setFlagsFromString(`--heap-growing-percent=${lean.growthPercent}`);
  let factor = 0;
  const check = () => {
    const next = growthFactor(semiSpaceMB(), lean.youngMaxMB);
    if (next !== factor) {
      v8.setFlagsFromString(`--semi-space-growth-factor=${next}`);
      factor = next;
    }
  };
  check();
  // After every collection (V8 resizes the young generation only then), checked again at once.
  const observer = new PerformanceObserver(check);
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
