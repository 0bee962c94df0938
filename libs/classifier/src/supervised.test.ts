import { describe, expect, it } from 'vitest';
import { createHybridClassifier } from './hybrid.js';
import {
  type LabelledText,
  rowsPerStep,
  type SupervisedRow,
  sparseFeatures,
  trainingSteps,
  trainSupervised,
} from './supervised.js';
import { finance, hr, itDesk, reject } from './test-cards.testing.js';

// The shared small cards (test-cards.testing.ts): the tests check the mechanism (the real cards and
// the data set are measured by eval.test.ts and `npm run eval:routing`).

/** Month-end close questions: the cards above name nothing of the kind. */
const closeQuestions: LabelledText[] = [
  { text: 'when do the books close for march?', label: 'finance' },
  { text: 'what is the month-end close deadline?', label: 'finance' },
  { text: 'is the ledger closed for the quarter yet?', label: 'finance' },
  { text: 'when does year-end closing start?', label: 'finance' },
  { text: 'deadline for accruals this month', label: 'finance' },
  { text: 'who signs off the quarterly close?', label: 'finance' },
];

describe('sparseFeatures', () => {
  it('is deterministic, of unit norm, with the bias feature every text has', () => {
    const a = sparseFeatures('When is payday?');
    const b = sparseFeatures('When is payday?');
    expect([...a.idx]).toEqual([...b.idx]);
    expect(new Set(a.idx).size).toBe(a.idx.length);
    expect(a.value * a.value * a.idx.length).toBeCloseTo(1, 10);
    const bias = sparseFeatures('').idx;
    expect(bias.length).toBe(1);
    expect([...a.idx]).toContain(bias[0]);
  });

  it('lets a misspelt word share most of its character n-grams with the right spelling', () => {
    const right = new Set(sparseFeatures('reimbursement').idx);
    const typo = sparseFeatures('reimbursment').idx;
    const shared = [...typo].filter((i) => right.has(i)).length;
    expect(shared / typo.length).toBeGreaterThan(0.5);
    const other = sparseFeatures('vacation').idx;
    expect([...other].filter((i) => right.has(i)).length).toBeLessThanOrEqual(1);
  });
});

describe('trainSupervised', () => {
  const labels = ['a', 'b', 'none'];
  const row = (
    text: string,
    scores: [number, number][] = [
      [0, 0],
      [0, 0],
      [0, 0],
    ],
  ): SupervisedRow => ({
    sparse: sparseFeatures(text),
    dense: (k) => scores[k]!,
  });
  const rows = [
    { ...row('apples and pears'), label: 0 },
    { ...row('ripe apples'), label: 0 },
    { ...row('bolts and nuts'), label: 1 },
    { ...row('steel bolts'), label: 1 },
    { ...row('the weather today'), label: 2 },
    { ...row('weather tomorrow'), label: 2 },
  ];

  it('learns the labels of its rows, with probabilities that sum to 1', () => {
    const model = trainSupervised(labels, rows);
    expect(model.labels).toEqual(labels);
    for (const [text, want] of [
      ['green apples', 0],
      ['bolts for the shelf', 1],
      ['weather this weekend', 2],
    ] as const) {
      const p = model.probabilities(row(text));
      expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 10);
      expect(p.indexOf(Math.max(...p)), text).toBe(want);
    }
  });

  it('averages the probabilities of an ensemble of models trained with consecutive seeds', () => {
    const q = row('apples and bolts');
    const pair = trainSupervised(labels, rows, { ensemble: 2, seed: 7 }).probabilities(q);
    const a = trainSupervised(labels, rows, { ensemble: 1, seed: 7 }).probabilities(q);
    const b = trainSupervised(labels, rows, { ensemble: 1, seed: 8 }).probabilities(q);
    for (let k = 0; k < labels.length; k++) expect(pair[k]).toBeCloseTo((a[k]! + b[k]!) / 2, 12);
    // Different seeds, different members: the average is not one of them.
    expect([...a]).not.toEqual([...b]);
    expect(() => trainSupervised(labels, rows, { ensemble: 0 })).toThrow(RangeError);
  });

  it('gives the same model for the same rows (a seeded shuffle, zero start)', () => {
    const p1 = trainSupervised(labels, rows).probabilities(row('apples and bolts'));
    const p2 = trainSupervised(labels, rows).probabilities(row('apples and bolts'));
    expect([...p1]).toEqual([...p2]);
  });

  it("learns one weighting of the agents' own scores, shared by every agent", () => {
    // Training rows where the right agent always has the higher own score, the text saying nothing.
    const scored = (k: 0 | 1, label: number) => {
      const s: [number, number][] = [
        [0.1, 0.1],
        [0.1, 0.1],
        [0.2, 0.2],
      ];
      s[k] = [0.9, 0.9];
      return { ...row(''), dense: (i: number) => s[i]!, label };
    };
    const model = trainSupervised(labels, [scored(0, 0), scored(1, 1), scored(0, 0), scored(1, 1)]);
    const p = model.probabilities({
      ...row(''),
      dense: (k) =>
        (
          [
            [0.1, 0.1],
            [0.8, 0.8],
            [0.2, 0.2],
          ] as const
        )[k]!,
    });
    expect(p[1]).toBeGreaterThan(p[0]!);
  });
});

