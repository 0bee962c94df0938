import { describe, expect, it } from 'vitest';
import { toolContext } from '../testing/harness.js';
import { useFinanceToolExecutor } from '../testing/tools-fixture.js';

const exec = useFinanceToolExecutor();

const run = (userId: string | undefined, input: unknown) =>
  exec.execute('budget_status', input, toolContext(userId, 't1'));

describe('budget_status', () => {
  it("gives the caller's own department by default, for the year and by quarter", async () => {
    const r = await run('alice', {});
    expect(r).toMatchObject({
      ok: true,
      output: {
        department: 'engineering',
        year: 2026,
        period: '2026',
        currentQuarter: 'Q4',
        figures: {
          allocated: 500_000,
          spent: 421_250,
          committed: 15_000,
          remaining: 63_750,
          overBudget: false,
        },
      },
    });
    if (!r.ok) return;
    const q4 = (r.output as { byQuarter: { quarter: string; remaining: number }[] }).byQuarter.find(
      (q) => q.quarter === 'Q4',
    );
    expect(q4?.remaining).toBe(52_500);
  });

  it('gives one quarter when asked', async () => {
    const r = await run('alice', { department: 'engineering', quarter: 'Q3' });
    expect(r).toMatchObject({
      ok: true,
      output: { period: 'Q3 2026', figures: { spent: 121_250, committed: 0 } },
    });
  });

  it('lets managers and finance staff see any department', async () => {
    expect(await run('bob', { department: 'marketing', quarter: 'Q4' })).toMatchObject({
      ok: true,
      output: {
        figures: { allocated: 60_000, spent: 48_600, committed: 16_200, remaining: -4_800, overBudget: true },
      },
    });
    expect(await run('carol', { department: 'engineering' })).toMatchObject({ ok: true });
  });

  it("refuses another department's budget to an employee", async () => {
    const r = await run('alice', { department: 'marketing' });
    expect(r).toMatchObject({ ok: false, error: { code: 'unauthorized', details: { reason: 'forbidden' } } });
  });

  it('refuses unknown departments, unknown users and years without a budget', async () => {
    expect(await run('alice', { department: 'sales' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    expect(await run(undefined, {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await run('mallory', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await run('alice', { year: 2019 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', details: { reason: 'not_found' } },
    });
  });
});
