// The race the approvals author reported: alice cancels her waiting leave while bob approves it. The
// cancel writes the leave record, then withdraws the approval; bob's decision can land in between,
// so the withdrawal finds the approval decided and leaves it. The owner then applies "approved" to
// a leave that is cancelled: the leave stays cancelled (it is applied only to a request still
// waiting), and alice used to be told "approved". Now applying reports what it found, and the
// notices say what happened: it stays cancelled, and bob is told his approval did not apply.
import { Kvm } from '@nats-io/kv';
import {
  type ApprovalDesk,
  createApprovalDesk,
  createToolExecutor,
  decideApproval,
  markShown,
  settleApproval,
  type ToolContext,
} from '@switchboard/agent-kit';
import type { Session } from '@switchboard/contracts';
import { createSessionStore, type SessionStore } from '@switchboard/runtime';
import { describe, expect, it } from 'vitest';
import type { LeaveRequest } from '../domain/schemas.js';
import { type HrStore, openHrStore } from '../store.js';
import { testBucket, useHrServer } from '../testing/hr-fixture.js';
import { createHrTools } from '../tools/index.js';
import type { RequestLeaveOutput } from '../tools/request-leave.js';
import { applyLeaveApproval } from './apply.js';

const TODAY = '2026-07-15';
// 8 Sep – 23 Sep 2026: 12 working days, more than ten: waits for bob.
const LONG = { start: '2026-09-08', end: '2026-09-23', confirm: true };
const hr = useHrServer();
let n = 0;

/** The leave status each cancel found when its write won (what it cancelled). */
type Cancelled = LeaveRequest['status'][];

async function setup() {
  const store = await openHrStore(hr.nc, { today: () => TODAY, bucket: testBucket() });
  const approvalsKv = await new Kvm(hr.nc).create(`approvals_race_${process.pid}_${++n}`, { history: 1 });
  const sessions = createSessionStore(
    await new Kvm(hr.nc).create(`sessions_race_${process.pid}_${n}`, { history: 1 }),
  );
  const now = () => new Date(`${TODAY}T09:00:00.000Z`);
  const desk: ApprovalDesk = createApprovalDesk({
    agent: 'hr',
    kv: approvalsKv,
    log: hr.log,
    now,
    settings: { ttlMs: 86_400_000, sweepMs: 1000 },
  });
  // The tools write the leave through this store; `afterLeaveWrite` runs right after each write
  // (to put bob's decision between the cancel's two steps), `cancelled` records what a cancel hit.
  const hooks: { afterLeaveWrite?: () => Promise<void>; cancelled: Cancelled } = { cancelled: [] };
  const observed: HrStore = {
    ...store,
    async changeLeave(employeeId, change) {
      let seen: LeaveRequest['status'][] = [];
      const out = await store.changeLeave(employeeId, (record) => {
        const res = change(record);
        const before = new Map(record.requests.map((r) => [r.id, r.status]));
        seen = (res.next?.requests ?? [])
          .filter((r) => r.status === 'cancelled' && before.get(r.id) !== 'cancelled')
          .map((r) => before.get(r.id)!);
        return res;
      });
      hooks.cancelled.push(...seen);
      await hooks.afterLeaveWrite?.();
      return out;
    },
  };
  const tools = createHrTools({ store: observed, today: () => TODAY, now, approvals: desk });
  const executor = createToolExecutor({ agent: 'hr', tools });
  const ctx = (userId: string, sessionId: string): ToolContext => ({
    userId,
    sessionId,
    taskId: `task-${++n}`,
    log: hr.log,
    signal: new AbortController().signal,
    emit: () => undefined,
  });
  const run = async <T>(tool: string, input: Record<string, unknown>, c: ToolContext) => {
    const r = await executor.execute(tool, input, c);
    if (!r.ok) throw new Error(`${tool}: ${r.error.message}`);
    return r.output as T;
  };
  const session = (userId: string) => newSession(sessions, userId);
  const settle = (approvalId: string) =>
    settleApproval({ desk, sessions, apply: applyLeaveApproval(store) }, approvalId);
  return { store, desk, sessions, hooks, run, ctx, session, settle };
}

async function newSession(sessions: SessionStore, userId: string): Promise<string> {
  const sessionId = `race${++n}${'0'.repeat(20)}`;
  const at = new Date().toISOString();
  const s: Session = {
    sessionId,
    userId,
    agent: 'hr',
    status: 'open',
    createdAt: at,
    updatedAt: at,
    turns: [{ role: 'user', text: 'hello', at, taskId: `t${n}` }],
  };
  await sessions.create(s);
  return sessionId;
}

