import { contentTerms } from './text.js';

/** Feature groups, scored apart and then mixed: word unigrams, word bigrams, character n-grams. */
export const groupNames = ['word', 'bigram', 'char'] as const;
export type GroupName = (typeof groupNames)[number];

/** The key of a feature: a string for words and bigrams, an integer (see {@link charKey}) for character n-grams. */
export type FeatureKey = string | number;

/**
 * Dense ids for non-negative integer keys, numbered in order of first insertion: an open-addressing
 * hash table in a typed array. Character n-grams are the bulk of the features, and this is several
 * times cheaper per lookup than a `Map`.
 */
export class KeyIds {
  /** The keys, by id. */
  readonly keys: number[] = [];
  /** Per slot: the id of the key stored there plus one; 0 marks an empty slot. */
  private slots: Int32Array;
  private shift: number;

  constructor(capacity = 16) {
    let bits = 4;
    while (1 << bits < capacity * 2) bits++;
    this.slots = new Int32Array(1 << bits);
    this.shift = 32 - bits;
  }

  get size(): number {
    return this.keys.length;
  }

  /** Fibonacci hashing: the top bits of the key times 2^32/φ, so similar keys spread out. */
  private slot(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** The id of `key`, or -1 when it was never added. */
  get(key: number): number {
    const mask = this.slots.length - 1;
    for (let s = this.slot(key); ; s = (s + 1) & mask) {
      const v = this.slots[s]!;
      if (v === 0) return -1;
      if (this.keys[v - 1] === key) return v - 1;
    }
  }

  /** The id of `key`, adding it (with the next id) when it is new. */
  add(key: number): number {
    const mask = this.slots.length - 1;
    let s = this.slot(key);
    for (; ; s = (s + 1) & mask) {
      const v = this.slots[s]!;
      if (v === 0) break;
      if (this.keys[v - 1] === key) return v - 1;
    }
    const id = this.keys.length;
    this.keys.push(key);
    this.slots[s] = id + 1;
    // Keep the table at most half full: probe runs stay short.
    if (this.keys.length * 2 > this.slots.length) this.grow();
    return id;
  }

  /** Forgets every key (keeping the table's size), so the next key gets id 0 again. */
  clear(): void {
    this.slots.fill(0);
    this.keys.length = 0;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.shift--;
    const mask = this.slots.length - 1;
    for (let id = 0; id < this.keys.length; id++) {
      let s = this.slot(this.keys[id]!);
      while (this.slots[s] !== 0) s = (s + 1) & mask;
      this.slots[s] = id + 1;
    }
  }
}

/**
 * Counts of integer keys in order of first occurrence. Iterates like a `Map` (`size`, `keys()`,
 * `[key, count]` entries), and offers `ids.keys[i]`/`counts[i]` for indexed loops.
 */
export class KeyCounts {
  /** Sized for a sentence or two; grows for longer text. */
  readonly ids = new KeyIds(64);
  /** Counts by id. */
  readonly counts: number[] = [];

  get size(): number {
    return this.ids.size;
  }

  add(key: number, weight: number): void {
    const id = this.ids.add(key);
    if (id === this.counts.length) this.counts.push(weight);
    else this.counts[id]! += weight;
  }

  clear(): void {
    this.ids.clear();
    this.counts.length = 0;
  }

  keys(): readonly number[] {
    return this.ids.keys;
  }

