// A pending approval survives a restart of every service AND of nats-server: alice's requests wait,
// everything stops (services by SIGTERM, nats-server too, its store kept), everything starts again
// on the same store, and bob's decisions are then applied by the owners and told to alice.
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectTest } from '../chaos/support.js';
import { type ServiceName, type Stack, startStack } from '../e2e/harness.js';
import {
  aliceExpense,
  aliceLeave,
  applied,
  approval,
  noticeIn,
  requestLongLeave,
  submitBigExpense,
  Talk,
} from './approval-support.js';

const services: ServiceName[] = ['router', 'hr-agent', 'finance-agent'];
let stack: Stack | undefined;
let nc: NatsConnection;

beforeAll(async () => {
  stack = await startStack(services);
  nc = await connectTest(stack.nats.url);
}, 60_000);

afterAll(async () => {
  await nc?.close();
  await stack?.stop();
}, 60_000);

it('applies and notifies a decision taken after every service and nats-server restarted', async () => {
  const s = stack!;
  const expense = await submitBigExpense(nc);
  const leave = await requestLongLeave(nc);

  // Everything down: the services first (graceful), then nats-server; its store stays on disk.
  await nc.close();
  const stopped = await Promise.all(services.map((name) => s.get(name).stop('SIGTERM')));
  expect(stopped.every((x) => x.code === 0)).toBe(true);
  await s.nats.kill('SIGTERM');
  await s.nats.restart();
  for (const name of services) await s.start(name);
  nc = await connectTest(s.nats.url);

  // The approvals waited in JetStream.
  for (const id of [expense.approvalId, leave.approvalId]) {
    expect(await approval(nc, id)).toMatchObject({ status: 'pending', applied: false });
  }

  const bob = new Talk(nc, 'bob');
  const list = await bob.say('what do I need to approve?');
  const refs = list.data?.approvals as { ref: number; approvalId: string }[];
  const ref = (id: string) => refs.find((a) => a.approvalId === id)!.ref;
  expect((await bob.say(`approve ${ref(expense.approvalId)}`)).text).toMatch(/^Approved/);
  expect((await bob.say(`approve ${ref(leave.approvalId)}`)).text).toMatch(/^Approved/);

  const e = await applied(nc, expense.approvalId);
  const l = await applied(nc, leave.approvalId);
  expect((await aliceExpense(nc, String(e.subjectId))).status).toBe('approved');
  expect((await aliceLeave(nc, String(l.subjectId))).status).toBe('approved');
  // Alice's sessions from before the restart are told.
  await noticeIn(nc, expense.talk.sessionId!, /expense request .* was approved by bob/);
  await noticeIn(nc, leave.talk.sessionId!, /leave request .* was approved by bob/);
}, 80_000);
