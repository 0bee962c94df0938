import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createEmbeddedClassifier, type RouteCandidate } from './embedded.js';
import { evaluateSplit, parseDataset } from './evaluate.js';

// Regression guard for the routing quality measured by `npm run eval:routing`: the embedded
// classifier on the held-out split of eval/routing/dataset.jsonl, with the real HR and Finance
// cards read from the services' sources (vitest compiles TS; this is test-only).

async function loadCard(path: string, name: string): Promise<RouteCandidate> {
  const mod: Record<string, RouteCandidate> = await import(new URL(path, import.meta.url).href);
  const card = mod[name];
  if (!card) throw new Error(`${path} does not export ${name}`);
  return card;
}

const cards = [
  await loadCard('../../../services/hr-agent/src/card.ts', 'hrProfile'),
  await loadCard('../../../services/finance-agent/src/card.ts', 'financeProfile'),
];
const rows = parseDataset(
  await readFile(new URL('../../../eval/routing/dataset.jsonl', import.meta.url), 'utf8'),
);

describe('routing data set', () => {
  it('is large enough, labelled with live agents or none, split about 60/40', () => {
    expect(rows.length).toBeGreaterThanOrEqual(240);
    const labels = new Set(rows.map((r) => r.label));
    expect([...labels].sort()).toEqual(['finance', 'hr', 'none']);
    const tuneShare = rows.filter((r) => r.split === 'tune').length / rows.length;
    expect(tuneShare).toBeGreaterThan(0.55);
    expect(tuneShare).toBeLessThan(0.65);
  });

  it('does not contain card examples verbatim, nor duplicates', () => {
    const norm = (t: string) => t.toLowerCase().replace(/[\s?!.]+$/, '');
    const examples = new Set(cards.flatMap((c) => c.examples.map(norm)));
    expect(rows.filter((r) => examples.has(norm(r.text))).map((r) => r.text)).toEqual([]);
    expect(new Set(rows.map((r) => norm(r.text))).size).toBe(rows.length);
  });
});

describe('embedded classifier on the held-out split', () => {
  const clf = createEmbeddedClassifier();
  clf.update(cards);
  const metrics = evaluateSplit(rows, 'heldout', (text) => clf.classify(text).agent);

  it('routes at least 90% of held-out utterances right', () => {
    expect(metrics.accuracy, JSON.stringify(metrics.errors, null, 1)).toBeGreaterThanOrEqual(0.9);
  });

  it('answers clarify to at least 80% of out-of-scope utterances', () => {
    expect(metrics.outOfScope.recall).toBeGreaterThanOrEqual(0.8);
  });
});
