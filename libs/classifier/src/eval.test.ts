import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { RouteCandidate } from './embedded.js';
import { evaluateSplit, parseDataset } from './evaluate.js';
import { createHybridClassifier } from './hybrid.js';
import { multiIntentParts } from './multi-intent.js';
import { rejectExamples } from './reject-examples.js';
import { routingTrainingSet } from './training-set.js';

// Regression guard for the routing quality measured by `npm run eval:routing`: the router's
// classifier (hybrid scores, the supervised model trained on the tune split, the packaged
// out-of-scope examples) on the held-out split
// of eval/routing/dataset.jsonl, with the real HR and Finance cards read from the services' sources
// (vitest compiles TS; this is test-only). The floors are the figures docs/routing.md documents,
// minus two points: the test reads them from the doc, so the doc and the guard cannot drift.

async function loadCard(path: string, name: string): Promise<RouteCandidate> {
  const mod: Record<string, RouteCandidate> = await import(new URL(path, import.meta.url).href);
  const card = mod[name];
  if (!card) throw new Error(`${path} does not export ${name}`);
  return card;
}

// In name order, as the router takes them (the trained model depends on the order of its rows).
const cards = [
  await loadCard('../../../services/hr-agent/src/card.ts', 'hrProfile'),
  await loadCard('../../../services/finance-agent/src/card.ts', 'financeProfile'),
].sort((a, b) => a.name.localeCompare(b.name));
const rows = parseDataset(
  await readFile(new URL('../../../eval/routing/dataset.jsonl', import.meta.url), 'utf8'),
);
const multi: { text: string; intents: string[]; split: string }[] = (
  await readFile(new URL('../../../eval/routing/multi-intent.jsonl', import.meta.url), 'utf8')
)
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const doc = await readFile(new URL('../../../docs/routing.md', import.meta.url), 'utf8');

/** A figure documented in docs/routing.md as `<name>: **NN.N%**`. */
function documented(name: string): number {
  const m = new RegExp(`${name}: \\*\\*([0-9.]+)%\\*\\*`).exec(doc);
  if (!m) throw new Error(`docs/routing.md does not document "${name}: **NN.N%**"`);
  return Number(m[1]) / 100;
}

describe('routing data set', () => {
  it('is large enough, labelled with live agents or none, with a held-out split of 300+', () => {
    expect(rows.length).toBeGreaterThanOrEqual(600);
    const labels = new Set(rows.map((r) => r.label));
    expect([...labels].sort()).toEqual(['finance', 'hr', 'none']);
    expect(rows.filter((r) => r.split === 'heldout').length).toBeGreaterThanOrEqual(300);
  });

  it('is what the router learns from: the tune split, and nothing of the held-out split', () => {
    const tune = rows.filter((r) => r.split === 'tune').map(({ text, label }) => ({ text, label }));
    expect(routingTrainingSet()).toEqual(tune);
  });

  it('does not contain card examples verbatim, nor duplicates', () => {
    const norm = (t: string) => t.toLowerCase().replace(/[\s?!.]+$/, '');
    const examples = new Set([...cards.flatMap((c) => c.examples), ...rejectExamples].map(norm));
    expect(rows.filter((r) => examples.has(norm(r.text))).map((r) => r.text)).toEqual([]);
    expect(multi.filter((r) => examples.has(norm(r.text))).map((r) => r.text)).toEqual([]);
    expect(new Set(rows.map((r) => norm(r.text))).size).toBe(rows.length);
  });
});

describe('the router classifier on the held-out split', () => {
  // As the router builds it: the supervised model learns from the tune split (the build copies it
  // to dist/training-set.json; `routingTrainingSet` reads that copy) and never sees the held-out one.
  const training = rows.filter((r) => r.split === 'tune').map(({ text, label }) => ({ text, label }));
  const clf = createHybridClassifier({ reject: rejectExamples, training });
  clf.update(cards);
  const metrics = evaluateSplit(rows, 'heldout', (text) => clf.classify(text).agent);

  it('routes at least the documented held-out accuracy minus two points', () => {
    const floor = documented('Held-out accuracy') - 0.02;
    expect(metrics.accuracy, JSON.stringify(metrics.errors, null, 1)).toBeGreaterThanOrEqual(floor);
  });

  it('meets the routing targets on the held-out split: 95% routed right, 90% of out of scope answered clarify', () => {
    expect(metrics.n).toBeGreaterThanOrEqual(300);
    expect(metrics.accuracy, JSON.stringify(metrics.errors, null, 1)).toBeGreaterThanOrEqual(0.95);
    expect(metrics.outOfScope.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('answers clarify to at least the documented share of out-of-scope questions minus two points', () => {
    const floor = documented('Held-out out-of-scope → clarify') - 0.02;
    expect(metrics.outOfScope.recall).toBeGreaterThanOrEqual(floor);
  });

  it('finds both intents of held-out two-part questions and leaves single ones whole, as documented', () => {
    const heldout = multi.filter((r) => r.split === 'heldout');
    const right = heldout.filter((r) => {
      const parts = multiIntentParts(clf, r.text);
      const found = parts ? parts.map((p) => p.agent) : [clf.classify(r.text).agent];
      return JSON.stringify(found) === JSON.stringify(r.intents);
    }).length;
    expect(right / heldout.length).toBeGreaterThanOrEqual(
      documented('Held-out multi-intent accuracy') - 0.02,
    );
  });
});
