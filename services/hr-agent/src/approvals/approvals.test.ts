import { Kvm } from '@nats-io/kv';
import {
  type ApprovalDesk,
  approvalTools,
  createApprovalDesk,
  createToolExecutor,
  type DomainEvent,
  decideApproval,
  type ToolContext,
} from '@switchboard/agent-kit';
import { describe, expect, it } from 'vitest';
import { openHrStore } from '../store.js';
import { testBucket, useHrServer } from '../testing/hr-fixture.js';
import { createHrTools } from '../tools/index.js';
import type { RequestLeaveOutput } from '../tools/request-leave.js';
import { applyLeaveApproval } from './apply.js';

const TODAY = '2026-07-15';
const hr = useHrServer();
let n = 0;

/** HR's tools with an approvals desk over a bucket of their own. */
async function setup() {
  const store = await openHrStore(hr.nc, { today: () => TODAY, bucket: testBucket() });
  const kv = await new Kvm(hr.nc).create(`approvals_test_${process.pid}_${++n}`, { history: 1 });
  const now = () => new Date(`${TODAY}T09:00:00.000Z`);
  const desk: ApprovalDesk = createApprovalDesk({
    agent: 'hr',
    kv,
    log: hr.log,
    now,
    settings: { ttlMs: 86_400_000, sweepMs: 1000 },
  });
  const tools = [
    ...createHrTools({ store, today: () => TODAY, now, approvals: desk }),
    ...approvalTools(desk),
  ];
  const executor = createToolExecutor({ agent: 'hr', tools });
  const events: DomainEvent[] = [];
  const ctx = (userId: string, taskId = `task-${++n}`): ToolContext => ({
    userId,
    taskId,
    sessionId: `session-of-${userId}`,
    log: hr.log,
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
  });
  const run = async <T>(tool: string, input: Record<string, unknown>, c: ToolContext) => {
    const r = await executor.execute(tool, input, c);
    if (!r.ok) throw new Error(`${tool}: ${r.error.message}`);
    return r.output as T;
  };
  const remaining = async () =>
    (await run<{ vacation: { remaining: number } }>('leave_balance', {}, ctx('alice'))).vacation.remaining;
  return { store, desk, kv, run, ctx, remaining };
}

// 8 Sep – 23 Sep 2026: 12 working days (7 Sep is Labor Day).
const LONG = { start: '2026-09-08', end: '2026-09-23', confirm: true };

describe('leave that waits for approval', () => {
  it('keeps vacation over ten working days pending for the manager, holding its days; a rerun opens one approval', async () => {
    const t = await setup();
    const before = await t.remaining();
    const c = t.ctx('alice', 'task-long');
    const out = await t.run<RequestLeaveOutput>('request_leave', LONG, c);
    expect(out).toMatchObject({ status: 'pending_approval', approver: 'bob', workingDays: 12 });
    const again = await t.run<RequestLeaveOutput>('request_leave', LONG, c);
    expect(again).toMatchObject({
      status: 'pending_approval',
      approvalId: out.approvalId,
      alreadyBooked: true,
    });
    const all = await t.desk.store.list();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      kind: 'leave',
      owner: 'hr',
      requester: 'alice',
      approver: 'bob',
      status: 'pending',
      sessionId: 'session-of-alice',
    });
    expect(await t.remaining()).toBe(before - 12);
  });

  it('books ten working days, and leave a manager books for a report, at once', async () => {
    const t = await setup();
    const ten = await t.run<RequestLeaveOutput>(
      'request_leave',
      { start: '2026-10-05', end: '2026-10-16', confirm: true },
      t.ctx('alice'),
    );
    expect(ten).toMatchObject({ status: 'booked', workingDays: 10 });
    const u = await setup();
    const byBob = await u.run<RequestLeaveOutput>(
      'request_leave',
      { ...LONG, employee: 'alice' },
      u.ctx('bob'),
    );
    expect(byBob).toMatchObject({ status: 'booked', workingDays: 12 });
    expect([...(await t.desk.store.list()), ...(await u.desk.store.list())]).toEqual([]);
  });

  it('releases the days when the manager rejects; applying twice changes nothing more', async () => {
    const t = await setup();
    const before = await t.remaining();
    const out = await t.run<RequestLeaveOutput>('request_leave', LONG, t.ctx('alice'));
    const { record } = (await t.desk.store.get(out.approvalId!))!;
    const d = await decideApproval(t.desk, {
      approvalId: record.approvalId,
      userId: 'bob',
      decision: 'rejected',
      seenDigest: record.digest,
      taskId: 'd',
    });
    expect(d.outcome).toBe('decided');
    const apply = applyLeaveApproval(t.store);
    if (d.outcome === 'decided') {
      await apply(d.record);
      await apply(d.record);
    }
    const requests = (await t.store.leave('alice')).requests.filter((r) => r.id === out.requestId);
    expect(requests.map((r) => r.status)).toEqual(['rejected']);
    expect(await t.remaining()).toBe(before);
  });

  it('cancelling a waiting request withdraws its approval and gives the days back', async () => {
    const t = await setup();
    const before = await t.remaining();
    const out = await t.run<RequestLeaveOutput>('request_leave', LONG, t.ctx('alice'));
    await t.run('cancel_leave', { requestId: out.requestId }, t.ctx('alice'));
    expect((await t.desk.store.get(out.approvalId!))?.record).toMatchObject({
      status: 'withdrawn',
      applied: true,
    });
    expect(await t.remaining()).toBe(before);
    const listed = await t.run<{ requests: { state: string }[] }>(
      'list_leave',
      { includeCancelled: true },
      t.ctx('alice'),
    );
    expect(listed.requests.map((r) => r.state)).toContain('cancelled');
  });
});
