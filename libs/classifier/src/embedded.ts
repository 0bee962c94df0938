import {
  extractFeatures,
  type FeatureCounts,
  type FeatureKey,
  type FeatureSpeller,
  groupNames,
  KeyCounts,
  KeyIds,
  termFeatures,
  tfWeight,
} from './features.js';
import { sentences, sentenceWeights } from './sentences.js';
import { createSpeller } from './spelling.js';
import { contentTerms, contentTermsOf, foldedWords, gateWords } from './text.js';

/** One agent type as the classifier sees it: the routing-relevant part of its capability card. */
export interface RouteCandidate {
  name: string;
  description: string;
  intents: readonly string[];
  examples: readonly string[];
}

/** The outcome of one classification. */
export interface EmbeddedResult {
  /** The chosen agent, or null when no agent scores at or above the threshold (answer `clarify`). */
  agent: string | null;
  /** The best agent's score in [0, 1] (0 when the text was not scorable). */
  score: number;
  /** Every agent's score in [0, 1], by agent name. */
  scores: Record<string, number>;
}

/** How the similarity scores are mixed. Calibrated on the tune split of `eval/routing/dataset.jsonl`. */
export interface EmbeddedWeights {
  /** Weight of the word-unigram cosine. */
  word: number;
  /** Weight of the word-bigram cosine. */
  bigram: number;
  /** Weight of the character 3–5-gram cosine (typo tolerance). */
  char: number;
  /** Weight of the nearest-example similarity in an agent's score. */
  nearest: number;
  /** Weight of the similarity to the agent's centroid in an agent's score. */
  centroid: number;
  /** Weight of the agent's coverage of the query words in an agent's score. */
  coverage: number;
  /** Examples of an agent that must hold a word for the agent to cover it fully. */
  coverageDocs: number;
  /** idf of a feature no card has, as a share of the largest idf (how much unknown words dilute). */
  unseen: number;
  /** Weight of a word corrected for a typo, relative to a word spelled as in the cards. */
  typo: number;
}

/** Options of {@link createEmbeddedClassifier}. */
export interface EmbeddedOptions {
  /** Minimum agent score to route; below it the answer is `clarify`. */
  threshold?: number;
  weights?: Partial<EmbeddedWeights>;
  /** Weight of a context sentence of a long message next to the sentence that asks (default 1). */
  context?: number;
}

/** The calibrated defaults (see `scripts/eval-routing.mjs`: calibration uses the tune split only). */
export const defaultWeights: Readonly<EmbeddedWeights> = Object.freeze({
  word: 1,
  bigram: 0.3,
  char: 1,
  nearest: 0.4,
  centroid: 0.6,
  coverage: 1,
  coverageDocs: 2,
  unseen: 1,
  typo: 0.8,
});
/**
 * Calibrated on the tune split only: the lowest threshold at which at least 90% of the tune split's
 * out-of-scope utterances get `clarify` (the requirement is 80%; the rest is margin). A lower
 * threshold routes more real requests; the out-of-scope rate fixes how low it may go.
 */
export const defaultThreshold = 0.25;

/** The embedded classifier: an index rebuilt by `update`, queried by `classify`. */
export interface EmbeddedClassifier {
  /** Rebuilds the index from the candidates (called when the live registry changes). */
  update(candidates: readonly RouteCandidate[]): void;
  /** Scores `text` against every candidate; `agent` is null below the calibrated threshold. */
  classify(text: string): EmbeddedResult;
}

type Vector = Map<FeatureKey, number>;

/**
 * One feature group of the index. Features are numbered (ids); their postings are stored in
 * compressed-row form: feature `f` is in documents `docs[start[f]]` to `docs[start[f + 1] - 1]`,
 * in document order, with its weight in each (normalised) document vector in `weights`.
 */
interface GroupIndex {
  /** The idf of each feature. */
  idf: Float64Array;
  start: Int32Array;
  docs: Int32Array;
  weights: Float64Array;
  /** The feature's weight in each agent's (normalised) centroid: `centroid[f * agents + a]`. */
  centroid: Float64Array;
}

