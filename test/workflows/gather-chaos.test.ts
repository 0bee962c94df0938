// Scatter-gather when a part's agent misbehaves, with the real services: a finance process that is
// stopped (SIGSTOP: its capability card stays alive, it just does not answer) gives a partial
// answer naming finance and where its answer will land, and the answer is in that session once the
// process runs again; a finance process that is killed makes its part `queued`, answered in its
// session when finance is back. The gateway waits 3 s here, so the HTTP caller's deadline is short too.
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { beforeAll, expect, it } from 'vitest';
import {
  ask,
  asOk,
  findSamples,
  http,
  isRequestTimeout,
  type OkReply,
  parseMetrics,
  useStack,
  waitFor,
} from '../e2e/harness.js';

const stack = useStack(undefined, { env: { GATEWAY_TIMEOUT_MS: '3000' } });
let nc: NatsConnection;

beforeAll(async () => {
  nc = await stack.current.connect();
});

const TWO = 'how many vacation days do I have and how much travel budget is left?';

interface Part {
  agent: string;
  sessionId: string;
  status: string;
  text: string;
}
const partsOf = (r: OkReply) => r.data?.parts as Part[];

/** `agents.ask` with a `Switchboard-Deadline` of now + `waitMs`, as `npm run ask` sends it. */
async function askWithDeadline(body: Record<string, unknown>, waitMs: number): Promise<OkReply> {
  const h = headers();
  h.set('Switchboard-Deadline', String(Date.now() + waitMs));
  const m = await nc.request('agents.ask', JSON.stringify(body), { timeout: waitMs + 1000, headers: h });
  return asOk({ body: m.json(), headers: m.headers });
}

/** The session's agent turns, read through the gateway. */
async function agentTurns(sessionId: string): Promise<string[]> {
  const r = await http<{ turns: { role: string; text: string }[] }>(
    `${stack.current.gatewayUrl}/v1/sessions/${sessionId}`,
  );
  expect(r.status, r.text).toBe(200);
  return r.body.turns.filter((t) => t.role === 'agent').map((t) => t.text);
}

/** A partial answer: hr answered, finance not in time, named with its session. */
function expectFinanceMissing(r: OkReply): Part {
  expect(r).toMatchObject({ ok: true, status: 'answered', agent: null });
  const [hr, finance] = partsOf(r);
  expect(hr).toMatchObject({ agent: 'hr', status: 'answered' });
  expect(finance).toMatchObject({ agent: 'finance', status: 'timeout' });
  expect(r.text).toContain(`[hr] ${hr!.text}`);
  expect(r.text).toContain(
    `[finance] The finance agent has not answered in time. Its answer will be stored in session ${finance!.sessionId}.`,
  );
  expect(r.data).toMatchObject({ partial: true, missing: ['finance'] });
  return finance!;
}

it('answers partially, naming finance, while finance is stopped; its answer lands in its session later', async () => {
  const finance = stack.current.get('finance-agent');
  process.kill(finance.pid, 'SIGSTOP');
  let stopped = true;
  try {
    const overNats = expectFinanceMissing(await askWithDeadline({ text: TWO, userId: 'alice' }, 3000));
    const http1 = await http<OkReply>(`${stack.current.gatewayUrl}/v1/ask`, {
      body: { text: TWO, userId: 'alice' },
    });
    expect(http1.status, http1.text).toBe(200);
    const overHttp = expectFinanceMissing(http1.body);
    expect(await agentTurns(overNats.sessionId)).toEqual([]);

    process.kill(finance.pid, 'SIGCONT');
    stopped = false;
    for (const part of [overNats, overHttp]) {
      const answers = await waitFor(
        `finance's answer in session ${part.sessionId}`,
        async () => {
          const turns = await agentTurns(part.sessionId);
          return turns.length > 0 ? turns : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 250 },
      );
      expect(answers[0]).toMatch(/budget/i);
    }
  } finally {
    if (stopped) process.kill(finance.pid, 'SIGCONT');
  }
  const metrics = parseMetrics(
    (await http(`http://127.0.0.1:${stack.current.get('router').port}/metrics`)).text,
  );
  const partial = findSamples(metrics.samples, 'switchboard_workflows_total', {
    flow: 'scatter_gather',
    outcome: 'partial',
  });
  expect(partial[0]?.value).toBe(2);
}, 40_000);

it('queues the finance part while finance is down (killed), and answers it in its session when finance is back', async () => {
  const exit = await stack.current.get('finance-agent').stop('SIGKILL');
  expect(exit.signal).toBe('SIGKILL');
  // The router forgets the killed instance once its card is older than the TTL (15 s); until then
  // finance's part is handed to nobody and times out.
  const r = await waitFor(
    'a combined answer with the finance part queued',
    async () => {
      const reply = await askWithDeadline({ text: TWO, userId: 'alice' }, 1500).catch((err: unknown) => {
        if (isRequestTimeout(err)) return undefined;
        throw err;
      });
      return reply && partsOf(reply)[1]?.status === 'queued' ? reply : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  expect(r).toMatchObject({ status: 'answered', agent: null });
  const [hr, finance] = partsOf(r);
  expect(hr).toMatchObject({ agent: 'hr', status: 'answered' });
  expect(finance).toMatchObject({ agent: 'finance', status: 'queued' });
  expect(r.text).toContain(
    `[finance] The finance agent is not available right now. Your request is stored and will be answered in session ${finance!.sessionId}.`,
  );

  await stack.current.start('finance-agent');
  const answers = await waitFor(
    "the queued part's answer",
    async () => {
      const turns = await agentTurns(finance!.sessionId);
      return turns.length > 0 ? turns : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 250 },
  );
  expect(answers[0]).toMatch(/budget/i);
  // And finance answers live parts again.
  const live = asOk(await ask(nc, 'agents.ask', { text: TWO, userId: 'alice' }));
  expect(partsOf(live).map((p) => p.status)).toEqual(['answered', 'answered']);
}, 70_000);
