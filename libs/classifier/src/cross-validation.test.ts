import { describe, expect, it } from 'vitest';
import { meanAndSpread, seededRandom, stratifiedFolds } from './cross-validation.js';

describe('stratifiedFolds', () => {
  const items = [
    ...Array.from({ length: 50 }, (_, i) => ({ id: i, label: 'hr' })),
    ...Array.from({ length: 30 }, (_, i) => ({ id: 50 + i, label: 'finance' })),
    ...Array.from({ length: 7 }, (_, i) => ({ id: 80 + i, label: 'none' })),
  ];

  it('deals every class evenly over the folds', () => {
    const folds = stratifiedFolds(items, 5, 42, (t) => t.label);
    expect(folds).toHaveLength(items.length);
    for (const label of ['hr', 'finance']) {
      const counts = [0, 0, 0, 0, 0];
      items.forEach((t, i) => {
        if (t.label === label) counts[folds[i]!]! += 1;
      });
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
    const sizes = [0, 0, 0, 0, 0];
    for (const f of folds) sizes[f]! += 1;
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('is the same for the same seed and differs for another', () => {
    const a = stratifiedFolds(items, 5, 42, (t) => t.label);
    expect(stratifiedFolds(items, 5, 42, (t) => t.label)).toEqual(a);
    expect(stratifiedFolds(items, 5, 7, (t) => t.label)).not.toEqual(a);
  });

  it('rejects fewer than two folds with a RangeError', () => {
    expect(() => stratifiedFolds(items, 1, 42, (t) => t.label)).toThrow(RangeError);
    expect(() => stratifiedFolds(items, 2.5, 42, (t) => t.label)).toThrow(RangeError);
  });
});

describe('seededRandom and meanAndSpread', () => {
  it('draws in [0, 1), repeatably', () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    const draws = Array.from({ length: 100 }, () => a());
    expect(draws).toEqual(Array.from({ length: 100 }, () => b()));
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('averages and spreads the figures it has, skipping nulls', () => {
    expect(meanAndSpread([0.9, null, 1])).toEqual({ mean: 0.95, sd: expect.closeTo(0.05, 10) });
    expect(meanAndSpread([null])).toEqual({ mean: null, sd: null });
  });
});
