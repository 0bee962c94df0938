// Approval that waits, end to end with the real services: alice's over-limit expense and long
// vacation wait for bob; carol and alice cannot decide them; bob lists them, approves one, rejects
// the other; the owners (Finance, HR) apply the decisions and alice's sessions are told.
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { useStack } from '../e2e/harness.js';
import {
  aliceExpense,
  aliceLeave,
  applied,
  approval,
  noticeIn,
  requestLongLeave,
  sample,
  submitBigExpense,
  Talk,
} from './approval-support.js';

const stack = useStack(['router', 'hr-agent', 'finance-agent']);
let nc: NatsConnection;

beforeAll(async () => {
  nc = await stack.current.connect();
});

describe('approval that waits', () => {
  let expense: Awaited<ReturnType<typeof submitBigExpense>>;
  let leave: Awaited<ReturnType<typeof requestLongLeave>>;

  it('stores an over-limit expense and a 12-working-day vacation as pending, each with an approval for bob', async () => {
    expense = await submitBigExpense(nc);
    leave = await requestLongLeave(nc);
    const e = await approval(nc, expense.approvalId);
    const l = await approval(nc, leave.approvalId);
    expect(e).toMatchObject({
      kind: 'expense',
      owner: 'finance',
      requester: 'alice',
      approver: 'bob',
      status: 'pending',
    });
    expect(l).toMatchObject({
      kind: 'leave',
      owner: 'hr',
      requester: 'alice',
      approver: 'bob',
      status: 'pending',
    });
    expect(e.sessionId).toBe(expense.talk.sessionId);
    expect(l.sessionId).toBe(leave.talk.sessionId);
    expect(e.digest).toMatch(/^[0-9a-f]{64}$/);
    expect((await aliceLeave(nc, String(l.subjectId))).status).toBe('pending_approval');
  });

  it('refuses carol, who is not the approver, and alice on her own request, and asks bob first; nothing changes', async () => {
    const carol = await new Talk(nc, 'carol').say("approve alice's expense");
    expect(carol.text).toMatch(/Only bob .* can decide/);
    expect(carol.data).toMatchObject({ intent: 'approvals_forbidden' });
    const alice = await new Talk(nc, 'alice').say("approve alice's leave");
    expect(alice.text).toMatch(/You cannot approve or reject your own request/);
    // bob, never shown it in this conversation, is shown it and asked first; "no" decides nothing.
    const unseen = new Talk(nc, 'bob');
    const asked = await unseen.say("approve alice's expense");
    expect(asked.text).toMatch(
      /expense request EXP-.*\(640 USD for lodging.*\)\. Do you approve it\? Please reply yes or no\./,
    );
    expect((await unseen.say('no')).text).toBe('OK, I have not decided anything.');
    for (const id of [expense.approvalId, leave.approvalId]) {
      expect(await approval(nc, id)).toMatchObject({ status: 'pending', applied: false });
    }
  });

  it('lets bob list what waits for him, approve one and reject the other in plain words', async () => {
    const bob = new Talk(nc, 'bob');
    const list = await bob.say('what do I need to approve?');
    expect(list.agent).toBe('hr');
    const shown = list.data?.approvals as { ref: number; approvalId: string }[];
    expect(shown.map((a) => a.approvalId).sort()).toEqual([expense.approvalId, leave.approvalId].sort());
    const expenseRef = shown.find((a) => a.approvalId === expense.approvalId)!.ref;
    const approved = await bob.say(`approve ${expenseRef}`);
    expect(approved.text).toMatch(/^Approved: Alice \w+'s expense request/);
    const rejected = await bob.say('reject the leave request from alice');
    expect(rejected.text).toMatch(/^Rejected: Alice \w+'s leave request/);
    const again = await bob.say(`approve ${expenseRef}`);
    expect(again.text).toMatch(/already approved by bob/);
  });

  it('has the owners apply the decisions and tells alice in the sessions she asked in', async () => {
    const e = await applied(nc, expense.approvalId);
    const l = await applied(nc, leave.approvalId);
    expect(e).toMatchObject({ status: 'approved', decidedBy: 'bob' });
    expect(l).toMatchObject({ status: 'rejected', decidedBy: 'bob' });
    expect((await aliceExpense(nc, String(e.subjectId))).status).toBe('approved');
    expect((await aliceLeave(nc, String(l.subjectId))).status).toBe('rejected');
    expect(await noticeIn(nc, expense.talk.sessionId!, /was approved by bob/)).toMatch(
      /Your expense request EXP-/,
    );
    expect(await noticeIn(nc, leave.talk.sessionId!, /was rejected by bob/)).toMatch(
      /days are back in your balance/,
    );
    const balance = await leave.talk.say('how many vacation days do I have in 2027?');
    expect(balance.text).not.toMatch(/12 booked/);
  });

  it('counts each approval once in the metrics of its owner', async () => {
    const metrics = async (name: 'finance-agent' | 'hr-agent') =>
      (await fetch(`${stack.current.get(name).baseUrl}/metrics`)).text();
    const finance = await metrics('finance-agent');
    const hr = await metrics('hr-agent');
    const count = (m: string, outcome: string) =>
      sample(m, 'switchboard_workflows_total', { flow: 'approval', outcome });
    expect([count(finance, 'started'), count(finance, 'approved'), count(finance, 'rejected')]).toEqual([
      1, 1, 0,
    ]);
    expect([count(hr, 'started'), count(hr, 'approved'), count(hr, 'rejected')]).toEqual([1, 0, 1]);
  });
});
