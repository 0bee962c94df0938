import { describe, expect, it } from 'vitest';
import { createHybridClassifier } from './hybrid.js';
import { detectParts, twoWaySplits } from './multi-intent.js';
import { createSemanticIndex } from './semantic.js';
import { finance, hr, itDesk, reject } from './test-cards.testing.js';

describe('semantic index', () => {
  it('scores by meaning: a question sharing no word with any example meets the right card', () => {
    const s = createSemanticIndex();
    s.update([hr, finance]);
    const r = s.score('what is my salary');
    expect(r.known).toBe(true);
    expect(r.scores[0]!).toBeGreaterThan(r.scores[1]!);
  });

  it('drops the reject examples that an agent claims, so a new IT agent takes IT questions', () => {
    const without = createSemanticIndex({ reject });
    without.update([hr, finance]);
    const withIt = createSemanticIndex({ reject });
    withIt.update([hr, finance, itDesk]);
    const q = 'my laptop does not turn on';
    expect(without.score(q).reject).toBeGreaterThan(Math.max(...without.score(q).scores));
    const r = withIt.score(q);
    expect(r.scores[2]!).toBeGreaterThan(r.reject);
  });

  it('knows nothing of text without a known word', () => {
    const s = createSemanticIndex();
    s.update([hr]);
    expect(s.score('zzqx vbnm').known).toBe(false);
  });
});

describe('hybrid classifier', () => {
  const c = createHybridClassifier({ reject });
  c.update([hr, finance]);

  it('routes in-domain questions and reports every part of the score', () => {
    const r = c.classify('how much notice must I give before quitting?');
    expect(r.agent).toBe('hr');
    expect(r.scores.hr).toBeGreaterThan(r.scores.finance!);
    expect(r.lexical.hr).toBeGreaterThanOrEqual(0);
    expect(r.semantic.hr).toBeGreaterThan(0);
    expect(c.classify('has the Acme invoice been paid yet').agent).toBe('finance');
  });

  it('answers clarify for out-of-scope, empty and other-language text', () => {
    expect(c.classify('tell me a funny joke').agent).toBeNull();
    expect(c.classify('🙂🙂').agent).toBeNull();
    expect(c.classify('combien de jours de congés me reste-t-il').agent).toBeNull();
  });

  it('answers clarify with no agents at all', () => {
    const empty = createHybridClassifier();
    empty.update([]);
    expect(empty.classify('book time off').agent).toBeNull();
  });
});

describe('multi-intent detection', () => {
  const c = createHybridClassifier({ reject });
  c.update([hr, finance]);
  const classify = (t: string) => c.classify(t);

  it('cuts at joining words and sentence ends, keeping parts of 3+ words', () => {
    expect(twoWaySplits('how many vacation days do I have and how much travel budget is left?')).toEqual([
      ['how many vacation days do I have', 'how much travel budget is left?'],
    ]);
    expect(twoWaySplits('book Monday and Tuesday off')).toEqual([]);
    expect(twoWaySplits('My payslip is wrong. Also, is the Acme invoice paid?')).toContainEqual([
      'My payslip is wrong',
      'is the Acme invoice paid?',
    ]);
  });

  it('finds two requests for two agents, in the order of the text', () => {
    const parts = detectParts(
      'how many vacation days do I have and how much travel budget is left?',
      classify,
    );
    expect(parts?.map((p) => [p.agent, p.text])).toEqual([
      ['hr', 'how many vacation days do I have'],
      ['finance', 'how much travel budget is left?'],
    ]);
  });

  it('leaves one request whole when both parts are for one agent, or one part fits nobody', () => {
    expect(
      detectParts('how many vacation days do I have and can I book time off next week', classify),
    ).toBeNull();
    expect(detectParts('what is my salary and tell me a funny joke please', classify)).toBeNull();
  });
});
