import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clock, openTestStore, quietLog, snapshot, uniqueBucket } from '../testing/harness.js';
import { createFinanceStore, openFinanceStore, seedFinanceData } from './finance-store.js';

let server: NatsServer;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
});

afterAll(async () => {
  await nc?.drain();
  await server?.stop();
});

describe('finance store', () => {
  it('seeds the demo data once: a second instance or a restart changes nothing', async () => {
    const bucket = uniqueBucket();
    const first = await openTestStore(nc, bucket);
    expect(await first.getEmployee('alice')).toMatchObject({ department: 'engineering', managerId: 'bob' });
    expect((await first.listExpenses('alice')).map((e) => e.id)).toEqual([
      'EXP-1003',
      'EXP-1002',
      'EXP-1001',
    ]);
    expect((await first.listInvoices()).length).toBe(5);
    const before = await snapshot(first);

    const later = () => new Date('2027-03-01T00:00:00Z');
    await openFinanceStore({ nc, log: quietLog(), now: later, bucket });
    expect(await seedFinanceData(first.kv, later())).toBe(0);
    expect(await snapshot(first)).toEqual(before);
  });

  it('two instances seeding at once create every key exactly once', async () => {
    const bucket = uniqueBucket();
    const [a, b] = await Promise.all([openTestStore(nc, bucket), openTestStore(nc, bucket)]);
    const snap = await snapshot(a);
    expect(Object.values(snap).every((rev) => rev > 0)).toBe(true);
    expect(await snapshot(b)).toEqual(snap);
    expect(Object.keys(snap)).toContain('budget.engineering');
  });

  it('commits to a budget with revision checks: concurrent writers all count, once each', async () => {
    const store = await openTestStore(nc);
    const other = createFinanceStore(store.kv);
    const before = (await store.getBudget('finance'))?.years['2026']?.Q4.committed ?? 0;
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? store : other).commitToBudget({
          department: 'finance',
          year: '2026',
          quarter: 'Q4',
          amountUsd: 10,
          expenseId: `EXP-T${i}`,
        }),
      ),
    );
    // the same expense again is not added twice
    await store.commitToBudget({
      department: 'finance',
      year: '2026',
      quarter: 'Q4',
      amountUsd: 10,
      expenseId: 'EXP-T0',
    });
    const after = await store.getBudget('finance');
    expect(after?.years['2026']?.Q4.committed).toBe(before + 60);
    expect(after?.applied).toHaveLength(6);
  });

  it('reports no budget period for a year it does not have', async () => {
    const store = await openTestStore(nc);
    const ok = await store.commitToBudget({
      department: 'finance',
      year: '2019',
      quarter: 'Q1',
      amountUsd: 10,
      expenseId: 'EXP-OLD1',
    });
    expect(ok).toBe(false);
  });

  it('finds and lists expenses while others are written, and finds nothing for an unknown id', async () => {
    const store = await openTestStore(nc);
    const seeded = (await store.listExpenses('alice')).map((e) => e.id);
    const template = (await store.getExpense('EXP-1001'))!;
    expect(template).toMatchObject({ id: 'EXP-1001', employee: 'alice' });
    const writes = Array.from({ length: 30 }, (_, i) =>
      store.recordExpense({ ...template, id: `EXP-W${i}`, employee: 'bob', taskId: `task-w${i}` }),
    );
    const reads = Array.from({ length: 10 }, () => store.listExpenses('alice'));
    const [, lists] = await Promise.all([Promise.all(writes), Promise.all(reads)]);
    for (const list of lists) expect(list.map((e) => e.id)).toEqual(seeded);
    expect((await store.listExpenses('bob')).filter((e) => e.id.startsWith('EXP-W'))).toHaveLength(30);
    expect((await store.getExpense('EXP-W7'))?.employee).toBe('bob');
    expect(await store.getExpense('EXP-NONE')).toBeNull();
    expect(await store.listExpenses('nobody')).toEqual([]);
  });

  it('refuses unsafe keys instead of querying with them', async () => {
    const store = await openTestStore(nc);
    expect(await store.getEmployee('alice@example.com')).toBeNull();
    expect(await store.getExpense('EXP-1001.>')).toBeNull();
    expect(await store.listExpenses('*')).toEqual([]);
    expect(clock().toISOString()).toBe('2026-11-15T10:00:00.000Z');
  });
});