  *[Symbol.iterator](): IterableIterator<[number, number]> {
    for (let i = 0; i < this.ids.size; i++) yield [this.ids.keys[i]!, this.counts[i]!];
  }
}

/** Raw counts of one text's features, one collection per group in {@link groupNames} order. */
export type FeatureCounts = [Map<string, number>, Map<string, number>, KeyCounts];

/** Character n-gram sizes: 3 to 5 characters of a word padded with `^` and `$`. */
const charMin = 3;
const charMax = 5;

/**
 * Character n-grams are counted by number instead of by string: every character a content term
 * holds (`[a-z0-9]`: `words` in text.ts splits at anything else, and `stem` only cuts or appends
 * `y`) and the padding `^`/`$` is a digit 1–38 in base 40, so an n-gram of up to 5 characters is a
 * distinct integer below 40^5 (a small integer for V8; no string to build or hash). Digits start
 * at 1, so n-grams of different lengths never share a key.
 */
const charBase = 40;
/** Digits of the padding: `^` before a word, `$` after it. */
const startDigit = 1;
const endDigit = 2;
const charDigit = new Uint8Array(128);
charDigit['^'.charCodeAt(0)] = startDigit;
charDigit['$'.charCodeAt(0)] = endDigit;
for (let c = 0; c < 10; c++) charDigit['0'.charCodeAt(0) + c] = 3 + c;
for (let c = 0; c < 26; c++) charDigit['a'.charCodeAt(0) + c] = 13 + c;
/** The digit of any other character (unreachable from `contentTerms`; see above). */
const otherDigit = 39;

function digitOf(code: number): number {
  return (code < 128 ? charDigit[code]! : 0) || otherDigit;
}

/** The integer key of a character n-gram (`^ab`, `bcd$`…), as counted by {@link extractFeatures}. */
export function charKey(gram: string): number {
  let key = 0;
  for (let i = 0; i < gram.length; i++) key = key * charBase + digitOf(gram.charCodeAt(i));
  return key;
}

/** Digits of the padded term being counted, reused across calls (grown for long terms). */
let digits = new Uint8Array(64);

function add(map: Map<string, number>, key: string, weight: number): void {
  map.set(key, (map.get(key) ?? 0) + weight);
}

/**
 * Counts the character n-grams of `^raw$` into `char`, sizes {@link charMin} to {@link charMax},
 * in the order of the sizes and then of the positions (as `charKey(padded.slice(j, j + n))`).
 */
function addCharGrams(char: KeyCounts, raw: string): void {
  const len = raw.length + 2;
  if (digits.length < len) digits = new Uint8Array(len * 2);
  digits[0] = startDigit;
  for (let i = 0; i < raw.length; i++) digits[i + 1] = digitOf(raw.charCodeAt(i));
  digits[len - 1] = endDigit;
  for (let n = charMin; n <= charMax; n++) {
    for (let j = 0; j + n <= len; j++) {
      let key = 0;
      for (let k = j; k < j + n; k++) key = key * charBase + digits[k]!;
      char.add(key, 1);
    }
  }
}

/**
 * Extracts the counted features of a text: stemmed content words, their bigrams, and character
 * n-grams of the words as written (those meet a typo half-way without any correction). `speller`
 * corrects query terms against the index vocabulary for the word features.
 */
export function extractFeatures(text: string, speller?: FeatureSpeller): FeatureCounts {
  return termFeatures(contentTerms(text), speller);
}

/**
 * {@link extractFeatures} of a text already split into its content terms. The character n-grams go
 * into `char`, cleared first (a caller may pass one collection to reuse for every query).
 */
export function termFeatures(
  terms: readonly string[],
  speller?: FeatureSpeller,
  char = new KeyCounts(),
): FeatureCounts {
  const word = new Map<string, number>();
  const bigram = new Map<string, number>();
  char.clear();
  let prev: string | undefined;
  for (const raw of terms) {
    const t = speller ? speller.correct(raw) : raw;
    // A corrected term is a guess: it counts for less than a word spelled as in the cards.
    const w = t === raw ? 1 : (speller?.weight ?? 1);
    add(word, t, w);
    if (prev !== undefined) add(bigram, `${prev} ${t}`, w);
    prev = t;
    addCharGrams(char, raw);
  }
  return [word, bigram, char];
}

/** Typo correction applied to query terms before counting, and the weight of a corrected term. */
export interface FeatureSpeller {
  correct(term: string): string;
  weight: number;
}

/** Sub-linear term frequency: repeating a word does not make a text more about it. */
export function tfWeight(count: number): number {
  return count <= 1 ? count : 1 + Math.log(count);
}
