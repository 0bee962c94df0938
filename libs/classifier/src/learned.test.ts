import { describe, expect, it } from 'vitest';
import type { HybridParts } from './hybrid.js';
import {
  agentFeatures,
  decideLearned,
  featureNames,
  type LabelledParts,
  trainingRows,
  trainLogistic,
} from './learned.js';

/** Parts of a classification where `agent` (if any) scores `hi` and every other agent `lo`. */
function parts(
  agents: readonly string[],
  agent: string | null,
  hi: number,
  lo: number,
  rej: number,
): HybridParts {
  const by = (v: (a: string) => number) => Object.fromEntries(agents.map((a) => [a, v(a)]));
  return {
    lexical: by((a) => (a === agent ? hi : lo)),
    semantic: by((a) => (a === agent ? hi : lo)),
    reject: { lexical: rej, semantic: rej },
  };
}

/** Rows where the right agent scores high and out-of-scope texts score high on the reject examples. */
function rows(agents: readonly string[]): LabelledParts[] {
  const out: LabelledParts[] = [];
  for (let i = 0; i < 20; i++) {
    const j = i / 20;
    for (const a of agents)
      out.push({ parts: parts(agents, a, 0.5 + j * 0.3, 0.1, 0.1), text: `how do I ${i}?`, label: a });
    out.push({
      parts: parts(agents, null, 0, 0.15 + j * 0.1, 0.6),
      text: `tell me a joke ${i}`,
      label: null,
    });
  }
  return out;
}

describe('learned decision rule', () => {
  it('has one feature per name in each set', () => {
    const p = parts(['hr', 'finance'], 'hr', 0.6, 0.1, 0.2);
    for (const set of ['scores', 'full'] as const)
      expect(agentFeatures(set, p, 'hr', 'can I book leave?')).toHaveLength(featureNames[set].length);
  });

  it('learns to route the right agent and to clarify out of scope, deterministically', () => {
    const agents = ['hr', 'finance'];
    const { xs, ys } = trainingRows('full', rows(agents));
    const model = { ...trainLogistic('full', xs, ys, { iterations: 500 }), threshold: 0.5 };
    expect(trainLogistic('full', xs, ys, { iterations: 500 })).toEqual(
      trainLogistic('full', xs, ys, { iterations: 500 }),
    );
    expect(decideLearned(model, parts(agents, 'finance', 0.7, 0.1, 0.1), 'expense claim?').agent).toBe(
      'finance',
    );
    expect(decideLearned(model, parts(agents, 'hr', 0.65, 0.1, 0.1), 'my leave?').agent).toBe('hr');
    expect(decideLearned(model, parts(agents, null, 0, 0.2, 0.6), 'weather today').agent).toBeNull();
  });

  it('scores an agent type it was not trained on with the same weights (agent-agnostic)', () => {
    const { xs, ys } = trainingRows('full', rows(['hr', 'finance']));
    const model = { ...trainLogistic('full', xs, ys, { iterations: 500 }), threshold: 0.5 };
    const three = ['hr', 'finance', 'it'];
    expect(decideLearned(model, parts(three, 'it', 0.7, 0.1, 0.1), 'my laptop is broken').agent).toBe('it');
  });

  it('clarifies a text nothing could score', () => {
    const { xs, ys } = trainingRows('scores', rows(['hr', 'finance']));
    const model = { ...trainLogistic('scores', xs, ys, { iterations: 200 }), threshold: 0 };
    const d = decideLearned(model, parts(['hr', 'finance'], null, 0, 0, 0), '🙂');
    expect(d).toEqual({ agent: null, score: 0, scores: { hr: 0, finance: 0 } });
  });

  it('rejects training rows without labels with a RangeError', () => {
    expect(() => trainLogistic('scores', [], [])).toThrow(RangeError);
    expect(() => trainLogistic('scores', [[1, 2, 3, 4]], [])).toThrow(/as many labels as rows/);
  });
});
