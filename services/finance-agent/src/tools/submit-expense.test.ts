import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createToolExecutor, type ToolExecutor } from '@switchboard/agent-kit';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FinanceStore } from '../store/finance-store.js';
import { clock, openTestStore, snapshot, toolContext } from '../testing/harness.js';
import { expenseIdFor, financeTools } from './index.js';

let server: NatsServer;
let nc: NatsConnection;
let store: FinanceStore;
let exec: ToolExecutor;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
});

beforeEach(async () => {
  store = await openTestStore(nc);
  exec = createToolExecutor({ agent: 'finance', tools: financeTools({ store, now: clock }) });
});

afterAll(async () => {
  await nc?.drain();
  await server?.stop();
});

const lunch = { amount: 42.5, currency: 'EUR', category: 'meals', date: '2026-11-14', receipt: true };
const committedQ4 = async (dept: 'engineering' | 'finance') =>
  (await store.getBudget(dept))?.years['2026']?.Q4.committed ?? Number.NaN;

describe('submit_expense', () => {
  it('records the expense in KV, commits it to the budget and emits an event', async () => {
    const before = await committedQ4('engineering');
    const ctx = toolContext('alice', 'task-lunch');
    const r = await exec.execute('submit_expense', lunch, ctx);
    const id = expenseIdFor('task-lunch', lunch);
    expect(r).toMatchObject({
      ok: true,
      output: {
        created: true,
        budgetUpdated: true,
        expense: {
          id,
          employee: 'alice',
          department: 'engineering',
          amountUsd: 45.9,
          status: 'submitted',
          taskId: 'task-lunch',
        },
      },
    });
    expect(await store.getExpense(id)).toMatchObject({ amount: 42.5, currency: 'EUR', category: 'meals' });
    expect(await committedQ4('engineering')).toBe(before + 45.9);
    expect(ctx.events).toEqual([
      expect.objectContaining({
        kind: 'expense_submitted',
        data: expect.objectContaining({ expenseId: id, amountUsd: 45.9 }),
      }),
    ]);
  });

  it('running the same task twice records one expense and commits it once', async () => {
    const before = await committedQ4('engineering');
    const first = await exec.execute('submit_expense', lunch, toolContext('alice', 'task-twice'));
    const second = await exec.execute('submit_expense', lunch, toolContext('alice', 'task-twice'));
    expect(first).toMatchObject({ ok: true, output: { created: true } });
    expect(second).toMatchObject({ ok: true, output: { created: false } });
    expect((await store.listExpenses('alice')).filter((e) => e.taskId === 'task-twice')).toHaveLength(1);
    expect(await committedQ4('engineering')).toBe(before + 45.9);
  });

  it('puts expenses above the approval threshold in pending_approval for the manager', async () => {
    const r = await exec.execute(
      'submit_expense',
      { amount: 640, category: 'lodging', date: '2026-11-10', receipt: true },
      toolContext('alice', 'task-hotel'),
    );
    expect(r).toMatchObject({
      ok: true,
      output: { approver: 'bob', expense: { status: 'pending_approval', currency: 'USD' } },
    });
  });

  it('takes a small expense without a receipt', async () => {
    const r = await exec.execute(
      'submit_expense',
      { amount: 12, currency: 'USD', category: 'taxi', date: '2026-11-15', receipt: false },
      toolContext('carol', 'task-small'),
    );
    expect(r).toMatchObject({
      ok: true,
      output: { expense: { department: 'finance', status: 'submitted' } },
    });
  });

  it.each([
    ['a negative amount', { ...lunch, amount: -50 }, 'invalid_request'],
    ['a zero amount', { ...lunch, amount: 0 }, 'invalid_request'],
    ['an absurd amount', { ...lunch, amount: 250_000, category: 'travel' }, 'invalid_request'],
    ['an unknown currency', { ...lunch, currency: 'MXN' }, 'invalid_request'],
    ['an unknown category', { ...lunch, category: 'gifts' }, 'invalid_request'],
    ['a future date', { ...lunch, date: '2026-11-16' }, 'invalid_request'],
    ['a date over 90 days ago', { ...lunch, date: '2026-08-01' }, 'invalid_request'],
    ['a malformed date', { ...lunch, date: '14/11/2026' }, 'invalid_request'],
    ['no receipt above 25 USD', { ...lunch, receipt: false }, 'invalid_request'],
    [
      'a category limit',
      { amount: 250, currency: 'USD', category: 'taxi', date: '2026-11-14', receipt: true },
      'invalid_request',
    ],
    ['another employee in the input', { ...lunch, employee: 'carol' }, 'invalid_request'],
  ])('refuses %s and changes nothing', async (_what, input, code) => {
    const before = await snapshot(store);
    const ctx = toolContext('alice', 'task-bad');
    const r = await exec.execute('submit_expense', input, ctx);
    expect(r).toMatchObject({ ok: false, error: { code } });
    expect(ctx.events).toEqual([]);
    expect(await snapshot(store)).toEqual(before);
  });

  it('explains the rule it applied', async () => {
    const limit = await exec.execute(
      'submit_expense',
      { amount: 250, currency: 'USD', category: 'taxi', date: '2026-11-14', receipt: true },
      toolContext('alice', 'task-limit'),
    );
    expect(!limit.ok && limit.error.message).toMatch(/taxi expense may be at most 200 USD/);
    const absurd = await exec.execute(
      'submit_expense',
      { ...lunch, amount: 20_000 },
      toolContext('alice', 'task-absurd'),
    );
    expect(!absurd.ok && absurd.error.message).toMatch(/more than the 10,000 USD/);
  });

  it('refuses unknown callers and changes nothing', async () => {
    const before = await snapshot(store);
    expect(await exec.execute('submit_expense', lunch, toolContext(undefined, 'task-anon'))).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    expect(await exec.execute('submit_expense', lunch, toolContext('mallory', 'task-anon'))).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    expect(await snapshot(store)).toEqual(before);
  });
});
