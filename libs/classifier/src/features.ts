import { contentTerms } from './text.js';

/** Feature groups, scored apart and then mixed: word unigrams, word bigrams, character n-grams. */
export const groupNames = ['word', 'bigram', 'char'] as const;
export type GroupName = (typeof groupNames)[number];

/** Raw counts of one text's features, one map per group in {@link groupNames} order. */
export type FeatureCounts = [Map<string, number>, Map<string, number>, Map<string, number>];

/** Character n-gram sizes: 3 to 5 characters of a word padded with `^` and `$`. */
const charMin = 3;
const charMax = 5;

function add(map: Map<string, number>, key: string, weight: number): void {
  map.set(key, (map.get(key) ?? 0) + weight);
}

/**
 * Extracts the counted features of a text: stemmed content words, their bigrams, and character
 * n-grams of the words as written (those meet a typo half-way without any correction). `speller`
 * corrects query terms against the index vocabulary for the word features.
 */
export function extractFeatures(text: string, speller?: FeatureSpeller): FeatureCounts {
  const word = new Map<string, number>();
  const bigram = new Map<string, number>();
  const char = new Map<string, number>();
  let prev: string | undefined;
  for (const raw of contentTerms(text)) {
    const t = speller ? speller.correct(raw) : raw;
    // A corrected term is a guess: it counts for less than a word spelled as in the cards.
    const w = t === raw ? 1 : (speller?.weight ?? 1);
    add(word, t, w);
    if (prev !== undefined) add(bigram, `${prev} ${t}`, w);
    prev = t;
    const padded = `^${raw}$`;
    for (let n = charMin; n <= charMax; n++) {
      for (let j = 0; j + n <= padded.length; j++) add(char, padded.slice(j, j + n), 1);
    }
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
