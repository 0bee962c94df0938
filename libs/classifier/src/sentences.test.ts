import { describe, expect, it } from 'vitest';
import type { RouteCandidate } from './embedded.js';
import { createHybridClassifier } from './hybrid.js';
import { sentences, sentenceWeights } from './sentences.js';

describe('sentences', () => {
  it('leaves a one-sentence message whole', () => {
    expect(sentences('how many vacation days do I have left?')).toEqual([]);
  });

  it('marks the sentence that asks, by its question mark or its opening, and the context', () => {
    expect(sentences("I'm at a conference in Oslo next month. What is the hotel limit there?")).toEqual([
      { text: "I'm at a conference in Oslo next month", asks: false },
      { text: 'What is the hotel limit there', asks: true },
    ]);
    expect(sentences('My team grew last year. Please book the offsite.')).toEqual([
      { text: 'My team grew last year', asks: false },
      { text: 'Please book the offsite', asks: true },
    ]);
  });

  it('weighs context sentences only when some sentence asks', () => {
    const asking = sentences('We moved offices. Where do I send invoices?');
    expect(sentenceWeights(asking, 0.25)).toEqual([0.25, 1]);
    const statements = sentences('We moved offices. The invoices are late.');
    expect(sentenceWeights(statements, 0.25)).toEqual([1, 1]);
  });
});

// Small cards written for this test: the context sentence is about leave (HR), the question about
// a budget (Finance).
const hr: RouteCandidate = {
  name: 'hr',
  description: 'Human resources: leave and vacation, hiring, payslips.',
  intents: ['leave', 'hiring'],
  examples: [
    'how many vacation days do I have?',
    'we are hiring four engineers and two designers next quarter',
    'book time off',
  ],
};
const finance: RouteCandidate = {
  name: 'finance',
  description: 'Finance: department budgets, expenses, invoices.',
  intents: ['budget', 'expenses'],
  examples: ['how much budget is left for engineering?', 'submit a taxi expense', 'is the invoice paid?'],
};

describe('the hybrid classifier on a message with context', () => {
  const text = 'We are hiring four engineers and two designers next quarter. How much budget is left?';
  const scores = (context: number) => {
    const clf = createHybridClassifier({ context, settings: { threshold: 0.05, margin: -1 } });
    clf.update([hr, finance]);
    return clf.classify(text).scores;
  };

  it('does not let the context sentence raise the score of the agent it is about', () => {
    const ignored = scores(0);
    const counted = scores(1);
    // Counted fully, the context sentence (an HR card example word for word) makes HR win.
    expect(counted.hr!).toBeGreaterThan(counted.finance!);
    expect(ignored.hr!).toBeLessThan(counted.hr!);
    expect(ignored.finance!).toBeCloseTo(counted.finance!, 10);
  });

  it('rejects a context weight outside [0, 1] with a RangeError', () => {
    expect(() => createHybridClassifier({ context: 1.5 })).toThrow(RangeError);
    expect(() => createHybridClassifier({ context: Number.NaN })).toThrow(RangeError);
  });
});
