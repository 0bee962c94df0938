// With no live hr-agent, an HR question is stored and answered `queued` at once; the answer lands
// in the session when an instance comes back. A killed instance (no graceful deregistration) is
// forgotten by the router once its capability card is older than the TTL (15 s).
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, expect, it } from 'vitest';
import { ask, asOk, http, isRequestTimeout, type OkReply, sleep, useStack, waitFor } from './harness.js';

const stack = useStack();
let nc: NatsConnection;

beforeAll(async () => {
  nc = await stack.current.connect();
});

const HR_QUESTION = { text: 'how many vacation days do I have?', userId: 'alice' };

interface SessionView {
  sessionId: string;
  agent: string;
  status: string;
  turns: { role: string; text: string; at: string }[];
}

async function session(id: string): Promise<SessionView> {
  const r = await http<SessionView>(`${stack.current.gatewayUrl}/v1/sessions/${id}`);
  expect(r.status, r.text).toBe(200);
  return r.body;
}

it('queues an HR question while no hr-agent runs and answers it when one starts', async () => {
  const exit = await stack.current.get('hr-agent').stop('SIGTERM');
  expect(exit).toEqual({ code: 0, signal: null });

  const started = Date.now();
  const queued = asOk(await ask(nc, 'agents.ask', HR_QUESTION, 5000));
  expect(Date.now() - started).toBeLessThan(2000);
  expect(queued).toMatchObject({ status: 'queued', agent: 'hr' });

  const stored = await session(queued.sessionId);
  expect(stored).toMatchObject({ sessionId: queued.sessionId, agent: 'hr', status: 'open' });
  expect(stored.turns.map((t) => [t.role, t.text])).toEqual([['user', HR_QUESTION.text]]);

  await stack.current.start('hr-agent');
  const until = Date.now() + 15_000;
  let answered: SessionView | undefined;
  while (Date.now() < until) {
    const s = await session(queued.sessionId);
    if (s.turns.some((t) => t.role === 'agent')) {
      answered = s;
      break;
    }
    await sleep(250);
  }
  expect(answered, 'no agent answer in the session within 15 s').toBeDefined();
  expect(answered!.status).toBe('open');
  expect(answered!.turns.map((t) => t.role)).toEqual(['user', 'agent']);
  expect(answered!.turns[1]!.text).toMatch(/\bdays?\b/i);

  // And the restarted agent answers live again.
  const live = asOk(await ask(nc, 'agents.ask', HR_QUESTION));
  expect(live).toMatchObject({ status: 'answered', agent: 'hr' });
}, 45_000);

it('queues HR questions within 20 s of an hr-agent being killed', async () => {
  let hr = stack.current.get('hr-agent');
  if (!hr.isRunning()) hr = await stack.current.start('hr-agent');
  const exit = await hr.stop('SIGKILL');
  expect(exit.signal).toBe('SIGKILL');
  const killedAt = Date.now();

  // Until the router forgets the dead instance, a question is handed to it and nobody answers:
  // such requests time out, which is expected here.
  let queued: OkReply | undefined;
  while (!queued && Date.now() - killedAt < 20_000) {
    const sent = Date.now();
    const r = await ask(nc, 'agents.ask', HR_QUESTION, 1500).catch((err: unknown) => {
      if (isRequestTimeout(err)) return undefined;
      throw err;
    });
    if (r) {
      const ok = asOk(r);
      expect(
        ok.status,
        `unexpected reply while the killed agent may still be known: ${JSON.stringify(ok)}`,
      ).toBe('queued');
      queued = ok;
    }
    await sleep(Math.max(0, 1000 - (Date.now() - sent)));
  }
  expect(queued, 'no queued reply within 20 s of the kill').toBeDefined();
  expect(queued!.agent).toBe('hr');
  expect(Date.now() - killedAt).toBeLessThanOrEqual(20_000);
}, 40_000);

it('sends HR questions to hr while it is down: queued for hr, never answered by finance', async () => {
  const hr = stack.current.get('hr-agent');
  if (hr.isRunning()) await hr.stop('SIGKILL');
  // The router forgets a killed instance once its card expires (the test above waited for that).
  await waitFor(
    'a queued reply after the kill',
    async () => {
      const r = await ask(nc, 'agents.ask', HR_QUESTION, 1500).catch(() => undefined);
      return r && asOk(r).status === 'queued' ? true : undefined;
    },
    { timeoutMs: 25_000, intervalMs: 500 },
  );
  const hrQuestions = [
    'I want to know my remaining vacation days',
    'how long is my notice period if I resign?',
    'what does our dental insurance cover?',
    'when is my probation review?',
    'I want to complain about a colleague',
    'how do I refer a friend for a job?',
  ];
  for (const text of hrQuestions) {
    const r = asOk(await ask(nc, 'agents.ask', { text, userId: 'alice' }, 5000));
    expect(r, text).toMatchObject({ status: 'queued', agent: 'hr' });
  }
  // Finance is alive and still answers its own questions.
  const fin = asOk(
    await ask(nc, 'agents.ask', { text: 'how much petty cash can I claim?', userId: 'alice' }),
  );
  expect(fin).toMatchObject({ status: 'answered', agent: 'finance' });
}, 60_000);
