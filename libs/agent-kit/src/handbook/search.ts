import {
  createSentenceEncoder,
  dot,
  meanDirection,
  type SentenceEncoder,
  textWords,
} from '@switchboard/embeddings';
import type { HandbookEntry } from './types.js';

/** One handbook entry found for a question, with how well it fits (0–1). */
export interface HandbookMatch {
  entry: HandbookEntry;
  score: number;
}

/** How matches are scored and when one counts as an answer. */
export interface HandbookSearchSettings {
  /** Weight of the meaning (sentence-vector) score; the word-overlap score gets the rest. */
  semantic: number;
  /** A match below this score does not answer the question ("I have no policy on that"). */
  answerAt: number;
}

/** Calibrated on `eval/handbook/questions.jsonl` (see `scripts/eval-handbook.mjs`). */
export const defaultHandbookSettings: Readonly<HandbookSearchSettings> = Object.freeze({
  semantic: 0.45,
  answerAt: 0.47,
});

/** Searches one agent's handbook by meaning and by words. */
export interface HandbookSearch {
  readonly settings: Readonly<HandbookSearchSettings>;
  /** The best entries for a question, best first, at most `limit`. */
  search(question: string, limit?: number): HandbookMatch[];
}

const stop = new Set(
  (
    'a an and are as at be can could do does did for from get got have has how i if in is it its me my of on or ' +
    'our the to we what when which who why will with you your there this that about tell please need want would ' +
    'should there any much many some am was were been being into out up so than then them they their'
  ).split(' '),
);

/** Content words of a text, lightly stemmed (plural and common suffixes): the lexical side. */
function stems(text: string): string[] {
  return textWords(text)
    .filter((w) => !stop.has(w) && w.length > 1)
    .map((w) => w.replace(/(?:ies)$/, 'y').replace(/(?:ing|ed|es|s)$/, '') || w);
}

interface IndexedEntry {
  entry: HandbookEntry;
  /** Vectors of the title, each question, the summary and each rule of the body. */
  docs: Float32Array[];
  centroid: Float32Array;
  /** Stems of the title, keywords, questions, summary and body. */
  terms: Set<string>;
  /** Keyword phrases, padded with spaces for whole-word matching. */
  phrases: string[];
}

/** The body's rules, one text each: its bullet lines, markdown marks removed. */
const bodyLines = (e: HandbookEntry) =>
  e.body
    .split('\n')
    .filter((l) => l.trim().startsWith('-'))
    .map((l) => l.replace(/[*_`#-]/g, ' ').trim());

/** The texts of an entry that are embedded: its title, questions, summary and each rule of its body. */
const entryTexts = (e: HandbookEntry) => [e.title, ...e.questions, e.summary, ...bodyLines(e)];

function indexEntry(e: HandbookEntry, enc: SentenceEncoder): IndexedEntry {
  const docs = entryTexts(e)
    .map((t) => enc.encode(t).vector)
    .filter((v): v is Float32Array => v !== null);
  return {
    entry: e,
    docs,
    centroid: meanDirection(docs, enc.dims),
    terms: new Set(stems([e.title, ...e.keywords, ...e.questions, e.summary, e.body].join(' '))),
    phrases: e.keywords.map((k) => ` ${textWords(k).join(' ')} `),
  };
}

/**
 * Word overlap in [0, 1]: keyword phrases found in the question, and the question's content words
 * the entry uses, each weighted by how rare it is across the handbook (idf), so "jury" counts and
 * "leave" barely does.
 */
function lexicalScore(
  x: IndexedEntry,
  padded: string,
  qStems: readonly string[],
  idf: (s: string) => number,
): number {
  let phrase = 0;
  for (const p of x.phrases) if (padded.includes(p)) phrase += p.trim().split(' ').length;
  let all = 0;
  let shared = 0;
  for (const s of qStems) {
    all += idf(s);
    if (x.terms.has(s)) shared += idf(s);
  }
  return 0.5 * Math.min(1, phrase / 2) + 0.5 * (all === 0 ? 0 : shared / all);
}

/**
 * Indexes a handbook for retrieval: each entry's title, questions, summary and body rules become
 * sentence vectors (the word embeddings the router uses), so "can I leave before my notice ends?"
 * finds the notice-period policy without sharing its words; keyword and word overlap keep exact
 * terms ("VAT", "petty cash") decisive. Pure and synchronous.
 */
export function createHandbookSearch(
  entries: readonly HandbookEntry[],
  opts: { settings?: Partial<HandbookSearchSettings>; encoder?: SentenceEncoder } = {},
): HandbookSearch {
  const settings = Object.freeze({ ...defaultHandbookSettings, ...opts.settings });
  const enc = opts.encoder ?? createSentenceEncoder();
  const index = entries.map((e) => indexEntry(e, enc));
  // Inverse document frequency of each stem across the entries: rare words say more.
  const df = new Map<string, number>();
  for (const x of index) for (const t of x.terms) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = (t: string) => Math.log((index.length + 1) / (1 + (df.get(t) ?? 0)));
  return {
    settings,
    search(question, limit = 3) {
      const q = enc.encode(question).vector;
      const padded = ` ${textWords(question).join(' ')} `;
      const qStems = stems(question);
      const scored = index.map((x) => {
        let nearest = 0;
        if (q) for (const d of x.docs) nearest = Math.max(nearest, dot(q, d));
        const meaning = q ? 0.5 * nearest + 0.5 * dot(q, x.centroid) : 0;
        const words = lexicalScore(x, padded, qStems, idf);
        return {
          entry: x.entry,
          score: settings.semantic * Math.max(0, meaning) + (1 - settings.semantic) * words,
        };
      });
      return scored.sort((a, b) => b.score - a.score).slice(0, limit);
    },
  };
}
