// An approval nobody decides expires: with APPROVAL_TTL_MS=5000 and a sweep every 300 ms, Finance
// (the owner) marks alice's waiting expense expired, rejects the expense (its budget released),
// tells alice, and tells bob
// in the session where he was shown it; his next listing shows it as expired and it can no longer
// be approved.
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, expect, it } from 'vitest';
import { useStack } from '../e2e/harness.js';
import {
  aliceExpense,
  applied,
  approval,
  committed,
  noticeIn,
  sample,
  submitBigExpense,
  Talk,
  yesterday,
} from './approval-support.js';

const stack = useStack(['router', 'hr-agent', 'finance-agent'], {
  env: { APPROVAL_TTL_MS: '5000', APPROVAL_SWEEP_MS: '300' },
});
let nc: NatsConnection;

beforeAll(async () => {
  nc = await stack.current.connect();
});

it('expires an undecided approval, rejects the expense and tells alice and bob', async () => {
  const before = await committed(nc, yesterday());
  const expense = await submitBigExpense(nc);
  expect(await committed(nc, yesterday())).toBeCloseTo(before + 640, 2);
  const bob = new Talk(nc, 'bob');
  const list = await bob.say('what do I need to approve?');
  const refs = list.data?.approvals as { ref: number; approvalId: string }[];
  const ref = refs.find((a) => a.approvalId === expense.approvalId)!.ref;
  expect((await approval(nc, expense.approvalId)).status).toBe('pending');

  const done = await applied(nc, expense.approvalId, 20_000);
  expect(done).toMatchObject({ status: 'expired', decidedBy: 'system' });
  const stored = await aliceExpense(nc, String(done.subjectId));
  expect(stored.status).toBe('rejected');
  expect(String(stored.note)).toMatch(/approval expired/);
  // The expense no longer holds budget.
  expect(await committed(nc, yesterday())).toBeCloseTo(before, 2);
  expect(await noticeIn(nc, expense.talk.sessionId!, /expired at .* without a decision from bob/)).toMatch(
    /not approved/,
  );
  expect(await noticeIn(nc, bob.sessionId!, /expired at .* before a decision/)).toMatch(
    /Nothing was approved/,
  );

  const late = await bob.say(`approve ${ref}`);
  expect(late.text).toMatch(/already expired/);
  const again = await bob.say('what do I need to approve?');
  expect(again.text).toMatch(/Recently closed:[\s\S]*expense request .*: expired at/);
  const metrics = await (await fetch(`${stack.current.get('finance-agent').baseUrl}/metrics`)).text();
  expect(sample(metrics, 'switchboard_workflows_total', { flow: 'approval', outcome: 'expired' })).toBe(1);
}, 60_000);
