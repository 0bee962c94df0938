#!/usr/bin/env node
// Measures the routing classifiers side by side on eval/routing/ and prints JSON:
// - lexical: TF-IDF over words, bigrams and character n-grams (the first embedded classifier);
// - semantic: sentence vectors from the packaged word embeddings, with the out-of-scope examples;
// - hybrid: both combined, decided by the hand-set rule (threshold and margin);
// - supervised: the hybrid's scores and the request's words, decided by a model trained on the tune
//   split and the cards (what the router uses; `--supervised '{...}'` sets its training).
// Each hand-set option is calibrated on the tune split only (a grid over its settings: the best tune accuracy
// with at least 90% of the tune split's out-of-scope questions answered clarify); the held-out split
// is only reported. Each option runs in a child process of its own, so its memory (RSS), start-up
// time (index build) and CPU per classification are its own. Also: multi-intent detection on
// eval/routing/multi-intent.jsonl. With ANTHROPIC_API_KEY set, the Claude classifier on the held-out
// split too. Run after `turbo run build` (npm run eval:routing).
//
// `-- --cv [--folds 5] [--seed 13]`: k-fold cross-validation on the tune split instead (stratified by
// label, fixed seed): each fold's settings are calibrated on the other k-1 folds and measured on the
// fold, and the report gives the mean (and spread) of the folds' accuracy and out-of-scope → clarify,
// and multi-intent detection with the same folds (the supervised option trains on the other k-1 folds
// instead). `-- --options hybrid,supervised` measures only the named options.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const round = (x, d = 4) => (typeof x === 'number' ? Math.round(x * 10 ** d) / 10 ** d : x);
const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : null);
const option = arg('--child');
// `--hybrid '{"context":0.8}'`: hybrid options to measure before making them the defaults.
const experiment = JSON.parse(arg('--hybrid') ?? '{}');
// `--no-heldout`: the held-out split is neither scored nor printed (while tuning, it stays blind).
const noHeldout = process.argv.includes('--no-heldout');
const cv = process.argv.includes('--cv')
  ? { folds: Number(arg('--folds') ?? 5), seed: Number(arg('--seed') ?? 13) }
  : null;

