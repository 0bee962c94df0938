import { describe, expect, it } from 'vitest';
import { hrTools, useHrServer } from '../testing/hr-fixture.js';

// Wednesday 15 July 2026; the demo data is seeded relative to it.
const TODAY = '2026-07-15';
const hr = useHrServer();

describe('leave_balance', () => {
  it("returns the asker's vacation and sick balance", async () => {
    const t = await hrTools(hr, TODAY);
    const r = await t.executor.execute('leave_balance', {}, t.ctx('alice'));
    expect(r).toEqual({
      ok: true,
      tool: 'leave_balance',
      output: {
        employee: { id: 'alice', name: 'Alice Martin' },
        year: 2026,
        vacation: { entitlement: 23, taken: 5, booked: 0, remaining: 18 },
        sick: { entitlement: 10, taken: 1, booked: 0, remaining: 9 },
        carriedOverDays: 3,
      },
    });
  });

  it('counts carried-over days only in their year', async () => {
    const t = await hrTools(hr, TODAY);
    const r = await t.executor.execute('leave_balance', { year: 2027 }, t.ctx('alice'));
    expect(r.ok && r.output).toMatchObject({
      year: 2027,
      vacation: { entitlement: 20, remaining: 20 },
      carriedOverDays: 0,
    });
  });

  it("lets a manager see a direct report's balance (bob → alice)", async () => {
    const t = await hrTools(hr, TODAY);
    const r = await t.executor.execute('leave_balance', { employee: 'alice' }, t.ctx('bob'));
    expect(r.ok && r.output).toMatchObject({ employee: { id: 'alice' }, vacation: { remaining: 18 } });
    const byName = await t.executor.execute('leave_balance', { employee: 'Alice Martin' }, t.ctx('bob'));
    expect(byName.ok).toBe(true);
  });

  it("refuses anyone else's balance (alice → carol, alice → her manager bob)", async () => {
    const t = await hrTools(hr, TODAY);
    for (const employee of ['carol', 'bob']) {
      const r = await t.executor.execute('leave_balance', { employee }, t.ctx('alice'));
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('unauthorized');
        expect(r.error.details).toEqual({ reason: 'not_permitted', employee });
      }
    }
  });

  it('refuses unknown employees, unknown askers and anonymous askers', async () => {
    const t = await hrTools(hr, TODAY);
    const zoe = await t.executor.execute('leave_balance', { employee: 'zoe' }, t.ctx('alice'));
    expect(!zoe.ok && zoe.error).toMatchObject({
      code: 'invalid_request',
      details: { reason: 'unknown_employee' },
    });
    const zed = await t.executor.execute('leave_balance', {}, t.ctx('zed'));
    expect(!zed.ok && zed.error).toMatchObject({
      code: 'unauthorized',
      details: { reason: 'unknown_user', userId: 'zed' },
    });
    const anon = await t.executor.execute('leave_balance', {}, t.ctx(undefined));
    expect(!anon.ok && anon.error).toMatchObject({ code: 'unauthorized', details: { reason: 'no_user' } });
  });

  it('refuses input it does not know (a model cannot pass its own userId)', async () => {
    const t = await hrTools(hr, TODAY);
    const r = await t.executor.execute('leave_balance', { userId: 'carol' }, t.ctx('alice'));
    expect(!r.ok && r.error.code).toBe('invalid_request');
  });
});
