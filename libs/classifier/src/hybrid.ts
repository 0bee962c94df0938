import { createEmbeddedClassifier, type EmbeddedOptions, type RouteCandidate } from './embedded.js';
import { createSemanticIndex, rejectName, type SemanticOptions } from './semantic.js';
import { sentences, sentenceWeights } from './sentences.js';
import {
  type LabelledText,
  runSteps,
  type SupervisedModel,
  type SupervisedOptions,
  type SupervisedRow,
  sparseFeatures,
  supervisedNone,
  trainingSteps,
} from './supervised.js';
import { gate } from './text.js';

/** How the lexical and semantic scores are combined into a decision. Calibrated on the tune split. */
export interface HybridSettings {
  /** Weight of the lexical (TF-IDF) score; the semantic score gets `1 - lexical`. */
  lexical: number;
  /** Minimum combined score of the winner to route; below it the answer is `clarify`. */
  threshold: number;
  /** How far the winner's combined score must stand above the reject examples' combined score. */
  margin: number;
}

/**
 * Calibrated on the tune split only by `npm run eval:routing` (the best tune accuracy with at least
 * 90% of the tune split's out-of-scope questions answered clarify); the held-out split is only
 * reported.
 */
export const defaultHybridSettings: Readonly<HybridSettings> = Object.freeze({
  lexical: 0.5,
  threshold: 0.27,
  margin: 0.02,
});

/** Options of {@link createHybridClassifier}. */
export interface HybridOptions {
  settings?: Partial<HybridSettings>;
  /** Out-of-scope examples (see {@link SemanticOptions.reject}). */
  reject?: readonly string[];
  semantic?: Omit<SemanticOptions, 'reject'>;
  lexical?: Omit<EmbeddedOptions, 'threshold' | 'context'>;
  /**
   * Weight of a context sentence of a long message next to the sentence that asks, in both views
   * (see {@link sentenceWeights}); default {@link defaultContextWeight}.
   */
  context?: number;
  /**
   * Labelled utterances (the routing data set's tune split, {@link routingTrainingSet}): with them,
   * a supervised model trained on these, the cards' examples and the out-of-scope examples at every
   * `update` decides instead of the threshold and margin (see {@link trainSupervised}).
   */
  training?: readonly LabelledText[];
  /** Training settings of the supervised model. */
  supervised?: Partial<SupervisedOptions>;
}

/** Chosen by cross-validation on the tune split (`npm run eval:routing -- --cv`). */
export const defaultContextWeight = 0;

/** One classification by the hybrid classifier. */
export interface HybridResult {
  /** The chosen agent, or null for `clarify`. */
  agent: string | null;
  /** The winner's combined score (0 when the text was not scorable). */
  score: number;
  /** Combined score by agent. */
  scores: Record<string, number>;
  /** The parts: lexical and semantic scores by agent. */
  lexical: Record<string, number>;
  semantic: Record<string, number>;
  /** The reject (out-of-scope) examples' scores: lexical, semantic and combined. */
  reject: { lexical: number; semantic: number; combined: number };
  /**
   * With a supervised model: each label's probability (agents and `none`); the decision is the most
   * probable label, and `score` the most probable agent's probability.
   */
  probabilities?: Record<string, number>;
}

/** What {@link decide} needs of a classification: every agent's lexical and semantic score. */
export type HybridParts = Pick<HybridResult, 'lexical' | 'semantic'> & {
  reject: Pick<HybridResult['reject'], 'lexical' | 'semantic'>;
};

/** Whether a combined score routes: at least the threshold, and the margin over out of scope. */
export function routes(score: number, rejectCombined: number, s: HybridSettings): boolean {
  return score > 0 && score >= s.threshold && score - rejectCombined >= s.margin;
}

/**
 * The decision from the parts of a classification under `s`: combined scores, the winner (first
 * agent on ties) and whether it routes. Pure, so the calibration can sweep settings without scoring
 * the texts again.
 */
export function decide(
  p: HybridParts,
  s: HybridSettings,
): Pick<HybridResult, 'agent' | 'score' | 'scores'> & { rejectCombined: number } {
  const scores: Record<string, number> = {};
  let winner: string | null = null;
  for (const name of Object.keys(p.semantic)) {
    scores[name] = s.lexical * (p.lexical[name] ?? 0) + (1 - s.lexical) * (p.semantic[name] ?? 0);
    if (winner === null || scores[name]! > scores[winner]!) winner = name;
  }
  const score = winner === null ? 0 : scores[winner]!;
  const rejectCombined = s.lexical * p.reject.lexical + (1 - s.lexical) * p.reject.semantic;
  return {
    agent: winner !== null && routes(score, rejectCombined, s) ? winner : null,
    score,
    scores,
    rejectCombined,
  };
}

