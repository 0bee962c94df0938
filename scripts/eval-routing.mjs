#!/usr/bin/env node
// Measures the routing classifiers on eval/routing/dataset.jsonl and prints JSON.
// Embedded classifier: both splits, plus a threshold sweep on the tune split only (the calibration
// evidence; the held-out split is never used to choose anything). With ANTHROPIC_API_KEY set, the
// Claude classifier too, on the held-out split. Run after `turbo run build` (npm run eval:routing).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  computeMetrics,
  createEmbeddedClassifier,
  defaultThreshold,
  evaluateSplit,
  noneLabel,
  parseDataset,
} from '@switchboard/classifier';

const root = new URL('../', import.meta.url);
const { hrProfile } = await import(new URL('services/hr-agent/dist/card.js', root).href);
const { financeProfile } = await import(new URL('services/finance-agent/dist/card.js', root).href);
const cards = [hrProfile, financeProfile];
const rows = parseDataset(readFileSync(new URL('eval/routing/dataset.jsonl', root), 'utf8'));

const round = (x) => (typeof x === 'number' ? Math.round(x * 10000) / 10000 : x);

/** Rounds the numbers of a metrics object for printing. */
function summarize(m) {
  const cls = (c) => ({ ...c, precision: round(c.precision), recall: round(c.recall) });
  return {
    n: m.n,
    accuracy: round(m.accuracy),
    agents: Object.fromEntries(Object.entries(m.agents).map(([k, v]) => [k, cls(v)])),
    outOfScope: cls(m.outOfScope),
    confusion: m.confusion,
    errors: m.errors,
  };
}

function evaluateEmbedded() {
  const clf = createEmbeddedClassifier();
  clf.update(cards);
  const predict = (text) => clf.classify(text).agent;
  const reps = 20;
  const start = performance.now();
  for (let i = 0; i < reps; i++) for (const r of rows) clf.classify(r.text);
  const perRequestMs = (performance.now() - start) / (reps * rows.length);
  return {
    threshold: defaultThreshold,
    perRequestMs: round(perRequestMs),
    tune: summarize(evaluateSplit(rows, 'tune', predict)),
    heldout: summarize(evaluateSplit(rows, 'heldout', predict)),
  };
}

/** Accuracy and out-of-scope recall on the tune split for a range of thresholds. */
function calibrate() {
  const raw = createEmbeddedClassifier({ threshold: 0 });
  raw.update(cards);
  const scored = rows.filter((r) => r.split === 'tune').map((r) => ({ r, res: raw.classify(r.text) }));
  const sweep = [];
  for (let t = 0.1; t <= 0.5001; t += 0.025) {
    const m = computeMetrics(
      scored.map(({ r, res }) => ({
        text: r.text,
        label: r.label,
        predicted: res.agent !== null && res.score >= t ? res.agent : noneLabel,
      })),
    );
    sweep.push({
      threshold: round(t),
      accuracy: round(m.accuracy),
      outOfScopeRecall: round(m.outOfScope.recall),
    });
  }
  // The rule behind defaultThreshold: the lowest threshold (0.01 steps) at which at least
  // `targetOutOfScopeRecall` of the tune split's out-of-scope utterances get clarify.
  const targetOutOfScopeRecall = 0.9;
  let recommended = null;
  for (let i = 0; i <= 100 && recommended === null; i++) {
    const t = i / 100;
    const none = scored.filter(({ r }) => r.label === noneLabel);
    const clarified = none.filter(({ res }) => res.agent === null || res.score < t).length;
    if (clarified / none.length >= targetOutOfScopeRecall) recommended = t;
  }
  return { split: 'tune', rule: { targetOutOfScopeRecall, recommended, inUse: defaultThreshold }, sweep };
}

async function evaluateClaude() {
  const [{ default: Anthropic }, runtime, classify] = await Promise.all([
    import('@anthropic-ai/sdk'),
    import('@switchboard/runtime'),
    import(new URL('services/router/dist/classify/index.js', root).href),
  ]);
  const model = runtime.BaseEnv.parse(process.env).ANTHROPIC_MODEL;
  const metrics = runtime.createMetrics('eval', { processMetrics: false });
  const guard = runtime.createGuard(
    { target: 'llm', timeoutMs: 15000, attempts: 3, failureThreshold: 10 },
    metrics,
  );
  const client = new Anthropic({
    apiKey: process.env.ANTHROPIC_API_KEY,
    baseURL: process.env.ANTHROPIC_BASE_URL || undefined,
    maxRetries: 0,
  });
  const fallback = classify.createEmbeddedRouterClassifier();
  const claude = classify.createClaudeClassifier({ client, model, guard, fallback, metrics });
  const agents = cards.map((c) => ({ ...c, subject: `agents.${c.name}.ask`, instances: 1 }));
  const heldout = rows.filter((r) => r.split === 'heldout');
  const outcomes = new Array(heldout.length);
  let fallbacks = 0;
  let next = 0;
  const worker = async () => {
    while (next < heldout.length) {
      const i = next++;
      const r = heldout[i];
      const d = await claude.classify(r.text, agents);
      if (d.method !== 'claude') fallbacks++;
      outcomes[i] = { text: r.text, label: r.label, predicted: d.agent ?? noneLabel };
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const llm = (await metrics.llmRequests.get()).values.map((v) => ({ ...v.labels, count: v.value }));
  return { model, heldout: summarize(computeMetrics(outcomes)), fallbacks, llmRequests: llm };
}

const report = {
  dataset: {
    n: rows.length,
    tune: rows.filter((r) => r.split === 'tune').length,
    heldout: rows.filter((r) => r.split === 'heldout').length,
  },
  embedded: evaluateEmbedded(),
  calibration: calibrate(),
  claude: process.env.ANTHROPIC_API_KEY ? await evaluateClaude() : 'skipped: ANTHROPIC_API_KEY not set',
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