interface Index {
  agents: string[];
  /** Agent index of each document. */
  docAgent: Int32Array;
  /** The idf given to a feature no document has (the largest). */
  unseenIdf: number;
  /** Feature ids of the word and bigram groups, by feature. */
  ids: [Map<string, number>, Map<string, number>];
  /** Feature ids of the character n-gram group, by n-gram key. */
  charIds: KeyIds;
  /** The groups, in {@link groupNames} order. */
  groups: GroupIndex[];
  /**
   * Each agent's coverage of each word (by word id): `min(1, documents holding it / coverageDocs)`
   * at `cover[word * agents + a]`; {@link Index.noCover} for a word no document holds.
   */
  cover: Float64Array;
  /** The coverage of a word no document holds: `min(1, 0 / coverageDocs)`. */
  noCover: number;
  /** The speller for query terms, as {@link termFeatures} takes it. */
  speller: FeatureSpeller;
  /** Working memory of {@link scoreAgents}, reused across calls (classification is synchronous). */
  scratch: {
    docSim: Float64Array;
    centroidSim: Float64Array;
    nearest: Float64Array;
    covered: Float64Array;
    /** The query's character n-grams (most of its features), counted anew for each text. */
    char: KeyCounts;
    /** One group of the query, in its feature order: feature ids (-1 when unknown) and counts. */
    ids: number[];
    counts: number[];
  };
}

/**
 * Splits a card's description into clauses at top-level commas, colons and semicolons, each indexed
 * like an example; a parenthesised list stays with its head (`budgets (spent, remaining)`).
 */
export function descriptionClauses(description: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of description) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && (ch === ',' || ch === ':' || ch === ';')) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((c) => c.replace(/^\s*(and|or)\s+/i, '').trim()).filter((c) => c.length > 0);
}

function normalise(v: Vector): Vector {
  let sum = 0;
  for (const w of v.values()) sum += w * w;
  if (sum === 0) return v;
  const norm = Math.sqrt(sum);
  for (const [k, w] of v) v.set(k, w / norm);
  return v;
}

/** The normalised TF-IDF vector of a document's counts, given each feature's idf. */
function weigh(counts: Iterable<[FeatureKey, number]>, idf: (key: FeatureKey) => number): Vector {
  const v: Vector = new Map();
  for (const [k, c] of counts) v.set(k, tfWeight(c) * idf(k));
  return normalise(v);
}