/** The hybrid classifier: an index rebuilt by `update`, queried by `classify`. */
export interface HybridClassifier {
  /** The settings in use. */
  readonly settings: Readonly<HybridSettings>;
  /**
   * Builds the indexes for `candidates` and, with labelled utterances, trains the supervised model;
   * `deferTraining`: the model is trained by {@link trained} instead, and until it is the hand-set
   * rule decides.
   */
  update(candidates: readonly RouteCandidate[], opts?: { deferTraining?: boolean }): void;
  /**
   * Trains the model a deferred `update` left to train, in slices of about 10 ms with the event loop
   * free in between; resolves when the model of the latest `update` is trained (a newer `update`
   * abandons an older training and its callers wait for the new one), at once when there is nothing
   * to train; rejects when training fails (the hand-set rule then keeps deciding).
   */
  trained(): Promise<void>;
  /** Abandons a deferred training (a router dropping this index from its cache). */
  dispose(): void;
  classify(text: string): HybridResult;
}

/** How long {@link HybridClassifier.trained} computes before it lets other work run. */
const sliceMs = 10;

/**
 * Routes by meaning and by words at once: the semantic index (sentence vectors from word
 * embeddings) generalises to phrasings no card uses; the lexical index (TF-IDF with character
 * n-grams) holds on to exact terms, names and typos. With labelled utterances (`training`) a model
 * trained on them and the cards decides; without, the winner must clear a combined threshold and
 * beat the out-of-scope examples (the hand-set rule). Deterministic.
 */