async function texts(sessions: SessionStore, sessionId: string): Promise<string[]> {
  const turns = (await sessions.get(sessionId))?.session.turns ?? [];
  return turns.filter((t) => t.role === 'agent').map((t) => t.text);
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Alice's long vacation, pending for bob, shown to bob in his session. */
async function pendingLeave(t: Setup) {
  const alice = await t.session('alice');
  const bob = await t.session('bob');
  const out = await t.run<RequestLeaveOutput>('request_leave', LONG, t.ctx('alice', alice));
  expect(out).toMatchObject({ status: 'pending_approval', approver: 'bob' });
  const requestId = String(out.requestId);
  expect(requestId).toMatch(/^LR-/);
  const { record } = (await t.desk.store.get(out.approvalId!))!;
  await markShown(t.desk, record.approvalId, bob, record.digest);
  const approve = () =>
    decideApproval(t.desk, {
      approvalId: record.approvalId,
      userId: 'bob',
      decision: 'approved',
      seenDigest: record.digest,
      taskId: `decide-${record.approvalId}`,
    });
  return { alice, bob, out: { ...out, requestId }, approvalId: record.approvalId, approve };
}

const leaveStatus = async (t: Setup, requestId: string) =>
  (await t.store.leave('alice')).requests.find((r) => r.id === requestId)?.status;

describe('a leave cancelled while its manager approves it', () => {
  it('stays cancelled, and alice and bob are told so, not "approved", when the decision lands between the cancel and the withdrawal', async () => {
    const t = await setup();
    const { alice, bob, out, approvalId, approve } = await pendingLeave(t);
    const vacationLeft = async () =>
      (await t.run<{ vacation: { remaining: number } }>('leave_balance', {}, t.ctx('alice', alice))).vacation
        .remaining;
    const held = await vacationLeft();
    t.hooks.afterLeaveWrite = async () => {
      t.hooks.afterLeaveWrite = undefined;
      expect((await approve()).outcome).toBe('decided');
    };
    const cancel = await t.run<{ status: string }>(
      'cancel_leave',
      { requestId: out.requestId },
      t.ctx('alice', alice),
    );
    expect(cancel.status).toBe('cancelled');
    expect(t.hooks.cancelled).toEqual(['pending_approval']);
    // The withdrawal came too late: the approval is decided, not withdrawn.
    expect((await t.desk.store.get(approvalId))?.record).toMatchObject({
      status: 'approved',
      applied: false,
    });

    await t.settle(approvalId);
    await t.settle(approvalId);
    expect(await leaveStatus(t, out.requestId)).toBe('cancelled');
    expect((await t.desk.store.get(approvalId))?.record).toMatchObject({
      status: 'approved',
      applied: true,
      effect: 'withdrawn',
    });
    const told = await texts(t.sessions, alice);
    expect(told.filter((x) => x.includes(approvalId) || x.includes(out.requestId))).toHaveLength(1);
    const notice = told.find((x) => x.startsWith(`Your leave request ${out.requestId}`));
    expect(notice).toMatch(/was approved by bob, but you had already cancelled it, so it stays cancelled\./);
    expect(told.some((x) => /was approved by bob\.$/.test(x))).toBe(false);
    expect(await texts(t.sessions, bob)).toEqual([
      expect.stringMatching(
        /^Alice \w+ cancelled their leave request LR-.* before your decision \(approved\) took effect/,
      ),
    ]);
    // Cancelling gave the 12 held days back; the late approval took none.
    expect(await vacationLeft()).toBe(held + 12);
  });

  it('whoever wins, the notice agrees with the leave: eight cancel-and-approve races', async () => {
    const t = await setup();
    const stories: string[] = [];
    for (let round = 0; round < 8; round++) {
      t.hooks.cancelled.length = 0;
      const { alice, out, approvalId, approve } = await pendingLeave(t);
      const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
      // Start delays (ms) of the cancel, the decision and the owner's settle: cancel first, all at
      // once, decision and settle first; which one wins each write is up to the server.
      const [c, d, a] = [
        [0, 10, 15],
        [0, 0, 0],
        [20, 0, 5],
        [5, 0, 0],
      ][round % 4]!;
      const [, decided] = await Promise.all([
        pause(c!).then(() => t.run('cancel_leave', { requestId: out.requestId }, t.ctx('alice', alice))),
        pause(d!).then(approve),
        pause(a!).then(() => t.settle(approvalId)),
      ]);
      await t.settle(approvalId);
      const record = (await t.desk.store.get(approvalId))!.record;
      const hit = t.hooks.cancelled[0];
      const notice = (await texts(t.sessions, alice)).find((x) => x.includes(out.requestId)) ?? '';
      expect(await leaveStatus(t, out.requestId)).toBe('cancelled');
      if (record.status === 'withdrawn') {
        // The withdrawal won: bob's decision was refused, nobody is told an outcome.
        expect(decided.outcome).toBe('closed');
        expect(notice).toBe('');
        stories.push('withdrawn first');
      } else if (hit === 'pending_approval') {
        // Cancelled while it waited: the approval never applied, and the notice says so.
        expect(record).toMatchObject({ status: 'approved', effect: 'withdrawn' });
        expect(notice).toMatch(/but you had already cancelled it, so it stays cancelled/);
        stories.push('decided, then cancel before apply');
      } else {
        // Applied first, then alice cancelled her approved leave: "approved" was true when told.
        expect(hit).toBe('approved');
        expect(record).toMatchObject({ status: 'approved', effect: 'applied' });
        expect(notice).toMatch(/was approved by bob\.$/);
        stories.push('applied, then cancelled');
      }
    }
    expect(stories).toHaveLength(8);
    process.stdout.write(`\ncancel-and-approve races: ${stories.join('; ')}\n`);
  });
});
