import { type WordVectors, wordVectors } from './vectors.js';

/** Options of {@link createSentenceEncoder}. */
export interface SentenceEncoderOptions {
  /** The word vectors (default: the packaged ones). */
  vectors?: WordVectors;
  /**
   * SIF smoothing `a` (Arora et al. 2017): a word of corpus probability `p` weighs `a / (a + p)`,
   * so frequent words ("the", "my", "how") count little and rare, topical words count fully. The
   * probability is estimated from the word's frequency rank by Zipf's law, `p ≈ 0.1 / rank`.
   */
  sif?: number;
  /**
   * Maps a word the vectors do not know (a typo of a domain word, say) to the word to use
   * instead; undefined leaves it unknown. Not called for words the vectors know.
   */
  correct?: (word: string) => string | undefined;
}

/** A sentence vector and the words that made it. */
export interface Encoded {
  /** Unit length; null when no word of the text has a vector. */
  vector: Float32Array | null;
  /** The words of the text that had a vector (after correction). */
  known: string[];
  /** The words that had none. */
  unknown: string[];
}

/**
 * Turns text into one unit vector: the SIF-weighted mean of its words' vectors, without the
 * direction every English sentence leans to (see {@link commonDirection}), so that unrelated
 * sentences score near 0 instead of 0.5.
 */
export interface SentenceEncoder {
  readonly dims: number;
  encode(text: string): Encoded;
  /** The SIF weight of a known word (0 for an unknown one). */
  weight(word: string): number;
}

/** Lower-cased words of a text with accents folded: runs of letters; `don't` → `dont`. */
export function textWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’‘`]s\b/g, '')
    .replace(/['’‘`]/g, '')
    .split(/[^a-z]+/)
    .filter((w) => w.length > 0);
}

/** Creates a sentence encoder over word vectors. Pure and synchronous; safe to share. */
export function createSentenceEncoder(options: SentenceEncoderOptions = {}): SentenceEncoder {
  const vectors = options.vectors ?? wordVectors();
  const a = options.sif ?? 3e-4;
  const correct = options.correct;
  const weightOf = (index: number) => (index < 0 ? 0 : a / (a + 0.1 / (index + 1)));
  const lookup = (w: string): [string, number] => {
    let i = vectors.indexOf(w);
    if (i < 0 && w.length > 4 && w.endsWith('s')) i = vectors.indexOf(w.slice(0, -1));
    if (i >= 0) return [w, i];
    const fixed = correct?.(w);
    return fixed === undefined ? [w, -1] : [fixed, vectors.indexOf(fixed)];
  };
  const common = commonDirection(vectors, a, weightOf);
  return {
    dims: vectors.dims,
    weight: (word) => weightOf(lookup(word)[1]),
    encode(text) {
      const acc = new Float64Array(vectors.dims);
      const known: string[] = [];
      const unknown: string[] = [];
      for (const raw of textWords(text)) {
        const [w, i] = lookup(raw);
        if (i < 0) {
          unknown.push(raw);
          continue;
        }
        known.push(w);
        vectors.addTo(acc, i, weightOf(i));
      }
      return { vector: known.length > 0 ? withoutComponent(unit(acc), common) : null, known, unknown };
    },
  };
}

/** `v / |v|` as float32; a zero vector stays zero. */
export function unit(v: ArrayLike<number>): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  const out = new Float32Array(v.length);
  if (n === 0) return out;
  const k = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * k;
  return out;
}

/** The dot product (the cosine, for unit vectors). */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** The unit mean of `vectors` (a centroid's direction); zero when there are none. */
export function meanDirection(vectors: readonly Float32Array[], dims: number): Float32Array {
  const sum = new Float64Array(dims);
  for (const v of vectors) for (let i = 0; i < dims; i++) sum[i]! += v[i]!;
  return unit(sum);
}

/** {@link commonDirection} per word-vector set and SIF setting: computed once per process. */
const commonCache = new WeakMap<WordVectors, Map<number, Float32Array>>();

/**
 * The expected sentence vector of ordinary English (SIF's "common component"): the SIF-weighted mean
 * of the 20,000 most frequent words' vectors, each by its Zipf probability. Every sentence vector
 * leans this way.
 */
function commonDirection(
  vectors: WordVectors,
  sif: number,
  weightOf: (index: number) => number,
): Float32Array {
  const bySif = commonCache.get(vectors) ?? new Map<number, Float32Array>();
  commonCache.set(vectors, bySif);
  let common = bySif.get(sif);
  if (!common) {
    const expected = new Float64Array(vectors.dims);
    for (let i = 0; i < Math.min(20_000, vectors.size); i++)
      vectors.addTo(expected, i, (0.1 / (i + 1)) * weightOf(i));
    common = unit(expected);
    bySif.set(sif, common);
  }
  return common;
}

/** `v` without its projection on the unit vector `u`, back to unit length. */
function withoutComponent(v: Float32Array, u: Float32Array): Float32Array {
  const p = dot(v, u);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! - p * u[i]!;
  return unit(out);
}
