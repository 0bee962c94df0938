// A2A over NATS on a secure server (`npm run secure:init`'s configuration): every service as its own
// identity, the caller as `client-alice`. Proves the generated permissions carry the binding —
// streamed responses through `allow_responses`, stream responses stored and resumed, tasks in
// `a2a_tasks` — without a single permission violation.
import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type IdentityConnection, type SecureStack, startSecureStack } from '../security/harness.js';
import { call, getTaskRequest, sendRequest, stream, taskOf } from './a2a-nats-client.js';

let s: SecureStack;
let alice: IdentityConnection;
beforeAll(async () => {
  s = await startSecureStack();
  alice = await s.secure.connectAs('client-alice');
}, 120_000);
afterAll(async () => {
  await s?.stop();
}, 60_000);
beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    if (s) process.stderr.write(`\n${s.stack.diagnostics()}\n`);
  });
});

describe('A2A over NATS with NATS permissions', () => {
  it('answers, streams and resumes for client-alice with her token; refuses without one', async () => {
    const token = s.tokens.alice!;
    const none = await call(alice.nc, 'a2a.hr', sendRequest('how many vacation days do I have?'));
    expect(none.body.error?.code).toBe(-32000);
    const sent = taskOf(
      await call(alice.nc, 'a2a.switchboard', sendRequest('how many vacation days do I have?'), { token }),
    );
    expect(sent.status.state).toBe('TASK_STATE_COMPLETED');
    expect(taskOf(await call(alice.nc, 'a2a.hr', getTaskRequest(sent.id), { token })).id).toBe(sent.id);

    const first = await stream(
      alice.nc,
      'a2a.hr',
      sendRequest('how many vacation days do I have?', { method: 'SendStreamingMessage' }),
      { token, stopAfter: 1 },
    );
    const rest = await stream(
      alice.nc,
      'a2a.hr',
      { jsonrpc: '2.0', id: 2, method: 'SubscribeToTask', params: { id: taskOf(first[0]!).id } },
      { token, headers: { 'A2A-Stream-Id': first[0]!.streamId!, 'A2A-Seq': '1' } },
    );
    const seen = [...first, ...rest];
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.map((r) => r.seq)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.at(-1)!.final).toBe(true);
    // The whole stream in one go: several answers to one request, through `allow_responses`.
    const full = await stream(
      alice.nc,
      'a2a.hr',
      sendRequest('how many vacation days do I have?', { method: 'SendStreamingMessage' }),
      { token },
    );
    expect(full.length).toBe(seen.length);
    expect(full.at(-1)!.final).toBe(true);
  });

  it('takes a durable request from client-alice and answers it to her a2a.replies subject', async () => {
    const replyTo = `a2a.replies.client-alice.${randomUUID()}`;
    const sub = alice.nc.subscribe(replyTo, { max: 1 });
    const h = natsHeaders();
    h.set('A2A-Version', '1.0');
    h.set('Authorization', `Bearer ${s.tokens.alice}`);
    h.set('A2A-Reply-To', replyTo);
    await jetstream(alice.nc).publish(
      'a2a.inbox.hr',
      JSON.stringify(sendRequest('how many vacation days do I have?', { id: 8 })),
      { headers: h },
    );
    for await (const m of sub) {
      const body = m.json<{ id: number; result: { task: { status: { state: string } } } }>();
      expect(body.id).toBe(8);
      expect(body.result.task.status.state).toBe('TASK_STATE_COMPLETED');
    }
    expect(sub.getProcessed()).toBe(1);
  });

  it('never needs anything its identity does not allow (no violation in the server log)', () => {
    const violations = s.secure.server
      .output()
      .split('\n')
      .filter((l) => /(Publish|Subscription) Violation|Permissions Violation/i.test(l));
    expect(violations).toEqual([]);
    expect(alice.violations).toEqual([]);
    for (const p of s.stack.processes()) expect(p.output()).not.toMatch(/permissions violation/i);
  });
});
