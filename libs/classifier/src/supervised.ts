// A supervised decision layer over the hybrid classifier: a multinomial logistic regression whose
// inputs are the request's words, word pairs and character n-grams (hashed) and, per label, the
// hybrid's own lexical and semantic scores. Trained whenever the agent cards change, from the cards'
// examples (labelled by agent), the out-of-scope examples and any labelled utterances given (the
// routing data set's tune split). Deterministic: fixed hashing, zero start, a seeded shuffle.
import { shuffleInPlace } from './cross-validation.js';
import { fold, stem, words } from './text.js';

/** A labelled utterance: an agent's name, or {@link supervisedNone} for out of scope. */
export interface LabelledText {
  text: string;
  label: string;
}

/** The label of out-of-scope training texts. */
export const supervisedNone = 'none';

/** Training settings (defaults chosen by cross-validation: `npm run eval:routing -- --cv`). */
export interface SupervisedOptions {
  /** Passes over the training texts. */
  epochs: number;
  /** AdaGrad's base step. */
  learningRate: number;
  /** L2 penalty on the sparse weights. */
  l2: number;
  /** log2 of the number of hashed sparse features. */
  bits: number;
  /** Seed of the shuffle between passes. */
  seed: number;
  /** Models trained with seeds `seed`, `seed + 1`, ...; their probabilities are averaged. */
  ensemble: number;
}

export const defaultSupervisedOptions: Readonly<SupervisedOptions> = Object.freeze({
  epochs: 20,
  learningRate: 0.5,
  l2: 1e-4,
  bits: 18,
  seed: 12345,
  ensemble: 3,
});

/** The hashed sparse features of a text: each active index once, all of the same value (L2 norm 1). */
export interface SparseFeatures {
  idx: Uint32Array;
  value: number;
}

function fnv1a(s: string, mask: number): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) & mask;
}

/**
 * Stemmed words, stemmed word pairs, character 3–5-grams of the folded text (so typos still share
 * most features) and a bias feature every text has (a per-label prior).
 */
export function sparseFeatures(text: string, bits = defaultSupervisedOptions.bits): SparseFeatures {
  const mask = (1 << bits) - 1;
  const folded = fold(text);
  const w = words(folded).map(stem);
  const keys = new Set<string>(['bias']);
  for (const x of w) keys.add(`u:${x}`);
  for (let i = 0; i + 1 < w.length; i++) keys.add(`b:${w[i]} ${w[i + 1]}`);
  const s = ` ${w.join(' ')} `;
  for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= s.length; i++) keys.add(`c${n}:${s.slice(i, i + n)}`);
  const idx = Uint32Array.from(new Set([...keys].map((k) => fnv1a(k, mask))));
  return { idx, value: 1 / Math.sqrt(idx.length) };
}

/** Per label, the dense inputs: an agent's own lexical and semantic scores; for none, the reject examples'. */
export type DenseScores = (label: number) => readonly [number, number];

/** One training or query row. */
export interface SupervisedRow {
  sparse: SparseFeatures;
  dense: DenseScores;
}

/** A trained model over `labels` (agents in card order, then {@link supervisedNone}). */
export interface SupervisedModel {
  readonly labels: readonly string[];
  /** Probability of each label, in `labels` order. */
  probabilities(row: SupervisedRow): Float64Array;
}

/**
 * A tiny seeded generator (LCG) for the shuffle between passes. Not `seededRandom`: the trained
 * models, and so the figures measured on the held-out split, depend on this exact sequence.
 */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Trains the model: sparse weights per label; dense weights shared by every agent (so an agent with
 * few examples still gains from its scores) and separate for none. AdaGrad on the log loss.
 */
export function trainSupervised(
  labels: readonly string[],
  rows: readonly (SupervisedRow & { label: number })[],
  options: Partial<SupervisedOptions> = {},
): SupervisedModel {
  return runSteps(trainingSteps(labels, rows, options));
}

/** Runs a stepwise computation to its end. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Rows between two yields of {@link trainingSteps} (about 0.1 ms of work). */
export const rowsPerStep = 16;

