// Chaos: nats-server is killed and restarted on the same store.
//
// 1. With no hr-agent running, N HR questions are accepted as `queued` (stored in JetStream).
// 2. The server is SIGKILLed. While it is down the gateway refuses POST /v1/ask at once (503), it
//    does not hang. The server restarts on the same store; router and gateway reconnect by
//    themselves.
// 3. An hr-agent starts: every queued task is answered in its session, exactly once (KV read-back).
// 4. The server is killed and restarted again, this time under the running agent: it reconnects,
//    pulls again and answers new requests, each exactly once.
// Prints one JSON line of figures.
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { http, type Stack, sleep, startStack, waitFor } from '../e2e/harness.js';
import {
  AskTracker,
  connected,
  connectTest,
  deadLetterCount,
  HR_QUESTION,
  printFigures,
  readSession,
  scaled,
  sessionsWithWrongTurns,
  startHr,
  timedStop,
} from './support.js';

const N = scaled(100, 300);
const M = scaled(50, 200);

let stack: Stack | undefined;
let nc: NatsConnection;

beforeAll(async () => {
  stack = await startStack(['router', 'gateway', 'hr-agent']);
  nc = await connectTest(stack.nats.url);
}, 60_000);

afterAll(async () => {
  await nc?.close();
  await stack?.stop();
}, 60_000);

async function ready(url: string): Promise<true> {
  return waitFor(
    `${url} ready`,
    async () => ((await fetch(url, { signal: AbortSignal.timeout(1000) })).status === 200 ? true : undefined),
    { timeoutMs: 20_000, intervalMs: 100 },
  );
}

/** Kills nats-server, checks the gateway refuses fast while it is down, restarts it, waits for reconnects. */
async function bounceServer(s: Stack): Promise<{ downMs: number; gatewayStatus: number; gatewayMs: number }> {
  const killed = Date.now();
  await s.nats.kill('SIGKILL');
  await sleep(300);
  const asked = Date.now();
  const r = await http(`${s.gatewayUrl}/v1/ask`, { body: HR_QUESTION });
  const gatewayMs = Date.now() - asked;
  await s.nats.restart();
  await ready(`${s.gatewayUrl}/readyz`);
  await ready(`${s.get('router').baseUrl}/readyz`);
  await connected(nc);
  return { downMs: Date.now() - killed, gatewayStatus: r.status, gatewayMs };
}

it(`answers ${N} tasks queued before a server restart, and serves new requests after it`, async () => {
  const s = stack!;
  const started = Date.now();
  const stop = await timedStop(s.get('hr-agent'));
  expect(stop).toMatchObject({ code: 0, signal: null });

  // 1. Queued while no agent runs.
  const queued = new AskTracker(nc);
  await queued.start();
  for (let i = 0; i < N; i++) queued.send('agents.ask', HR_QUESTION);
  await queued.settle(10_000, 500);
  const firsts = queued.firsts();
  expect(firsts.filter((r) => r.status === 'queued')).toHaveLength(N);

  // 2. Server down and back.
  const bounce1 = await bounceServer(s);

  // 3. The agent comes back and answers every queued task in its session.
  await startHr(s);
  const sessions = firsts.map((r) => r.sessionId!);
  await waitFor(
    'every queued session answered',
    async () => {
      for (const id of sessions) if ((await readSession(nc, id)).agentTurns === 0) return undefined;
      return true;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  ).catch(() => undefined);
  const kv1 = await sessionsWithWrongTurns(nc, sessions);
  let wrongTask = 0;
  for (const r of firsts) {
    const sess = await readSession(nc, r.sessionId!);
    if (sess.byTask.get(r.taskId!) !== 1) wrongTask++;
  }

  // 4. Server down and back under the running agent: it reconnects and answers new requests.
  const bounce2 = await bounceServer(s);
  const live = new AskTracker(nc);
  await live.start();
  for (let i = 0; i < M; i++) {
    live.send('agents.ask', HR_QUESTION);
    await sleep(20);
  }
  await live.settle(20_000, 2000);
  const liveTally = live.tally();
  const liveSessions = live.firsts().flatMap((r) => (r.ok && r.sessionId ? [r.sessionId] : []));
  const kv2 = await sessionsWithWrongTurns(nc, liveSessions);

  const figures = {
    test: 'server-restart',
    sent: N + M,
    queued: N,
    queued_answered_in_session: N - kv1.missing,
    live_sent: M,
    live_answered: liveTally.answered,
    live_queued: liveTally.queued,
    live_errors: liveTally.errors,
    dead_lettered: await deadLetterCount(nc),
    lost: kv1.missing + live.unanswered(),
    duplicated: kv1.extra + live.duplicated() + kv2.extra,
    /** Queued sessions without exactly one agent turn for their own task id. */
    wrong_task_turns: wrongTask,
    agent_stop_ms: stop.ms,
    server_down_ms: [bounce1.downMs, bounce2.downMs],
    gateway_while_down: [bounce1, bounce2].map((b) => ({ status: b.gatewayStatus, ms: b.gatewayMs })),
    live_p50_ms: live.latency(0.5),
    live_max_ms: live.latency(1),
    ms: Date.now() - started,
  };
  printFigures(figures);
  queued.stop();
  live.stop();
  expect(kv1, s.diagnostics()).toEqual({ missing: 0, extra: 0 });
  expect(wrongTask).toBe(0);
  for (const b of [bounce1, bounce2]) {
    expect(b.gatewayStatus).toBe(503);
    expect(b.gatewayMs).toBeLessThan(1000);
  }
  expect(live.unanswered(), s.diagnostics()).toBe(0);
  expect(live.duplicated()).toBe(0);
  expect(liveTally).toEqual({ answered: M, queued: 0, errors: 0 });
  expect(kv2).toEqual({ missing: 0, extra: 0 });
  expect(figures.dead_lettered).toBe(0);
}, 60_000);
