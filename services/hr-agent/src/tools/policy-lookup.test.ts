import { createToolExecutor } from '@switchboard/agent-kit';
import { createLogger } from '@switchboard/runtime';
import { describe, expect, it } from 'vitest';
import { outputOf } from '../testing/hr-fixture.js';
import type { PolicyLookupOutput } from './policy-lookup.js';
import { policyLookupTool } from './policy-lookup.js';

const executor = createToolExecutor({ agent: 'hr', tools: [policyLookupTool()] });
const ctx = {
  taskId: 't',
  log: createLogger({ service: 't', level: 'silent' }),
  signal: new AbortController().signal,
  emit() {},
};
const top = async (query: string) =>
  outputOf<PolicyLookupOutput>(await executor.execute('policy_lookup', { query }, ctx)).matches[0]?.id;

describe('policy_lookup', () => {
  it.each([
    ['what is the parental leave policy?', 'parental-leave'],
    ['is there paternity leave for new fathers?', 'parental-leave'],
    ['how many weeks of maternity leave do we get?', 'parental-leave'],
    ['what is the bereavement leave policy?', 'bereavement'],
    ['how much time off do I get if a relative dies?', 'bereavement'],
    ['can I work remotely from another country?', 'remote-work'],
    ['how many days a week can I work from home?', 'remote-work'],
    ['do I need a doctor note for sick leave?', 'sick-leave'],
    ['do unused vacation days roll over?', 'vacation'],
    ['vacation carry-over', 'vacation'],
    ['what is the policy on unpaid leave?', 'unpaid-leave'],
    ['I got a jury duty summons', 'jury-duty'],
  ])('%s → %s', async (query, id) => {
    expect(await top(query)).toBe(id);
  });

  it('returns no match for unrelated questions, with the list of topics', async () => {
    const r = await executor.execute('policy_lookup', { query: 'quantum chromodynamics' }, ctx);
    const o = outputOf<PolicyLookupOutput>(r);
    expect(o.matches).toEqual([]);
    expect(o.topics).toContain('Parental leave (maternity, paternity, adoption)');
  });

  it('refuses an empty query', async () => {
    const r = await executor.execute('policy_lookup', { query: ' ' }, ctx);
    expect(!r.ok && r.error.code).toBe('invalid_request');
  });
});
