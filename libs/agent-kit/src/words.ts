/**
 * Words the offline engines read in free text, shared so that every agent understands the same
 * ones: month names (a regex alternation, no group) and numbers written as words.
 */

/** Month names and their abbreviations ("sep", "sept", "september"), as a regex alternation. */
export const MONTH_PATTERN =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';

/** Numbers written as words, with "a" and "an" as one ("a week ago", "an hour"). */
export const NUMBER_WORDS: Readonly<Record<string, number>> = Object.freeze({
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
});

/** `NUMBER_WORDS` as a regex alternation, longest first. */
export const NUMBER_WORD_PATTERN = Object.keys(NUMBER_WORDS)
  .sort((a, b) => b.length - a.length)
  .join('|');

/** A count written in digits or as a word; `undefined` when it is neither. */
export function countOf(word: string): number | undefined {
  if (/^\d+$/.test(word)) return Number(word);
  const key = word.toLowerCase();
  return Object.hasOwn(NUMBER_WORDS, key) ? NUMBER_WORDS[key] : undefined;
}
