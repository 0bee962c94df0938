// The approval is bound to the request the manager saw: alice changes her waiting expense after bob
// was shown it; bob's "approve" is refused, he is shown the new amount and asked again; his yes
// approves the new version, which Finance applies. A decided expense can no longer be changed.
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, expect, it } from 'vitest';
import { useStack } from '../e2e/harness.js';
import {
  aliceExpense,
  applied,
  approval,
  committed,
  noticeIn,
  submitBigExpense,
  Talk,
  yesterday,
} from './approval-support.js';

const stack = useStack(['router', 'hr-agent', 'finance-agent']);
let nc: NatsConnection;

beforeAll(async () => {
  nc = await stack.current.connect();
});

it('refuses an approval of a version that changed, asks again, then approves the new version', async () => {
  const before = await committed(nc, yesterday());
  const expense = await submitBigExpense(nc);
  expect(await committed(nc, yesterday())).toBeCloseTo(before + 640, 2);
  const bob = new Talk(nc, 'bob');
  const list = await bob.say('what do I need to approve?');
  const listed = (list.data?.approvals ?? []) as { approvalId: string; digest: string }[];
  const shown = listed.find((a) => a.approvalId === expense.approvalId)!;
  expect(list.text).toMatch(/640 USD for lodging/);

  const amended = await expense.talk.say('change the amount of my expense to 700');
  expect(amended.text).toMatch(/is now 700 USD/);
  const changed = await approval(nc, expense.approvalId);
  expect(changed).toMatchObject({ status: 'pending', version: 2 });
  expect(changed.digest).not.toBe(shown.digest);
  expect(await committed(nc, yesterday())).toBeCloseTo(before + 700, 2);

  const refused = await bob.say("approve alice's expense");
  expect(refused.text).toMatch(/changed the request after you saw it, so your decision was not applied/);
  expect(refused.text).toMatch(/700 USD for lodging/);
  expect(refused.data).toMatchObject({ intent: 'approvals_confirm', digest: changed.digest, version: 2 });
  expect(await approval(nc, expense.approvalId)).toMatchObject({ status: 'pending' });

  const yes = await bob.say('yes approve it');
  expect(yes.text).toMatch(/^Approved: .*700 USD/);
  const done = await applied(nc, expense.approvalId);
  expect(done).toMatchObject({ status: 'approved', digest: changed.digest, version: 2 });
  expect(await aliceExpense(nc, String(done.subjectId))).toMatchObject({ status: 'approved', amount: 700 });
  await noticeIn(nc, expense.talk.sessionId!, /700 USD .* was approved by bob/);

  const tooLate = await expense.talk.say('change the amount of my expense to 900');
  expect(tooLate.text).toMatch(/Nothing was changed/);
  expect((await aliceExpense(nc, String(done.subjectId))).amount).toBe(700);
}, 60_000);