export function createHybridClassifier(opts: HybridOptions = {}): HybridClassifier {
  const s: HybridSettings = { ...defaultHybridSettings, ...opts.settings };
  const context = opts.context ?? defaultContextWeight;
  if (!(context >= 0 && context <= 1))
    throw new RangeError(`context weight must be in [0, 1], got ${context}`);
  const lexical = createEmbeddedClassifier({ ...opts.lexical, threshold: 0, context });
  const semantic = createSemanticIndex({ ...opts.semantic, ...(opts.reject ? { reject: opts.reject } : {}) });
  // The reject examples are a card of their own in the lexical index too (see `update`).
  const rejectCard: RouteCandidate | undefined = opts.reject?.length
    ? { name: rejectName, description: 'out of scope', intents: [], examples: opts.reject }
    : undefined;
  let model: SupervisedModel | undefined;

  /** The scores of both views, no decision yet; `known`: some word of the text has a vector. */
  function score(text: string): { result: HybridResult; known: boolean } {
    const agents = semantic.agents;
    const zero = () => Object.fromEntries(agents.map((a) => [a, 0]));
    const result: HybridResult = {
      agent: null,
      score: 0,
      scores: zero(),
      lexical: zero(),
      semantic: zero(),
      reject: { lexical: 0, semantic: 0, combined: 0 },
    };
    if (agents.length === 0 || gate(text) !== null) return { result, known: false };
    const lex = lexical.classify(text).scores;
    // The whole text and each of its sentences: the best part counts, as in the lexical index;
    // the context sentences of a message that asks count `context` times (not at all by default).
    const sem = new Float64Array(agents.length).fill(-1);
    let reject = -1;
    let known = false;
    const split = sentences(text);
    const weights = [1, ...sentenceWeights(split, context)];
    [text, ...split.map((s) => s.text)].forEach((part, p) => {
      const k = weights[p]!;
      // A sentence that does not count is not scored at all (CPU per classification).
      if (k === 0) return;
      const r = semantic.score(part);
      if (!r.known) return;
      known = true;
      for (let a = 0; a < agents.length; a++) sem[a] = Math.max(sem[a]!, k * r.scores[a]!);
      reject = Math.max(reject, k * r.reject);
    });
    for (let a = 0; a < agents.length; a++) {
      result.lexical[agents[a]!] = lex[agents[a]!] ?? 0;
      result.semantic[agents[a]!] = known ? Math.max(0, sem[a]!) : 0;
    }
    result.reject.lexical = lex[rejectName] ?? 0;
    result.reject.semantic = known ? Math.max(0, reject) : 0;
    const d = decide(result, s);
    result.agent = d.agent;
    result.score = d.score;
    result.scores = d.scores;
    result.reject.combined = d.rejectCombined;
    return { result, known };
  }

  /** The supervised model's row of a scored text: its hashed features, and per label its two scores. */
  function rowOf(text: string, r: HybridResult): SupervisedRow {
    const agents = semantic.agents;
    const pairs = [
      ...agents.map((a) => [r.lexical[a]!, r.semantic[a]!] as const),
      [r.reject.lexical, r.reject.semantic] as const,
    ];
    return { sparse: sparseFeatures(text, opts.supervised?.bits), dense: (k) => pairs[k]! };
  }

  /**
   * Trains the supervised model on the cards' examples (labelled by agent), the out-of-scope
   * examples kept by the semantic index, and the labelled utterances for these agents. The
   * utterances labelled out of scope are used only when every agent is one they were labelled for:
   * with an agent the data set does not know (an IT helpdesk, say), its out-of-scope rows may be
   * that agent's questions.
   */
  function* training(candidates: readonly RouteCandidate[]): Generator<void, SupervisedModel | undefined> {
    const labelled = opts.training;
    if (!labelled || candidates.length === 0) return undefined;
    const labels = [...candidates.map((c) => c.name), supervisedNone];
    const index = new Map(labels.map((l, i) => [l, i]));
    const known = new Set(labelled.map((t) => t.label));
    const noneRowsFit = candidates.every((c) => known.has(c.name));
    const texts: { text: string; label: number }[] = [
      ...candidates.flatMap((c, i) => c.examples.map((text) => ({ text, label: i }))),
      ...semantic.rejectKept.map((text) => ({ text, label: labels.length - 1 })),
      ...labelled.flatMap((t) => {
        const label = index.get(t.label);
        if (label === undefined || (t.label === supervisedNone && !noneRowsFit)) return [];
        return [{ text: t.text, label }];
      }),
    ];
    const rows: (SupervisedRow & { label: number })[] = [];
    for (const [n, { text, label }] of texts.entries()) {
      // Scoring a text takes about 0.3 ms: a few per step keeps each slice near its 10 ms.
      if (n % 4 === 3) yield;
      const { result, known } = score(text);
      if (known) rows.push({ ...rowOf(text, result), label });
    }
    return yield* trainingSteps(labels, rows, opts.supervised);
  }

  let pending: Generator<void, SupervisedModel | undefined> | undefined;
  let pendingRun: Promise<void> | undefined;

  const api: HybridClassifier = {
    settings: Object.freeze(s),
    update(candidates, updateOpts) {
      lexical.update(rejectCard ? [...candidates, rejectCard] : candidates);
      semantic.update(candidates);
      model = undefined;
      pendingRun = undefined;
      pending = training(candidates);
      if (updateOpts?.deferTraining) return;
      model = runSteps(pending);
      pending = undefined;
    },
    trained() {
      const steps = pending;
      if (!steps) return Promise.resolve();
      pendingRun ??= (async () => {
        for (;;) {
          // A newer update or dispose replaced this training: wait for the newest one, if any.
          if (pending !== steps) return api.trained();
          const until = performance.now() + sliceMs;
          let r: IteratorResult<void, SupervisedModel | undefined>;
          try {
            do r = steps.next();
            while (!r.done && performance.now() < until);
          } catch (err) {
            // The hand-set rule keeps deciding; the caller hears why.
            pending = undefined;
            pendingRun = undefined;
            throw err;
          }
          if (r.done) {
            model = r.value;
            pending = undefined;
            return;
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      return pendingRun;
    },
    dispose() {
      pending = undefined;
      pendingRun = undefined;
    },
    classify(text) {
      const { result, known } = score(text);
      // Nothing to judge (no word with a vector, or gated): the hand-set rule's `clarify` stands.
      if (!model || !known) return result;
      const p = model.probabilities(rowOf(text, result));
      // The labels are the agents in order, then none (last).
      const none = p.length - 1;
      let best = 0;
      for (let k = 1; k < none; k++) if (p[k]! > p[best]!) best = k;
      result.probabilities = Object.fromEntries(model.labels.map((l, k) => [l, p[k]!]));
      // `score` is the most probable agent's probability, also when out of scope wins (clarify).
      result.agent = p[none]! > p[best]! ? null : model.labels[best]!;
      result.score = p[best]!;
      return result;
    },
  };
  return api;
}