function buildIndex(candidates: readonly RouteCandidate[], w: EmbeddedWeights): Index {
  const agents = candidates.map((c) => c.name);
  const nAgents = agents.length;
  const docAgent: number[] = [];
  const docCounts: FeatureCounts[] = [];
  candidates.forEach((c, a) => {
    const texts = [
      ...c.examples,
      ...descriptionClauses(c.description),
      ...c.intents.map((i) => i.replace(/_/g, ' ')),
    ];
    for (const t of texts) {
      const counts = extractFeatures(t);
      if (counts[0].size === 0) continue;
      docAgent.push(a);
      docCounts.push(counts);
    }
  });
  const n = docCounts.length;
  const unseenIdf = w.unseen * (Math.log(1 + n) + 1);
  // Document frequencies; a feature's id is its position in order of first appearance.
  const dfs = groupNames.map((_, g) => {
    const df = new Map<FeatureKey, number>();
    for (const d of docCounts) for (const k of d[g]!.keys()) df.set(k, (df.get(k) ?? 0) + 1);
    return df;
  });
  const ids = dfs.map((df) => {
    const out = new Map<FeatureKey, number>();
    for (const k of df.keys()) out.set(k, out.size);
    return out;
  });
  const charIds = new KeyIds(dfs[2]!.size);
  for (const k of dfs[2]!.keys()) charIds.add(k as number);
  const idfs = dfs.map((df) => Float64Array.from(df.values(), (f) => Math.log((1 + n) / (1 + f)) + 1));
  const groups: GroupIndex[] = dfs.map((df, g) => {
    // A feature has one posting per document holding it: its document frequency.
    const start = new Int32Array(df.size + 1);
    let f = 0;
    for (const count of df.values()) {
      start[f + 1] = start[f]! + count;
      f++;
    }
    return {
      idf: idfs[g]!,
      start,
      docs: new Int32Array(start[df.size]!),
      weights: new Float64Array(start[df.size]!),
      centroid: new Float64Array(df.size * nAgents),
    };
  });
  // Fill the postings in document order; each agent's centroid sums its documents' vectors.
  const filled = groups.map((group) => group.start.slice(0, -1));
  const centroids: Vector[][] = agents.map(() => groupNames.map(() => new Map()));
  docCounts.forEach((d, doc) => {
    const agent = docAgent[doc]!;
    groupNames.forEach((_, g) => {
      const group = groups[g]!;
      for (const [k, x] of weigh(d[g]!, (key) => group.idf[ids[g]!.get(key)!]!)) {
        const at = filled[g]![ids[g]!.get(k)!]!++;
        group.docs[at] = doc;
        group.weights[at] = x;
        const c = centroids[agent]![g]!;
        c.set(k, (c.get(k) ?? 0) + x);
      }
    });
  });
  centroids.forEach((perGroup, a) => {
    perGroup.forEach((c, g) => {
      for (const [k, x] of normalise(c)) groups[g]!.centroid[ids[g]!.get(k)! * nAgents + a] = x;
    });
  });
  // Coverage, from how many documents of each agent hold each word.
  const wordIds = ids[0] as Map<string, number>;
  const cover = new Float64Array(wordIds.size * nAgents);
  const agentDf = new Float64Array(wordIds.size * nAgents);
  docCounts.forEach((d, doc) => {
    for (const k of d[0].keys()) agentDf[wordIds.get(k)! * nAgents + docAgent[doc]!]! += 1;
  });
  for (let i = 0; i < cover.length; i++) cover[i] = Math.min(1, agentDf[i]! / w.coverageDocs);
  return {
    agents,
    docAgent: Int32Array.from(docAgent),
    unseenIdf,
    ids: [wordIds, ids[1] as Map<string, number>],
    charIds,
    groups,
    cover,
    noCover: Math.min(1, 0 / w.coverageDocs),
    speller: { correct: createSpeller(dfs[0] as Map<string, number>).correct, weight: w.typo },
    scratch: {
      docSim: new Float64Array(n),
      centroidSim: new Float64Array(nAgents),
      nearest: new Float64Array(nAgents),
      covered: new Float64Array(nAgents),
      char: new KeyCounts(),
      ids: [],
      counts: [],
    },
  };
}

/**
 * Looks up group `g` of the query in the index: fills `scratch.ids` and `scratch.counts` with each
 * feature's id (-1 when the index lacks it) and count, in the query's feature order, and returns
 * how many features there are.
 */
function lookUp(index: Index, counts: FeatureCounts, g: number): number {
  const { ids, counts: out } = index.scratch;
  let n = 0;
  if (g === 2) {
    const char = counts[2];
    for (; n < char.size; n++) {
      ids[n] = index.charIds.get(char.ids.keys[n]!);
      out[n] = char.counts[n]!;
    }
  } else {
    const known = index.ids[g]!;
    for (const [k, c] of counts[g] as Map<string, number>) {
      ids[n] = known.get(k) ?? -1;
      out[n++] = c;
    }
  }
  return n;
}

/**
 * Per-agent scores of one piece of text (its content terms), written into `out`; false when it has
 * no content words. Reads only the index entries of the query's own features.
 */
