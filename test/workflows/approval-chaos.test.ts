// Chaos: participants of the approval flow are killed between its steps (SIGKILL at a failpoint)
// and started again clean; every decision still ends applied, with each effect, notice and metric
// exactly once.
// - the agent recording bob's decision dies after writing it, before its reply and event: the task
//   is redelivered, the rerun finds its own decision, answers bob and publishes the event;
// - the owner (Finance) dies after applying the decision, before telling alice (and, in a second
//   case, after telling her, before marking it applied): the restarted owner finishes the job.
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, asOk, type ServiceName, type Stack, startStack } from '../e2e/harness.js';
import { aliceExpense, applied, sample, sessionTexts, submitBigExpense, Talk } from './approval-support.js';

const ENV = { AGENT_ACK_WAIT_MS: '2000', AGENT_WORKFLOW_ACK_WAIT_MS: '1000' };
let stack: Stack | undefined;
let nc: NatsConnection;

beforeAll(async () => {
  stack = await startStack(['router', 'hr-agent', 'finance-agent'], { env: ENV });
  nc = await stack.connect();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

/** Restarts `name` with `failpoint` armed. */
async function arm(name: ServiceName, failpoint: string) {
  await stack!.get(name).stop();
  return stack!.start(name, { ...ENV, SWITCHBOARD_FAILPOINTS: failpoint });
}

/** Waits for an armed process to die at its failpoint, then starts its service again clean. */
async function diesAndComesBack(
  armed: Awaited<ReturnType<typeof arm>>,
  failpoint: string,
  name: ServiceName,
) {
  expect((await armed.exited).signal).toBe('SIGKILL');
  expect(armed.output()).toContain(`failpoint ${failpoint}: killing process`);
  await stack!.start(name, ENV);
}

/** Bob lists his approvals and returns his conversation and the reference of `approvalId`. */
async function bobSees(approvalId: string): Promise<{ bob: Talk; ref: number }> {
  const bob = new Talk(nc, 'bob');
  const list = await bob.say('what do I need to approve?');
  const shown = (list.data?.approvals ?? []) as { ref: number; approvalId: string }[];
  return { bob, ref: shown.find((a) => a.approvalId === approvalId)!.ref };
}

/** Alice's expense ended approved, told once, applied. */
async function expectApprovedOnce(expense: Awaited<ReturnType<typeof submitBigExpense>>) {
  const done = await applied(nc, expense.approvalId, 30_000);
  expect(done).toMatchObject({ status: 'approved', decidedBy: 'bob' });
  expect((await aliceExpense(nc, String(done.subjectId))).status).toBe('approved');
  const told = (await sessionTexts(nc, expense.talk.sessionId!)).filter((t) => /was approved by bob/.test(t));
  expect(told).toHaveLength(1);
}

describe('approval chaos', () => {
  it('a decision whose agent dies right after writing it is answered and applied by the rerun', async () => {
    const expense = await submitBigExpense(nc);
    const { bob, ref } = await bobSees(expense.approvalId);
    const armed = await arm('hr-agent', 'approval.decide.after_write');
    const body = { text: `approve ${ref}`, userId: 'bob', sessionId: bob.sessionId };
    const answer = ask(nc, 'agents.hr.ask', body, 30_000);
    await diesAndComesBack(armed, 'approval.decide.after_write', 'hr-agent');
    expect(asOk(await answer).text).toMatch(/^Approved: /);
    await expectApprovedOnce(expense);
  }, 60_000);

  it.each(['approval.settle.after_apply', 'approval.settle.after_notify'])(
    'the owner killed at %s finishes after its restart, each effect once',
    async (failpoint) => {
      const expense = await submitBigExpense(nc);
      const { bob, ref } = await bobSees(expense.approvalId);
      const armed = await arm('finance-agent', failpoint);
      expect((await bob.say(`approve ${ref}`)).text).toMatch(/^Approved: /);
      await diesAndComesBack(armed, failpoint, 'finance-agent');
      await expectApprovedOnce(expense);
      const metrics = await (await fetch(`${stack!.get('finance-agent').baseUrl}/metrics`)).text();
      // The killed instance never counted it; the one that finished did, once.
      expect(sample(metrics, 'switchboard_workflows_total', { flow: 'approval', outcome: 'approved' })).toBe(
        1,
      );
    },
    60_000,
  );
});
