import { describe, expect, it } from 'vitest';
import { charKey, extractFeatures, KeyCounts, KeyIds } from './features.js';
import { contentTerms } from './text.js';

/** The character n-grams of a text counted by string, the way the counts are defined. */
function stringGrams(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const term of contentTerms(text)) {
    const padded = `^${term}$`;
    for (let n = 3; n <= 5; n++) {
      for (let j = 0; j + n <= padded.length; j++) {
        const gram = padded.slice(j, j + n);
        out.set(gram, (out.get(gram) ?? 0) + 1);
      }
    }
  }
  return out;
}

describe('character n-gram keys', () => {
  it.each([
    'how many vacation days do I have left',
    'reimbursement reimbursement of expenses',
    'INV-5555 paid? x1 b2b 401k',
    'Ｆｕｌｌ-width café résumé',
    'a',
  ])('count as the n-gram strings would, in the same order: %j', (text) => {
    const expected = [...stringGrams(text)].map(([gram, c]) => [charKey(gram), c]);
    expect([...extractFeatures(text)[2]]).toEqual(expected);
  });

  it('gives distinct n-grams distinct keys, also across lengths', () => {
    const grams = ['^ab', 'ab$', '^ab$', 'aaa', 'aaaa', 'aaaaa', '^a$', '000', '0000', 'zzzzz'];
    expect(new Set(grams.map(charKey)).size).toBe(grams.length);
    expect(charKey('zzzzz')).toBeLessThan(2 ** 30);
  });
});

describe('KeyIds and KeyCounts', () => {
  it('number keys in order of first insertion, through growth', () => {
    const ids = new KeyIds();
    const keys = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 100003);
    expect(keys.map((k) => ids.add(k))).toEqual(keys.map((_, i) => i));
    expect(keys.map((k) => ids.get(k))).toEqual(keys.map((_, i) => i));
    expect(ids.add(keys[10]!)).toBe(10);
    expect(ids.get(100004)).toBe(-1);
    expect(ids.size).toBe(1000);
    ids.clear();
    expect(ids.size).toBe(0);
    expect(ids.get(keys[0]!)).toBe(-1);
    expect(ids.add(42)).toBe(0);
  });

  it('counts like a Map', () => {
    const counts = new KeyCounts();
    for (const k of [5, 3, 5, 9, 3, 5]) counts.add(k, 1);
    expect([...counts]).toEqual([
      [5, 3],
      [3, 2],
      [9, 1],
    ]);
    expect(counts.size).toBe(3);
    expect([...counts.keys()]).toEqual([5, 3, 9]);
    counts.clear();
    expect([...counts]).toEqual([]);
  });
});
