import type { HybridParts } from './hybrid.js';
import { asksSomething } from './sentences.js';

/**
 * A learned decision rule over agent-agnostic features: for each candidate agent a feature vector
 * built from its scores, the out-of-scope examples' scores and the runner-up's, and a logistic
 * regression giving P(this agent is right). Nothing in it names an agent, so a new agent type is
 * scored by the same weights with no change.
 */

/** Which features a model uses: `scores` is a learned weighting of the existing scores only. */
export type FeatureSet = 'scores' | 'full';

/** Names of the features of each set, in vector order. */
export const featureNames: Readonly<Record<FeatureSet, readonly string[]>> = Object.freeze({
  scores: ['lexical', 'semantic', 'rejectLexical', 'rejectSemantic'],
  full: [
    'lexical',
    'semantic',
    'rejectLexical',
    'rejectSemantic',
    'lexicalOverReject',
    'semanticOverReject',
    'lexicalOverRunnerUp',
    'semanticOverRunnerUp',
    'lexicalTimesSemantic',
    'oneToThreeWords',
    'moreThanTwelveWords',
    'asks',
  ],
});

/** A trained model: standardisation, weights and the probability at which the best agent routes. */
export interface LearnedModel {
  features: FeatureSet;
  mean: number[];
  sd: number[];
  weights: number[];
  bias: number;
  threshold: number;
}

const wordsOf = (text: string) => text.split(/\s+/).filter((w) => /\p{L}|\p{N}/u.test(w)).length;

/** The runner-up's score: the best score among the other agents (0 with no other agent). */
function bestOther(scores: Record<string, number>, agent: string): number {
  let best = 0;
  for (const [name, v] of Object.entries(scores)) if (name !== agent && v > best) best = v;
  return best;
}

/** The feature vector of `agent` for a classification `p` of `text`. */
export function agentFeatures(set: FeatureSet, p: HybridParts, agent: string, text: string): number[] {
  const lex = p.lexical[agent] ?? 0;
  const sem = p.semantic[agent] ?? 0;
  const base = [lex, sem, p.reject.lexical, p.reject.semantic];
  if (set === 'scores') return base;
  const n = wordsOf(text);
  return [
    ...base,
    lex - p.reject.lexical,
    sem - p.reject.semantic,
    lex - bestOther(p.lexical, agent),
    sem - bestOther(p.semantic, agent),
    lex * sem,
    n <= 3 ? 1 : 0,
    n > 12 ? 1 : 0,
    asksSomething(text) ? 1 : 0,
  ];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** P(agent is right) under `m` for a raw feature vector. */
export function probability(m: Omit<LearnedModel, 'threshold'>, x: readonly number[]): number {
  let z = m.bias;
  for (let j = 0; j < x.length; j++) z += (m.weights[j]! * (x[j]! - m.mean[j]!)) / m.sd[j]!;
  return sigmoid(z);
}

/** Settings of {@link trainLogistic}: fixed, so training is deterministic. */
export interface TrainOptions {
  iterations?: number;
  learningRate?: number;
  /** L2 penalty on the weights (not the bias). */
  l2?: number;
}

/**
 * Logistic regression by full-batch gradient descent on standardised features, from zero weights
 * with a fixed number of iterations: no randomness, the same rows give the same model everywhere.
 */
export function trainLogistic(
  features: FeatureSet,
  xs: readonly (readonly number[])[],
  ys: readonly number[],
  opts: TrainOptions = {},
): Omit<LearnedModel, 'threshold'> {
  if (xs.length === 0 || xs.length !== ys.length)
    throw new RangeError(`training needs as many labels as rows, got ${xs.length} rows, ${ys.length} labels`);
  const { iterations = 2000, learningRate = 0.5, l2 = 1e-3 } = opts;
  const d = xs[0]!.length;
  const n = xs.length;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const x of xs) for (let j = 0; j < d; j++) mean[j]! += x[j]! / n;
  for (const x of xs) for (let j = 0; j < d; j++) sd[j]! += (x[j]! - mean[j]!) ** 2 / n;
  // A feature (nearly) constant in training carries nothing; rounding leaves it a tiny spread that
  // would blow up any other value, so it is left unscaled.
  for (let j = 0; j < d; j++) sd[j] = sd[j]! > 1e-12 ? Math.sqrt(sd[j]!) : 1;
  const z = xs.map((x) => x.map((v, j) => (v - mean[j]!) / sd[j]!));
  const weights = new Array<number>(d).fill(0);
  let bias = 0;
  const grad = new Array<number>(d);
  for (let it = 0; it < iterations; it++) {
    grad.fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      let s = bias;
      for (let j = 0; j < d; j++) s += weights[j]! * z[i]![j]!;
      const err = sigmoid(s) - ys[i]!;
      gb += err;
      for (let j = 0; j < d; j++) grad[j]! += err * z[i]![j]!;
    }
    for (let j = 0; j < d; j++) weights[j]! -= learningRate * (grad[j]! / n + l2 * weights[j]!);
    bias -= (learningRate * gb) / n;
  }
  return { features, mean, sd, weights, bias };
}

/** One labelled classification for training: its parts, its text and the right agent (null: none). */
export interface LabelledParts {
  parts: HybridParts;
  text: string;
  label: string | null;
}

/** Training rows: one per (classification, agent), 1 when the agent is the right one. */
export function trainingRows(
  set: FeatureSet,
  rows: readonly LabelledParts[],
): { xs: number[][]; ys: number[] } {
  const xs: number[][] = [];
  const ys: number[] = [];
  for (const r of rows)
    for (const agent of Object.keys(r.parts.semantic)) {
      xs.push(agentFeatures(set, r.parts, agent, r.text));
      ys.push(agent === r.label ? 1 : 0);
    }
  return { xs, ys };
}

/** The learned decision: the agent with the highest probability when it reaches the threshold. */
export function decideLearned(
  m: LearnedModel,
  p: HybridParts,
  text: string,
): { agent: string | null; score: number; scores: Record<string, number> } {
  const scores: Record<string, number> = {};
  let winner: string | null = null;
  for (const agent of Object.keys(p.semantic)) {
    // A text nothing could score (gated, no known word) has no evidence for any agent.
    const known = (p.lexical[agent] ?? 0) > 0 || (p.semantic[agent] ?? 0) > 0;
    scores[agent] = known ? probability(m, agentFeatures(m.features, p, agent, text)) : 0;
    if (winner === null || scores[agent]! > scores[winner]!) winner = agent;
  }
  const score = winner === null ? 0 : scores[winner]!;
  return { agent: winner !== null && score > 0 && score >= m.threshold ? winner : null, score, scores };
}
