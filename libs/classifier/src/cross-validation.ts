/**
 * k-fold cross-validation of the routing calibration on the tune split: the settings are chosen on
 * k-1 folds and measured on the fold left out, so a setting that only fits these phrasings shows
 * up as a gap between the calibration accuracy and the fold's accuracy.
 */

/** A small seeded PRNG (mulberry32): the same seed gives the same folds on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates: shuffles `items` in place with `random` (values in [0, 1)). */
export function shuffleInPlace<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/**
 * The fold (0..k-1) of each item, stratified by `stratum`: each stratum is shuffled with the seed
 * and dealt round-robin, so every fold holds about the same share of every class. Deterministic.
 */
export function stratifiedFolds<T>(
  items: readonly T[],
  k: number,
  seed: number,
  stratum: (t: T) => string,
): number[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`folds must be an integer of at least 2, got ${k}`);
  const random = seededRandom(seed);
  const byStratum = new Map<string, number[]>();
  items.forEach((t, i) => {
    const s = stratum(t);
    byStratum.set(s, [...(byStratum.get(s) ?? []), i]);
  });
  const fold = new Array<number>(items.length).fill(0);
  let offset = 0;
  for (const key of [...byStratum.keys()].sort()) {
    const idx = byStratum.get(key)!;
    shuffleInPlace(idx, random);
    // Strata start where the previous one stopped, so small strata do not all fill fold 0.
    idx.forEach((item, n) => {
      fold[item] = (offset + n) % k;
    });
    offset = (offset + idx.length) % k;
  }
  return fold;
}

/** Mean and (population) standard deviation of per-fold figures; nulls are skipped. */
export function meanAndSpread(values: readonly (number | null)[]): {
  mean: number | null;
  sd: number | null;
} {
  const xs = values.filter((v): v is number => v !== null);
  if (xs.length === 0) return { mean: null, sd: null };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return { mean, sd };
}
