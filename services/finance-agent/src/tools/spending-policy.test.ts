import { createToolExecutor } from '@switchboard/agent-kit';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FinanceStore } from '../store/finance-store.js';
import { clock, toolContext } from '../testing/harness.js';
import { FinanceToolNames, financeTools } from './index.js';

// The policy tool reads the embedded corpus only; no store is touched.
const tools = financeTools({ store: {} as FinanceStore, now: clock });
const exec = createToolExecutor({ agent: 'finance', tools });
const ask = async (question: string) => {
  const r = await exec.execute('spending_policy', { question }, toolContext(undefined, 't1'));
  if (!r.ok) throw new Error(r.error.message);
  return r.output as { matches: { id: string; text: string }[]; topics: unknown[] };
};

describe('spending_policy', () => {
  it.each([
    ['what is the hotel limit per night?', 'hotel', /250 USD per night/],
    ['what is the per diem for travel?', 'per_diem', /75 USD per day/],
    ['how much is the daily meal allowance on a business trip?', 'per_diem', /per diem/],
    ['how do I get reimbursed for a taxi?', 'taxi', /category taxi/],
    ['can I take an uber to the airport?', 'taxi', /Uber/],
    ['what is the approval threshold for purchases?', 'approvals', /500 USD/],
    ['who needs to approve a 5000 dollar purchase?', 'approvals', /purchase order/],
    ['do I need a receipt for every expense?', 'receipts', /above 25 USD/],
    ['what is the expense submission deadline?', 'deadline', /90 days/],
    ['can I fly business class?', 'flights', /Business class/],
    ['what is the spending policy for client entertainment?', 'meals', /100 USD per person/],
    ['can I expense a home office chair?', 'home_office', /300 USD per calendar year/],
    ['what can I claim on expenses?', 'claimable', /taxi 200 USD/],
  ])('%s → %s', async (question, id, text) => {
    const out = await ask(question);
    expect(out.matches[0]?.id).toBe(id);
    expect(out.matches[0]?.text).toMatch(text);
  });

  it('takes a topic, and lists the topics when nothing matches', async () => {
    const r = await exec.execute('spending_policy', { topic: 'receipts' }, toolContext(undefined, 't1'));
    expect(r).toMatchObject({ ok: true, output: { matches: [{ id: 'receipts' }] } });
    const none = await ask('what is the airspeed velocity of an unladen swallow');
    expect(none.matches).toEqual([]);
    expect(none.topics.length).toBeGreaterThan(10);
    expect(
      await exec.execute('spending_policy', { topic: 'gifts' }, toolContext(undefined, 't1')),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
  });
});

describe('the Finance tool list', () => {
  it('has the six tools, each with an input schema an LLM can be given', () => {
    expect(tools.map((t) => t.name).sort()).toEqual(Object.values(FinanceToolNames).sort());
    for (const tool of tools) {
      const schema = z.toJSONSchema(tool.input, { io: 'input' }) as {
        type?: string;
        additionalProperties?: unknown;
      };
      expect(schema.type).toBe('object');
      expect(schema.additionalProperties).toBe(false);
      expect(tool.description.length).toBeGreaterThan(40);
    }
  });
});
