import { SessionId, TaskId } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { newId, newSecretId } from './ids.js';

/** Characters `a` and `b` have in common from the start. */
function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

/** The mean shared prefix of consecutive ids of `make`: how much one id tells about the next. */
function meanSharedPrefix(make: () => string, n = 2000): number {
  let prev = make();
  let total = 0;
  for (let i = 0; i < n; i++) {
    const next = make();
    total += sharedPrefix(prev, next);
    prev = next;
  }
  return total / n;
}

describe('newSecretId', () => {
  it('is 128 random bits as 32 hex characters: a valid session id and task id', () => {
    for (let i = 0; i < 100; i++) {
      const id = newSecretId();
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(SessionId.safeParse(id).success).toBe(true);
      expect(TaskId.safeParse(id).success).toBe(true);
    }
  });

  it('never repeats in 20,000 ids', () => {
    const ids = new Set(Array.from({ length: 20_000 }, newSecretId));
    expect(ids.size).toBe(20_000);
  });

  it('tells nothing about the next id, unlike the sequential request ids', () => {
    // Consecutive nuids share their 12-character prefix and their sequences are close: guessable.
    expect(meanSharedPrefix(newId)).toBeGreaterThanOrEqual(12);
    // Random hex: the chance to share the first character is 1/16, so the mean is about 1/15.
    expect(meanSharedPrefix(newSecretId)).toBeLessThan(0.2);
    // Every hex digit appears in every position over enough ids (none fixed, none skipped).
    const ids = Array.from({ length: 2000 }, newSecretId);
    for (let pos = 0; pos < 32; pos++) expect(new Set(ids.map((id) => id[pos])).size).toBe(16);
  });
});