function scoreAgents(index: Index, terms: readonly string[], w: EmbeddedWeights, out: Float64Array): boolean {
  const counts = termFeatures(terms, index.speller, index.scratch.char);
  if (counts[0].size === 0) return false;
  const groupWeight = [w.word, w.bigram, w.char];
  const nDocs = index.docAgent.length;
  const nAgents = index.agents.length;
  const { docSim, centroidSim, nearest, covered, ids, counts: qCounts } = index.scratch;
  docSim.fill(0);
  centroidSim.fill(0);
  let weightSum = 0;
  for (let g = 0; g < groupNames.length; g++) {
    if (counts[g]!.size === 0 || groupWeight[g] === 0) continue;
    const gw = groupWeight[g]!;
    weightSum += gw;
    // The query's TF-IDF vector, normalised; only features the index has can contribute.
    const { idf, start, docs, weights, centroid } = index.groups[g]!;
    const nFeatures = lookUp(index, counts, g);
    let norm = 0;
    for (let f = 0; f < nFeatures; f++) {
      const id = ids[f]!;
      const x = tfWeight(qCounts[f]!) * (id >= 0 ? idf[id]! : index.unseenIdf);
      norm += x * x;
      qCounts[f] = x;
    }
    const scale = gw / Math.sqrt(norm);
    for (let f = 0; f < nFeatures; f++) {
      const id = ids[f]!;
      if (id < 0) continue;
      const qw = qCounts[f]! * scale;
      for (let i = start[id]!, end = start[id + 1]!; i < end; i++) docSim[docs[i]!]! += qw * weights[i]!;
      for (let a = 0, at = id * nAgents; a < nAgents; a++, at++) centroidSim[a]! += qw * centroid[at]!;
    }
  }
  nearest.fill(0);
  for (let d = 0; d < nDocs; d++) {
    const a = index.docAgent[d]!;
    if (docSim[d]! > nearest[a]!) nearest[a] = docSim[d]!;
  }
  // Coverage: per agent, the query's words weighted by how many of the agent's documents hold them.
  let termMass = 0;
  covered.fill(0);
  for (const [t, c] of counts[0]) {
    termMass += c;
    const id = index.ids[0].get(t);
    for (let a = 0; a < nAgents; a++) {
      covered[a]! += c * (id === undefined ? index.noCover : index.cover[id * nAgents + a]!);
    }
  }
  const mix = w.nearest + w.centroid + w.coverage;
  for (let a = 0; a < nAgents; a++) {
    const similarity =
      weightSum > 0 ? (w.nearest * nearest[a]! + w.centroid * centroidSim[a]!) / weightSum : 0;
    const coverage = termMass > 0 ? (w.coverage * covered[a]!) / termMass : 0;
    out[a] = mix > 0 ? (similarity + coverage) / mix : 0;
  }
  return true;
}

/** Sentences of a longer request: one clear sentence should decide even when the rest is chatter. */
export function segments(text: string): string[] {
  const parts = text
    .split(/[.!?;\n]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return parts.length > 1 ? parts : [];
}

/**
 * Creates the embedded classifier: TF-IDF over stemmed word unigrams and bigrams plus character
 * 3–5-grams, each example, description clause and intent of each card a document. Query words the
 * cards do not know are typo-corrected against the cards' vocabulary. An agent's score mixes three
 * things: the cosine to its nearest document, the cosine to its centroid, and its coverage (the
 * share of the query's words that the agent's documents use). Long requests are also scored
 * sentence by sentence and the best part counts. Text with no letters, mostly non-Latin script, or
 * in another language is not scored (clarify). Pure and deterministic: ties go to the first agent.
 */
export function createEmbeddedClassifier(opts: EmbeddedOptions = {}): EmbeddedClassifier {
  const threshold = opts.threshold ?? defaultThreshold;
  const weights: EmbeddedWeights = { ...defaultWeights, ...opts.weights };
  const context = opts.context ?? 1;
  let index = buildIndex([], weights);
  let best = new Float64Array(0);
  let partScores = new Float64Array(0);

  return {
    update(candidates) {
      index = buildIndex(candidates, weights);
      best = new Float64Array(index.agents.length);
      partScores = new Float64Array(index.agents.length);
    },
    classify(text) {
      const scores: Record<string, number> = {};
      for (const name of index.agents) scores[name] = 0;
      if (index.agents.length === 0) return { agent: null, score: 0, scores };
      // The whole text is folded and split once, for the gate and for its own scoring.
      const textWords = foldedWords(text);
      if (gateWords(text, textWords) !== null) return { agent: null, score: 0, scores };
      best.fill(0);
      const split = sentences(text);
      const parts = [contentTermsOf(textWords), ...split.map((s) => contentTerms(s.text))];
      const partWeight = [1, ...sentenceWeights(split, context)];
      parts.forEach((terms, p) => {
        const k = partWeight[p]!;
        if (k === 0 || !scoreAgents(index, terms, weights, partScores)) return;
        for (let a = 0; a < partScores.length; a++) best[a] = Math.max(best[a]!, k * partScores[a]!);
      });
      let top = 0;
      for (let a = 0; a < best.length; a++) {
        best[a] = Math.min(1, best[a]!);
        scores[index.agents[a]!] = best[a]!;
        if (best[a]! > best[top]!) top = a;
      }
      const score = best[top]!;
      return { agent: score > 0 && score >= threshold ? index.agents[top]! : null, score, scores };
    },
  };
}
