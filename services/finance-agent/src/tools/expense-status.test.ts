import { describe, expect, it } from 'vitest';
import { toolContext } from '../testing/harness.js';
import { useFinanceToolExecutor } from '../testing/tools-fixture.js';

const exec = useFinanceToolExecutor();

const status = (userId: string, expenseId: string) =>
  exec.execute('expense_status', { expenseId }, toolContext(userId, 't1'));

describe('expense_status', () => {
  it('shows an employee their own expense', async () => {
    expect(await status('alice', 'EXP-1002')).toMatchObject({
      ok: true,
      output: { expense: { id: 'EXP-1002', employee: 'alice', status: 'approved', currency: 'EUR' } },
    });
    expect(await status('alice', 'exp-1003')).toMatchObject({
      ok: true,
      output: { expense: { status: 'pending_approval' }, approver: 'bob' },
    });
  });

  it("shows a manager their reports' expenses", async () => {
    expect(await status('bob', 'EXP-1002')).toMatchObject({
      ok: true,
      output: { expense: { employee: 'alice' } },
    });
    expect(await status('bob', 'EXP-1007')).toMatchObject({
      ok: true,
      output: { expense: { employee: 'grace' } },
    });
  });

  it("refuses someone else's expense", async () => {
    expect(await status('alice', 'EXP-1005')).toMatchObject({
      ok: false,
      error: { code: 'unauthorized', details: { reason: 'forbidden' } },
    });
    expect(await status('carol', 'EXP-1002')).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await status('alice', 'EXP-1006')).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('says when there is no such expense, and refuses malformed ids', async () => {
    expect(await status('alice', 'EXP-9999')).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', details: { reason: 'not_found' } },
    });
    expect(await status('alice', 'EXP-1001.>')).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    expect(await status('alice', 'carol')).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });
});
