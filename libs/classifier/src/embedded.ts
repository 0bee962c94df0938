import { extractFeatures, type FeatureCounts, groupNames, tfWeight } from './features.js';
import { createSpeller, type Speller } from './spelling.js';
import { gate } from './text.js';

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

type Vector = Map<string, number>;

/** What the index knows about one feature. */
interface Postings {
  idf: number;
  /** Documents holding the feature, with the feature's weight in each (normalised) document vector. */
  docs: number[];
  weights: number[];
  /** The feature's weight in each agent's (normalised) centroid, by agent index. */
  centroid: number[];
}

interface Index {
  agents: string[];
  /** Agent index of each document. */
  docAgent: number[];
  /** The idf given to a feature no document has (the largest). */
  unseenIdf: number;
  /** Per group: feature → its idf, documents and centroid weights. */
  postings: Map<string, Postings>[];
  /** Per agent: how many of its documents hold each stemmed word. */
  agentDf: Map<string, number>[];
  speller: Speller;
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

function weigh(counts: Map<string, number>, idf: Map<string, number>, unseenIdf: number): Vector {
  const v: Vector = new Map();
  for (const [k, c] of counts) v.set(k, tfWeight(c) * (idf.get(k) ?? unseenIdf));
  return normalise(v);
}

function buildIndex(candidates: readonly RouteCandidate[], unseen: number): Index {
  const agents = candidates.map((c) => c.name);
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
  const unseenIdf = unseen * (Math.log(1 + n) + 1);
  const idf = groupNames.map((_, g) => {
    const df = new Map<string, number>();
    for (const d of docCounts) for (const k of d[g]!.keys()) df.set(k, (df.get(k) ?? 0) + 1);
    const out = new Map<string, number>();
    for (const [k, f] of df) out.set(k, Math.log((1 + n) / (1 + f)) + 1);
    return out;
  });
  const postings = groupNames.map(() => new Map<string, Postings>());
  const centroids: Vector[][] = agents.map(() => groupNames.map(() => new Map()));
  docCounts.forEach((d, doc) => {
    const agent = docAgent[doc]!;
    groupNames.forEach((_, g) => {
      for (const [k, w] of weigh(d[g]!, idf[g]!, unseenIdf)) {
        let p = postings[g]!.get(k);
        if (!p) {
          p = {
            idf: idf[g]!.get(k)!,
            docs: [],
            weights: [],
            centroid: new Array<number>(agents.length).fill(0),
          };
          postings[g]!.set(k, p);
        }
        p.docs.push(doc);
        p.weights.push(w);
        const c = centroids[agent]![g]!;
        c.set(k, (c.get(k) ?? 0) + w);
      }
    });
  });
  centroids.forEach((perGroup, a) => {
    perGroup.forEach((c, g) => {
      for (const [k, w] of normalise(c)) postings[g]!.get(k)!.centroid[a] = w;
    });
  });
  const df = new Map<string, number>();
  const agentDf = agents.map(() => new Map<string, number>());
  docCounts.forEach((d, doc) => {
    const adf = agentDf[docAgent[doc]!]!;
    for (const k of d[0].keys()) {
      df.set(k, (df.get(k) ?? 0) + 1);
      adf.set(k, (adf.get(k) ?? 0) + 1);
    }
  });
  return { agents, docAgent, unseenIdf, postings, agentDf, speller: createSpeller(df) };
}

/** Per-agent scores of one piece of text, or null when it has no content words. */
function scoreAgents(index: Index, text: string, w: EmbeddedWeights): number[] | null {
  const counts = extractFeatures(text, { correct: index.speller.correct, weight: w.typo });
  if (counts[0].size === 0) return null;
  const groupWeight = [w.word, w.bigram, w.char];
  const nDocs = index.docAgent.length;
  const nAgents = index.agents.length;
  const docSim = new Float64Array(nDocs);
  const centroidSim = new Float64Array(nAgents);
  let weightSum = 0;
  for (let g = 0; g < groupNames.length; g++) {
    if (counts[g]!.size === 0 || groupWeight[g] === 0) continue;
    const gw = groupWeight[g]!;
    weightSum += gw;
    // The query's TF-IDF vector, normalised; only features the index has can contribute.
    const postings = index.postings[g]!;
    const hits: Postings[] = [];
    const hitWeights: number[] = [];
    let norm = 0;
    for (const [k, c] of counts[g]!) {
      const p = postings.get(k);
      const x = tfWeight(c) * (p ? p.idf : index.unseenIdf);
      norm += x * x;
      if (p) {
        hits.push(p);
        hitWeights.push(x);
      }
    }
    const scale = gw / Math.sqrt(norm);
    for (let h = 0; h < hits.length; h++) {
      const p = hits[h]!;
      const qw = hitWeights[h]! * scale;
      for (let i = 0; i < p.docs.length; i++) docSim[p.docs[i]!]! += qw * p.weights[i]!;
      for (let a = 0; a < nAgents; a++) centroidSim[a]! += qw * p.centroid[a]!;
    }
  }
  const nearest = new Float64Array(nAgents);
  for (let d = 0; d < nDocs; d++) {
    const a = index.docAgent[d]!;
    if (docSim[d]! > nearest[a]!) nearest[a] = docSim[d]!;
  }
  let termMass = 0;
  for (const c of counts[0].values()) termMass += c;
  const mix = w.nearest + w.centroid + w.coverage;
  const out: number[] = [];
  for (let a = 0; a < nAgents; a++) {
    let covered = 0;
    for (const [t, c] of counts[0])
      covered += c * Math.min(1, (index.agentDf[a]!.get(t) ?? 0) / w.coverageDocs);
    const similarity =
      weightSum > 0 ? (w.nearest * nearest[a]! + w.centroid * centroidSim[a]!) / weightSum : 0;
    const coverage = termMass > 0 ? (w.coverage * covered) / termMass : 0;
    out.push(mix > 0 ? (similarity + coverage) / mix : 0);
  }
  return out;
}

/** Sentences of a longer request: one clear sentence should decide even when the rest is chatter. */
function segments(text: string): string[] {
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
  let index = buildIndex([], weights.unseen);

  return {
    update(candidates) {
      index = buildIndex(candidates, weights.unseen);
    },
    classify(text) {
      const scores: Record<string, number> = {};
      for (const name of index.agents) scores[name] = 0;
      if (index.agents.length === 0 || gate(text) !== null) return { agent: null, score: 0, scores };
      const best = new Array<number>(index.agents.length).fill(0);
      for (const part of [text, ...segments(text)]) {
        const s = scoreAgents(index, part, weights);
        if (!s) continue;
        for (let a = 0; a < s.length; a++) if (s[a]! > best[a]!) best[a] = s[a]!;
      }
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
