// Scatter-gather with the NATS identities of `npm run secure:init` (nkeys, TLS, each service its own
// inbox prefix, tokens checked): the router collects the parts' answers on its own inboxes
// (`_INBOX.router.>`) with no permission violation, the combined session belongs to the caller, and
// another user can neither follow it up nor read it.
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { OkReply, Reply, Stack } from '../e2e/harness.js';
import { type IdentityConnection, type SecureStack, startSecureStack } from '../security/harness.js';

let secure: SecureStack;
let stack: Stack;
let alice: IdentityConnection;
let bob: IdentityConnection;
let token: Record<string, string>;

beforeAll(async () => {
  secure = await startSecureStack();
  ({ stack, tokens: token } = secure);
  alice = await secure.secure.connectAs('client-alice');
  bob = await secure.secure.connectAs('client-bob');
}, 120_000);

afterAll(async () => {
  await secure?.stop();
}, 60_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    if (stack) process.stderr.write(`\n${stack.diagnostics()}\n`);
  });
});

async function ask(nc: NatsConnection, user: string, body: Record<string, unknown>): Promise<Reply> {
  const h = headers();
  h.set('Authorization', `Bearer ${token[user]}`);
  return (
    await nc.request('agents.ask', JSON.stringify(body), { timeout: 10_000, headers: h })
  ).json<Reply>();
}

const TWO = 'how many vacation days do I have and how much travel budget is left?';

it('gathers both parts as the router identity and keeps the combined session to its user', async () => {
  const first = await ask(alice.nc, 'alice', { text: TWO });
  if (!first.ok) throw new Error(JSON.stringify(first));
  expect(first).toMatchObject({ status: 'answered', agent: null, data: { partial: false } });
  const parts = (first.data?.parts ?? []) as { agent: string; status: string }[];
  expect(parts.map((p) => [p.agent, p.status])).toEqual([
    ['hr', 'answered'],
    ['finance', 'answered'],
  ]);

  const stolen = await ask(bob.nc, 'bob', {
    sessionId: first.sessionId,
    text: 'and how much did I spend on travel?',
  });
  expect(stolen).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  const read = await fetch(`${stack.gatewayUrl}/v1/sessions/${first.sessionId}`, {
    headers: { authorization: `Bearer ${token.bob}` },
  });
  expect(read.status).toBe(403);

  const own = (await ask(alice.nc, 'alice', {
    sessionId: first.sessionId,
    text: 'and how much did I spend on travel?',
  })) as OkReply;
  expect(own).toMatchObject({ ok: true, agent: 'finance', sessionId: first.sessionId });

  const overHttp = await fetch(`${stack.gatewayUrl}/v1/ask`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token.alice}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: TWO }),
  });
  expect(overHttp.status).toBe(200);
  expect(await overHttp.json()).toMatchObject({ ok: true, agent: null, data: { partial: false } });

  const violations = secure.secure.server
    .output()
    .split('\n')
    .filter((l) => /(Publish|Subscription) Violation|Permissions Violation/i.test(l));
  expect(violations).toEqual([]);
  expect([...alice.violations, ...bob.violations]).toEqual([]);
});
