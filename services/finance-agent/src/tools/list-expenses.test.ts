import { describe, expect, it } from 'vitest';
import { toolContext } from '../testing/harness.js';
import { useFinanceToolExecutor } from '../testing/tools-fixture.js';

const exec = useFinanceToolExecutor();

const list = (userId: string, input: unknown = {}) =>
  exec.execute('list_expenses', input, toolContext(userId, 't1'));
const ids = (r: Awaited<ReturnType<typeof list>>) =>
  r.ok ? (r.output as { expenses: { id: string }[] }).expenses.map((e) => e.id) : r.error.code;

describe('list_expenses', () => {
  it("lists the caller's own expenses, newest first, with a USD total", async () => {
    const r = await list('alice');
    expect(ids(r)).toEqual(['EXP-1003', 'EXP-1002', 'EXP-1001']);
    expect(r).toMatchObject({ ok: true, output: { employee: 'alice', count: 3, totalUsd: 741.44 } });
  });

  it('filters by status and date', async () => {
    expect(ids(await list('alice', { status: ['submitted', 'pending_approval'] }))).toEqual(['EXP-1003']);
    expect(ids(await list('alice', { since: '2026-11-10' }))).toEqual(['EXP-1003', 'EXP-1002']);
  });

  it("lets a manager list their report's expenses (bob asks for alice's)", async () => {
    expect(ids(await list('bob', { employee: 'alice' }))).toEqual(['EXP-1003', 'EXP-1002', 'EXP-1001']);
  });

  it("refuses another employee's expenses without permission (alice asks for carol's)", async () => {
    expect(await list('alice', { employee: 'carol' })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized', details: { reason: 'forbidden' } },
    });
    expect(await list('grace', { employee: 'alice' })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    expect(await list('alice', { employee: 'bob' })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
  });

  it('refuses unknown employees and bad filters', async () => {
    expect(await list('bob', { employee: 'zed' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', details: { reason: 'not_found' } },
    });
    expect(await list('alice', { status: ['lost'] })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
  });
});