/** Everything a measurement needs, loaded after the clock for start-up has started. */
async function load() {
  const C = await import('@switchboard/classifier');
  const { hrProfile } = await import(new URL('services/hr-agent/dist/card.js', root).href);
  const { financeProfile } = await import(new URL('services/finance-agent/dist/card.js', root).href);
  const rows = C.parseDataset(readFileSync(new URL('eval/routing/dataset.jsonl', root), 'utf8'));
  const multi = readFileSync(new URL('eval/routing/multi-intent.jsonl', root), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  // In name order, as the router takes them (the trained model depends on the order of its rows).
  const cards = [hrProfile, financeProfile].sort((a, b) => a.name.localeCompare(b.name));
  return { C, cards, rows, multi };
}

/** Rounds the numbers of a metrics object for printing. */
function summarize(m) {
  const cls = (c) => ({ ...c, precision: round(c.precision), recall: round(c.recall) });
  return {
    n: m.n,
    // An empty split (the held-out split between two held-out sets) has no accuracy.
    accuracy: m.n === 0 ? null : round(m.accuracy),
    agents: Object.fromEntries(Object.entries(m.agents).map(([k, v]) => [k, cls(v)])),
    outOfScope: cls(m.outOfScope),
    confusion: m.confusion,
    errors: m.errors,
  };
}

/** The settings each option is calibrated over. */
const grids = {
  lexical: () => range(0.1, 0.6, 0.01).map((threshold) => ({ threshold })),
  semantic: () =>
    range(0.2, 0.8, 0.01).flatMap((threshold) =>
      [-1, ...range(-0.1, 0.2, 0.02)].map((margin) => ({ lexical: 0, threshold, margin })),
    ),
  hybrid: () =>
    range(0.1, 0.9, 0.1).flatMap((lexical) =>
      range(0.1, 0.7, 0.01).flatMap((threshold) =>
        [-1, ...range(-0.1, 0.2, 0.02)].map((margin) => ({ lexical, threshold, margin })),
      ),
    ),
};

/** The learned options: `learned-scores` (a weighting of the existing scores), `learned-full`. */
const learnedSet = (name) => (name.startsWith('learned-') ? name.slice('learned-'.length) : null);

/**
 * The candidate settings of an option on the rows `use` picks: the fixed grid, or for a learned
 * option a model trained on those rows with each threshold of a grid.
 */
function gridFor(C, name, rows, raw, use) {
  const set = learnedSet(name);
  if (!set) return grids[name]();
  const labelled = rows.flatMap((r, i) =>
    use(r, i) ? [{ parts: raw[i], text: r.text, label: r.label === C.noneLabel ? null : r.label }] : [],
  );
  const { xs, ys } = C.trainingRows(set, labelled);
  const model = C.trainLogistic(set, xs, ys, trainOptions);
  return range(0.05, 0.95, 0.01).map((threshold) => ({ ...model, threshold }));
}

// `--train '{"iterations":2000,"learningRate":0.5,"l2":0.001}'`: the learned-* options' training.
const trainOptions = JSON.parse(arg('--train') ?? '{}');
// `--supervised '{"epochs":30,"l2":0.001}'`: the supervised option's training (supervised.ts).
const supervisedOptions = JSON.parse(arg('--supervised') ?? '{}');

function range(from, to, step) {
  const out = [];
  for (let i = 0; from + i * step <= to + 1e-9; i++) out.push(round(from + i * step, 3));
  return out;
}

/** Raw scores for a text under an option, from which any setting's decision follows without rescoring. */
function scorer(C, cards, name) {
  if (name === 'lexical') {
    const clf = C.createEmbeddedClassifier({ threshold: 0 });
    clf.update(cards);
    return {
      classify: (t) => clf.classify(t),
      decide: (r, s) => (r.agent && r.score >= s.threshold ? r.agent : null),
    };
  }
  const clf = C.createHybridClassifier({
    ...experiment,
    reject: C.rejectExamples,
    settings: { threshold: 0, margin: -1 },
  });
  clf.update(cards);
  if (learnedSet(name))
    return {
      classify: (t) => ({ ...clf.classify(t), text: t }),
      decide: (r, m) => C.decideLearned(m, r, r.text).agent,
    };
  return {
    classify: (t) => clf.classify(t),
    // The classifier's own decision rule, applied to the scores under each candidate setting.
    decide: (r, s) => C.decide(r, s).agent,
  };
}

/** The calibration rule: best tune accuracy with out-of-scope recall >= 0.9; ties: first in grid order. */
function calibrate(C, rows, raw, decide, grid, use = (r) => r.split === 'tune') {
  const tune = rows.map((r, i) => [r, raw[i], i]).filter(([r, , i]) => use(r, i));
  let best = null;
  for (const s of grid) {
    const m = C.computeMetrics(
      tune.map(([r, res]) => ({ text: r.text, label: r.label, predicted: decide(res, s) ?? C.noneLabel })),
    );
    if (m.outOfScope.recall < 0.9) continue;
    if (!best || m.accuracy > best.accuracy + 1e-12)
      best = { settings: s, accuracy: m.accuracy, outOfScopeRecall: m.outOfScope.recall };
  }
  return best;
}

/**
 * The supervised option: the hybrid's scores plus a model trained on labelled utterances (the tune
 * split, or in cross-validation the other folds) besides the cards. Nothing is calibrated: the most
 * probable label decides.
 */
function supervisedClassifier(C, cards, training) {
  const clf = C.createHybridClassifier({
    ...experiment,
    reject: C.rejectExamples,
    training,
    supervised: supervisedOptions,
  });
  clf.update(cards);
  return clf;
}

const labelled = (rows, use) => rows.filter(use).map(({ text, label }) => ({ text, label }));

/** Multi-intent detection with a supervised classifier (the gate and the cuts as in the router). */
function supervisedMultiIntent(C, cards, clf, rows) {
  return multiIntent(C, cards, null, rows, {
    settings: clf.settings,
    classify: (t) => clf.classify(t),
    parts: (t) => C.multiIntentParts(clf, t),
  });
}

async function supervisedChild(name) {
  const t0 = performance.now();
  const { C, cards, rows, multi } = await load();
  const outcomesOf = (clf, use) =>
    rows.flatMap((r, i) =>
      use(r, i)
        ? [{ text: r.text, label: r.label, predicted: clf.classify(r.text).agent ?? C.noneLabel }]
        : [],
    );
  if (cv)
    return runFolds(C, rows, multi, name, ({ inTraining, inFold, held }) => {
      const clf = supervisedClassifier(C, cards, labelled(rows, inTraining));
      return {
        outcomes: outcomesOf(clf, inFold),
        settings: 'supervised',
        // Accuracy on its own training folds (what "calibration" is for the hand-set rule).
        calibrationAccuracy: C.computeMetrics(outcomesOf(clf, inTraining)).accuracy,
        multi: supervisedMultiIntent(C, cards, clf, held).fold,
      };
    });
  const clf = supervisedClassifier(
    C,
    cards,
    labelled(rows, (r) => r.split === 'tune'),
  );
  const startupMs = performance.now() - t0;
  const tune = C.computeMetrics(outcomesOf(clf, (r) => r.split === 'tune'));
  const cpu0 = process.cpuUsage();
  const reps = 5;
  for (let k = 0; k < reps; k++) for (const r of rows) clf.classify(r.text);
  const cpu = process.cpuUsage(cpu0);
  return {
    option: name,
    calibration: {
      settings: 'supervised',
      accuracy: round(tune.accuracy),
      outOfScopeRecall: round(tune.outOfScope.recall),
    },
    tune: summarize(tune),
    heldout: noHeldout ? null : summarize(C.computeMetrics(outcomesOf(clf, (r) => r.split === 'heldout'))),
    cpuUsPerClassification: round((cpu.user + cpu.system) / (reps * rows.length), 1),
    startupMs: round(startupMs, 0),
    rssMb: round(process.memoryUsage().rss / 1e6, 1),
    multiIntent: supervisedMultiIntent(C, cards, clf, multi),
  };
}

async function child(name) {
  if (name === 'supervised') return supervisedChild(name);
  const t0 = performance.now();
  const { C, cards, rows, multi } = await load();
  const s = scorer(C, cards, name);
  const startupMs = performance.now() - t0;
  const raw = rows.map((r) => s.classify(r.text));
  if (cv) return crossValidate(C, rows, raw, s, name, multi, cards);
  const tuneRows = (r) => r.split === 'tune';
  const cal = calibrate(C, rows, raw, s.decide, gridFor(C, name, rows, raw, tuneRows), tuneRows);
  const predict = (i) => s.decide(raw[i], cal.settings) ?? C.noneLabel;
  const outcomes = (split) =>
    rows.flatMap((r, i) =>
      r.split === split ? [{ text: r.text, label: r.label, predicted: predict(i) }] : [],
    );
  const cpu0 = process.cpuUsage();
  const reps = 5;
  for (let k = 0; k < reps; k++) for (const r of rows) s.classify(r.text);
  const cpu = process.cpuUsage(cpu0);
  const out = {
    option: name,
    calibration: { ...cal, accuracy: round(cal.accuracy), outOfScopeRecall: round(cal.outOfScopeRecall) },
    tune: summarize(C.computeMetrics(outcomes('tune'))),
    heldout: noHeldout ? null : summarize(C.computeMetrics(outcomes('heldout'))),
    cpuUsPerClassification: round((cpu.user + cpu.system) / (reps * rows.length), 1),
    startupMs: round(startupMs, 0),
    rssMb: round(process.memoryUsage().rss / 1e6, 1),
  };
  if (name === 'hybrid') out.multiIntent = multiIntent(C, cards, cal.settings, multi);
  return out;
}

/**
 * k-fold cross-validation on the tune split: the raw scores do not depend on the data set (the
 * classifier is built from the cards alone), so each fold only re-runs the calibration on the other
 * folds and is decided with the settings found there.
 */
function crossValidate(C, rows, raw, s, name, multi, cards) {
  return runFolds(C, rows, multi, name, ({ inTraining, inFold, held }) => {
    const cal = calibrate(C, rows, raw, s.decide, gridFor(C, name, rows, raw, inTraining), inTraining);
    const outcomes = rows.flatMap((r, i) =>
      inFold(r, i)
        ? [{ text: r.text, label: r.label, predicted: s.decide(raw[i], cal.settings) ?? C.noneLabel }]
        : [],
    );
    const withMulti = name === 'hybrid' || learnedSet(name);
    return {
      outcomes,
      settings: learnedSet(name) ? { threshold: cal.settings.threshold } : cal.settings,
      calibrationAccuracy: cal.accuracy,
      multi: withMulti
        ? (learnedSet(name) ? learnedMultiIntent : multiIntent)(C, cards, cal.settings, held).fold
        : null,
    };
  });
}

/**
 * The folds of the tune split (stratified by label, fixed seed) and of its multi-intent questions;
 * `runFold` decides one fold's rows from the other folds and returns its outcomes, settings, fit on
 * its training folds and multi-intent tally. Returns the folds' mean and spread, pooled metrics.
 */
function runFolds(C, rows, multi, name, runFold) {
  const tune = rows.map((_r, i) => i).filter((i) => rows[i].split === 'tune');
  const folds = C.stratifiedFolds(tune, cv.folds, cv.seed, (i) => rows[i].label);
  const foldOf = new Map(tune.map((i, n) => [i, folds[n]]));
  const multiTune = multi.filter((r) => r.split === 'tune');
  const multiFolds = C.stratifiedFolds(multiTune, cv.folds, cv.seed, (r) => String(r.intents.length));
  const perFold = [];
  const pooled = [];
  const multiPooled = { n: 0, correct: 0, twoPart: 0, twoPartFound: 0, singleSplitWrongly: 0, errors: [] };
  let withMulti = false;
  for (let f = 0; f < cv.folds; f++) {
    const held = multiTune.filter((_, n) => multiFolds[n] === f).map((r) => ({ ...r, split: 'fold' }));
    const r = runFold({
      inTraining: (_r, i) => foldOf.has(i) && foldOf.get(i) !== f,
      inFold: (_r, i) => foldOf.get(i) === f,
      held,
    });
    pooled.push(...r.outcomes);
    const m = C.computeMetrics(r.outcomes);
    perFold.push({
      fold: f,
      n: m.n,
      settings: r.settings,
      calibrationAccuracy: round(r.calibrationAccuracy),
      accuracy: round(m.accuracy),
      outOfScopeRecall: round(m.outOfScope.recall),
    });
    if (r.multi) {
      withMulti = true;
      for (const k of Object.keys(multiPooled))
        multiPooled[k] = k === 'errors' ? [...multiPooled[k], ...r.multi[k]] : multiPooled[k] + r.multi[k];
    }
  }
  const spread = (key) => {
    const { mean, sd } = C.meanAndSpread(perFold.map((p) => p[key]));
    return { mean: round(mean), sd: round(sd) };
  };
  return {
    option: name,
    cv: { folds: cv.folds, seed: cv.seed, n: tune.length },
    accuracy: spread('accuracy'),
    outOfScopeRecall: spread('outOfScopeRecall'),
    calibrationAccuracy: spread('calibrationAccuracy'),
    pooled: summarize(C.computeMetrics(pooled)),
    perFold,
    ...(withMulti
      ? { multiIntent: { ...multiPooled, accuracy: round(multiPooled.correct / multiPooled.n) } }
      : {}),
  };
}

/**
 * Multi-intent detection under a learned model: the same gate on the whole message (a second agent's
 * combined score at the default threshold), each part decided by the model.
 */
function learnedMultiIntent(C, cards, model, rows) {
  const hybrid = C.createHybridClassifier({
    ...experiment,
    reject: C.rejectExamples,
    settings: { threshold: 0, margin: -1 },
  });
  hybrid.update(cards);
  const clf = {
    settings: { threshold: C.defaultHybridSettings.threshold },
    classify: (t) => {
      const r = hybrid.classify(t);
      return { ...C.decideLearned(model, r, t), scores: r.scores };
    },
  };
  return multiIntent(C, cards, null, rows, {
    settings: clf.settings,
    classify: clf.classify,
    parts: (t) => {
      const runnerUp = Object.values(hybrid.classify(t).scores).sort((a, b) => b - a)[1] ?? 0;
      return runnerUp >= clf.settings.threshold ? C.detectParts(t, clf.classify) : null;
    },
  });
}

/** Multi-intent detection with the calibrated hybrid: are two-part questions found, single ones left whole? */
function multiIntent(C, cards, settings, rows, custom = null) {
  let clf = custom;
  if (!clf) {
    clf = C.createHybridClassifier({ ...experiment, reject: C.rejectExamples, settings });
    clf.update(cards);
  }
  const bySplit = {};
  for (const r of rows) {
    const parts = custom ? custom.parts(r.text) : C.multiIntentParts(clf, r.text);
    const found = parts ? parts.map((p) => p.agent) : [clf.classify(r.text).agent];
    const ok = JSON.stringify(found) === JSON.stringify(r.intents);
    bySplit[r.split] ??= {
      n: 0,
      correct: 0,
      twoPart: 0,
      twoPartFound: 0,
      singleSplitWrongly: 0,
      errors: [],
    };
    const b = bySplit[r.split];
    b.n++;
    if (ok) b.correct++;
    else b.errors.push({ text: r.text, expected: r.intents, found });
    if (r.intents.length === 2) {
      b.twoPart++;
      if (parts) b.twoPartFound++;
    } else if (parts) b.singleSplitWrongly++;
  }
  return bySplit;
}

const names = (arg('--options') ?? 'lexical,semantic,hybrid,supervised').split(',');
if (option) {
  process.stdout.write(JSON.stringify(await child(option)));
} else {
  const self = fileURLToPath(import.meta.url);
  const options = {};
  const cvArgs = [
    ...(cv ? ['--cv', '--folds', String(cv.folds), '--seed', String(cv.seed)] : []),
    ...(arg('--hybrid') ? ['--hybrid', arg('--hybrid')] : []),
    ...(arg('--train') ? ['--train', arg('--train')] : []),
    ...(arg('--supervised') ? ['--supervised', arg('--supervised')] : []),
    ...(noHeldout ? ['--no-heldout'] : []),
  ];
  for (const name of names) {
    options[name] = JSON.parse(
      execFileSync(process.execPath, [self, '--child', name, ...cvArgs], {
        encoding: 'utf8',
        maxBuffer: 64e6,
      }),
    );
  }
  const { rows } = await load();
  if (cv) {
    const comparison = Object.fromEntries(
      Object.entries(options).map(([k, v]) => [
        k,
        {
          cvAccuracy: v.accuracy,
          cvOutOfScopeRecall: v.outOfScopeRecall,
          calibrationAccuracy: v.calibrationAccuracy,
        },
      ]),
    );
    const multi = (options.supervised ?? options.hybrid)?.multiIntent;
    const report = { cv: options[names[0]].cv, comparison, multiIntent: multi, options };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.exit(0);
  }
  const report = {
    dataset: {
      n: rows.length,
      tune: rows.filter((r) => r.split === 'tune').length,
      heldout: rows.filter((r) => r.split === 'heldout').length,
    },
    comparison: Object.fromEntries(
      Object.entries(options).map(([k, v]) => [
        k,
        {
          heldoutAccuracy: v.heldout?.accuracy ?? null,
          heldoutOutOfScopeRecall: v.heldout?.outOfScope.recall ?? null,
          tuneAccuracy: v.tune.accuracy,
          cpuUsPerClassification: v.cpuUsPerClassification,
          startupMs: v.startupMs,
          rssMb: v.rssMb,
          settings: v.calibration.settings,
        },
      ]),
    ),
    options,
    claude: noHeldout
      ? 'skipped: --no-heldout'
      : process.env.ANTHROPIC_API_KEY
        ? await evaluateClaude(rows)
        : 'skipped: ANTHROPIC_API_KEY not set',
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

async function evaluateClaude(rows) {
  const C = await import('@switchboard/classifier');
  const { cards } = await load();
  const [llmLayer, runtime, classify] = await Promise.all([
    import('@switchboard/llm'),
    import('@switchboard/runtime'),
    import(new URL('services/router/dist/classify/index.js', root).href),
  ]);
  const model = runtime.BaseEnv.parse(process.env).ANTHROPIC_MODEL;
  const metrics = runtime.createMetrics('eval', { processMetrics: false });
  const llm = llmLayer.createLlm({
    client: llmLayer.createAnthropicClient({
      apiKey: process.env.ANTHROPIC_API_KEY,
      baseURL: process.env.ANTHROPIC_BASE_URL || undefined,
      timeoutMs: 15000,
    }),
    model,
    timeoutMs: 15000,
    // The agents' policy, not the router's: an evaluation may wait for a retry-after.
    retry: runtime.RetryPolicies.llm,
    failureThreshold: 10,
    metrics,
  });
  const fallback = classify.createEmbeddedRouterClassifier();
  const claude = classify.createClaudeClassifier({ llm, fallback });
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
      outcomes[i] = { text: r.text, label: r.label, predicted: d.agent ?? C.noneLabel };
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const llmRequests = (await metrics.llmRequests.get()).values
    .filter((v) => v.value > 0)
    .map((v) => ({ ...v.labels, count: v.value }));
  return { model, heldout: summarize(C.computeMetrics(outcomes)), fallbacks, llmRequests };
}