/**
 * {@link trainSupervised} in steps: yields every few rows, so a caller can train between other work
 * (the router, between requests) and gets the same model. With `ensemble` > 1, that many models
 * are trained, each with its own shuffle seed, and their probabilities averaged.
 */
export function* trainingSteps(
  labels: readonly string[],
  rows: readonly (SupervisedRow & { label: number })[],
  options: Partial<SupervisedOptions> = {},
): Generator<void, SupervisedModel> {
  const o = { ...defaultSupervisedOptions, ...options };
  if (!(Number.isInteger(o.bits) && o.bits >= 8 && o.bits <= 24))
    throw new RangeError(`bits must be an integer in [8, 24], got ${o.bits}`);
  if (!(Number.isInteger(o.epochs) && o.epochs >= 1))
    throw new RangeError(`epochs must be >= 1, got ${o.epochs}`);
  if (!(Number.isInteger(o.ensemble) && o.ensemble >= 1))
    throw new RangeError(`ensemble must be >= 1, got ${o.ensemble}`);
  const members: SupervisedModel[] = [];
  for (let m = 0; m < o.ensemble; m++)
    members.push(yield* oneModel(labels, rows, { ...o, seed: o.seed + m }));
  if (members.length === 1) return members[0]!;
  return {
    labels,
    probabilities(row) {
      const out = new Float64Array(labels.length);
      for (const member of members) {
        const p = member.probabilities(row);
        for (let k = 0; k < out.length; k++) out[k]! += p[k]! / members.length;
      }
      return out;
    },
  };
}

/** One model of {@link trainingSteps}. */
function* oneModel(
  labels: readonly string[],
  rows: readonly (SupervisedRow & { label: number })[],
  o: SupervisedOptions,
): Generator<void, SupervisedModel> {
  const K = labels.length;
  const none = labels.indexOf(supervisedNone);
  const size = 1 << o.bits;
  const W = new Float32Array(K * size);
  const G = new Float32Array(K * size).fill(1e-8);
  // Dense weights: [agents' 2, none's 2]; and their AdaGrad sums.
  const U = new Float64Array(4);
  const GU = new Float64Array(4).fill(1e-8);
  const z = new Float64Array(K);
  const dense = (row: SupervisedRow, k: number) => row.dense(k);
  const logits = (row: SupervisedRow, out: Float64Array) => {
    for (let k = 0; k < K; k++) {
      let s = 0;
      const base = k * size;
      for (const i of row.sparse.idx) s += W[base + i]!;
      s *= row.sparse.value;
      const [a, b] = dense(row, k);
      const u = k === none ? 2 : 0;
      out[k] = s + U[u]! * a + U[u + 1]! * b;
    }
    softmax(out);
  };
  const order = rows.map((_, i) => i);
  const random = lcg(o.seed);
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const n of order) {
      if (++step % rowsPerStep === 0) yield;
      const row = rows[n]!;
      logits(row, z);
      for (let k = 0; k < K; k++) {
        const g = z[k]! - (k === row.label ? 1 : 0);
        const base = k * size;
        for (const i of row.sparse.idx) {
          const j = base + i;
          const gi = g * row.sparse.value + o.l2 * W[j]!;
          G[j]! += gi * gi;
          W[j]! -= (o.learningRate * gi) / Math.sqrt(G[j]!);
        }
        const [a, b] = dense(row, k);
        const u = k === none ? 2 : 0;
        for (const [d, x] of [
          [u, a],
          [u + 1, b],
        ] as const) {
          const gd = g * x;
          GU[d]! += gd * gd;
          U[d]! -= (o.learningRate * gd) / Math.sqrt(GU[d]!);
        }
      }
    }
  }
  return {
    labels,
    probabilities(row) {
      const out = new Float64Array(K);
      logits(row, out);
      return out;
    },
  };
}

function softmax(z: Float64Array): void {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    z[k] = Math.exp(z[k]! - max);
    sum += z[k]!;
  }
  for (let k = 0; k < z.length; k++) z[k]! /= sum;
}