describe('the hybrid classifier with a supervised model', () => {
  it('routes what only the labelled utterances teach, which the cards alone do not', () => {
    const question = 'when do the books close for june?';
    const cardsOnly = createHybridClassifier({ reject });
    cardsOnly.update([hr, finance]);
    expect(cardsOnly.classify(question).agent).not.toBe('finance');
    const trained = createHybridClassifier({ reject, training: closeQuestions });
    trained.update([hr, finance]);
    const r = trained.classify(question);
    expect(r.agent).toBe('finance');
    expect(Object.keys(r.probabilities!)).toEqual(['hr', 'finance', 'none']);
    expect(Object.values(r.probabilities!).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 10);
    expect(r.score).toBe(r.probabilities!.finance);
    // The cards still count: their own topics stay with their agents.
    expect(trained.classify('how many vacation days are left?').agent).toBe('hr');
    expect(trained.classify('submit my taxi expense').agent).toBe('finance');
  });

  it('answers clarify (agent null) when out of scope is the most probable label', () => {
    const training: LabelledText[] = [
      ...closeQuestions,
      { text: 'what is the tallest mountain in the world?', label: 'none' },
      { text: 'who won the football last night?', label: 'none' },
      { text: 'recommend a good film for tonight', label: 'none' },
      { text: 'what is the capital of Peru?', label: 'none' },
    ];
    const clf = createHybridClassifier({ reject, training });
    clf.update([hr, finance]);
    const r = clf.classify('what is the capital of Spain?');
    expect(r.agent).toBeNull();
    expect(r.probabilities!.none).toBeGreaterThan(Math.max(r.probabilities!.hr!, r.probabilities!.finance!));
    // Not scored at all: the gate's clarify stands, with no probabilities.
    expect(clf.classify('¿cuántos días de vacaciones me quedan?')).toMatchObject({ agent: null, score: 0 });
    expect(clf.classify('').probabilities).toBeUndefined();
  });

  it("leaves out the data's out-of-scope rows when an agent they were not labelled for joins", () => {
    // Labelled for a system of hr and finance: a monitor question was out of scope there.
    const training: LabelledText[] = [
      ...closeQuestions,
      { text: 'my monitor keeps flickering', label: 'none' },
      { text: 'second monitor is not detected', label: 'none' },
      { text: 'the monitor on my desk is dead', label: 'none' },
      { text: 'laptop screen flickers', label: 'none' },
    ];
    const clf = createHybridClassifier({ reject, training });
    clf.update([hr, finance, itDesk]);
    expect(clf.classify('my monitor keeps flickering again').agent).toBe('it');
    expect(Object.keys(clf.classify('my monitor is dead').probabilities!)).toEqual([
      'hr',
      'finance',
      'it',
      'none',
    ]);
    // Rows for an agent that is not among the candidates are left out, not mislabelled.
    const financeOnly = createHybridClassifier({
      reject,
      training: [...closeQuestions, { text: 'book leave', label: 'hr' }],
    });
    financeOnly.update([finance]);
    expect(financeOnly.classify('when do the books close for june?').agent).toBe('finance');
  });

  // Enough rows that training takes many slices.
  const many = Array.from({ length: 1500 }, (_, i) => ({
    text: `${closeQuestions[i % closeQuestions.length]!.text} ${i}`,
    label: 'finance',
  }));

  it('trains in slices after a deferred update: the hand-set rule decides until the model is ready', async () => {
    const question = 'when do the books close for june?';
    const clf = createHybridClassifier({ reject, training: many });
    clf.update([hr, finance], { deferTraining: true });
    const before = clf.classify(question);
    expect(before.probabilities).toBeUndefined();
    expect(before.agent).not.toBe('finance');
    // Other work runs while it trains: count the turns of the event loop it lets through.
    let turns = 0;
    let training = true;
    const tick = () => {
      turns++;
      if (training) setImmediate(tick);
    };
    setImmediate(tick);
    await clf.trained();
    training = false;
    expect(turns).toBeGreaterThan(5);
    const after = clf.classify(question);
    expect(after.agent).toBe('finance');
    // The same model as a training done at once.
    const direct = createHybridClassifier({ reject, training: many });
    direct.update([hr, finance]);
    expect(after.probabilities).toEqual(direct.classify(question).probabilities);
    await expect(clf.trained()).resolves.toBeUndefined();
  });

  it('yields every few rows while it trains, across epochs, also for a small training set', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({
      sparse: sparseFeatures(`row ${i}`),
      dense: () => [0, 0] as const,
      label: i % 2,
    }));
    const count = (ensemble: number) => {
      const steps = trainingSteps(['a', 'none'], rows, { epochs: 8, ensemble });
      let yields = 0;
      while (!steps.next().done) yields++;
      return yields;
    };
    // 80 row updates: a yield every rowsPerStep of them, the count running on between epochs.
    expect(count(1)).toBe(Math.floor((8 * rows.length) / rowsPerStep));
    expect(count(1)).toBeGreaterThan(0);
    // An ensemble trains each member the same way.
    expect(count(3)).toBe(3 * count(1));
  });

  it('abandons a deferred training when the cards change, and every caller waits for the new model', async () => {
    const clf = createHybridClassifier({ reject, training: many });
    clf.update([hr, finance], { deferTraining: true });
    const first = clf.trained();
    // Let the first training run a slice or two, then change the cards under it.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(clf.classify('my monitor is flickering').probabilities).toBeUndefined();
    clf.update([hr, finance, itDesk], { deferTraining: true });
    await first;
    // The first caller's promise resolved with the new cards' model in place, not the old one's.
    expect(Object.keys(clf.classify('my monitor is flickering').probabilities!)).toEqual([
      'hr',
      'finance',
      'it',
      'none',
    ]);
  });

  it('stops a deferred training on dispose, and reports a training that fails', async () => {
    const disposed = createHybridClassifier({ reject, training: many });
    disposed.update([hr, finance], { deferTraining: true });
    const run = disposed.trained();
    disposed.dispose();
    await run;
    expect(disposed.classify('when do the books close for june?').probabilities).toBeUndefined();

    const failing = createHybridClassifier({ reject, training: closeQuestions, supervised: { bits: 40 } });
    failing.update([hr, finance], { deferTraining: true });
    await expect(failing.trained()).rejects.toThrow(/bits must be an integer/);
    // The hand-set rule keeps deciding; nothing is left pending.
    expect(failing.classify('submit my taxi expense')).toMatchObject({ agent: 'finance' });
    expect(failing.classify('submit my taxi expense').probabilities).toBeUndefined();
    await expect(failing.trained()).resolves.toBeUndefined();
    expect(() =>
      createHybridClassifier({ reject, training: closeQuestions, supervised: { bits: 40 } }).update([hr]),
    ).toThrow(RangeError);
  });

  it('is deterministic: two classifiers from the same cards and rows agree exactly', () => {
    const a = createHybridClassifier({ reject, training: closeQuestions });
    const b = createHybridClassifier({ reject, training: closeQuestions });
    a.update([hr, finance]);
    b.update([hr, finance]);
    for (const q of ['when do the books close?', 'my payslip is late', 'tell me a joke']) {
      expect(a.classify(q).probabilities).toEqual(b.classify(q).probabilities);
    }
  });
});
