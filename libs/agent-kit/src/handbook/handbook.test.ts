import { createLogger } from '@switchboard/runtime';
import { describe, expect, it } from 'vitest';
import { createToolExecutor } from '../tools/executor.js';
import { createHandbookSearch } from './search.js';
import { type HandbookLookupOutput, handbookAnswer, handbookTool } from './tool.js';
import type { HandbookEntry } from './types.js';

const entry = (
  id: string,
  title: string,
  questions: string[],
  keywords: string[],
  summary: string,
): HandbookEntry => ({
  id,
  title,
  questions,
  keywords,
  summary,
  body: `# ${title}\n- ${summary}`,
  contact: `${id}@switchboard.example`,
});

const handbook: HandbookEntry[] = [
  entry(
    'notice-periods',
    'Notice periods and resigning',
    ['how much notice do I have to give?', 'what happens when I hand in my resignation?'],
    ['notice', 'resign', 'resignation', 'quit'],
    'Give one month of notice in writing; two months after five years.',
  ),
  entry(
    'health-insurance',
    'Health and dental insurance',
    ['what does the medical plan cover?', 'is my family covered by the health plan?'],
    ['health', 'dental', 'medical', 'insurance'],
    'Medical and dental cover from the first day, family included.',
  ),
  entry(
    'petty-cash',
    'Petty cash',
    ['who holds the petty cash box?', 'how do I get cash for small office purchases?'],
    ['petty cash', 'cash box', 'float'],
    'Each office keeps a float of 200 USD for purchases under 50 USD, with a receipt.',
  ),
];

describe('handbook search', () => {
  const search = createHandbookSearch(handbook);

  it.each([
    ['can I quit without serving my full notice?', 'notice-periods'],
    ['I want to leave the company, how long must I stay?', 'notice-periods'],
    ['does the company pay for my teeth cleaning?', 'health-insurance'],
    ['is my husband covered by the medical plan', 'health-insurance'],
    ['petty cash?', 'petty-cash'],
  ])('ranks first: %s → %s', (q, id) => {
    expect(search.search(q)[0]?.entry.id).toBe(id);
  });

  // Paraphrases far from every word of the entry ("teeth cleaning" for dental cover) rank right but
  // may fall below the answer threshold with word vectors; these clear it.
  it.each([
    ['can I quit without serving my full notice?', 'notice-periods'],
    ['is my husband covered by the medical plan', 'health-insurance'],
    ['petty cash?', 'petty-cash'],
  ])('answers: %s → %s', (q, id) => {
    const [top] = search.search(q);
    expect(top?.entry.id).toBe(id);
    expect(top!.score).toBeGreaterThanOrEqual(search.settings.answerAt);
  });

  it('scores an unrelated question below the answer threshold', () => {
    for (const q of ['what is the capital of peru?', 'my printer is jammed again']) {
      expect(search.search(q)[0]!.score, q).toBeLessThan(search.settings.answerAt);
    }
  });

  it('returns at most the limit, best first', () => {
    const r = search.search('notice', 2);
    expect(r).toHaveLength(2);
    expect(r[0]!.score).toBeGreaterThanOrEqual(r[1]!.score);
  });
});

describe('handbook_lookup tool and answers', () => {
  const executor = createToolExecutor({
    agent: 'test',
    tools: [
      handbookTool({ label: 'test', entries: handbook, contact: 'the helpdesk (help@switchboard.example)' }),
    ],
  });
  const ctx = {
    taskId: 't',
    log: createLogger({ service: 't', level: 'silent' }),
    signal: new AbortController().signal,
    emit() {},
  };
  const lookup = async (question: string) => {
    const r = await executor.execute('handbook_lookup', { question }, ctx);
    if (!r.ok) throw new Error(r.error.message);
    return r.output as HandbookLookupOutput;
  };

  it('answers from the best policy, citing its id and contact', async () => {
    const out = await lookup('how much notice must I give when I resign?');
    expect(out.answered).toBe(true);
    expect(out.matches[0]).toMatchObject({
      id: 'notice-periods',
      contact: 'notice-periods@switchboard.example',
    });
    const a = handbookAnswer('test', out);
    expect(a.policy).toBe('notice-periods');
    expect(a.text).toMatch(/^Notice periods and resigning — Give one month of notice/);
    expect(a.text).toContain(
      'Source: test handbook, policy [notice-periods]. Questions: notice-periods@switchboard.example.',
    );
  });

  it('says so and names the contact when nothing fits', async () => {
    const out = await lookup('what is the capital of peru?');
    expect(out.answered).toBe(false);
    const a = handbookAnswer('test', out);
    expect(a.policy).toBeUndefined();
    expect(a.text).toContain("I couldn't find anything in the test handbook that answers this");
    expect(a.text).toContain('Please contact the helpdesk (help@switchboard.example).');
    expect(a.text).toContain('Notice periods and resigning; Health and dental insurance; Petty cash');
  });

  it('refuses an empty or oversized question with invalid_request', async () => {
    for (const question of [' ', 'x'.repeat(501)]) {
      const r = await executor.execute('handbook_lookup', { question }, ctx);
      expect(!r.ok && r.error.code).toBe('invalid_request');
    }
  });
});
