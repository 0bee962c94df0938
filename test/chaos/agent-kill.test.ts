// Chaos: one of two hr-agent instances is SIGKILLed in the middle of a burst of HR questions, then
// started again. Invariant: every request the router accepted gets exactly one answer: 0 lost, 0
// duplicated (each request has its own reply subject, kept for a grace period after the first
// answer), each session holds exactly one agent turn, and the change feed of the sessions bucket
// (the turn events, followed live through the burst) records exactly one turn per session. The
// agents run with a 5 s ack wait, so the killed instance's unacknowledged tasks are redelivered
// within the test. The whole burst is sent at once and the kill comes when a third is answered, so
// the victim dies holding tasks.
import type { NatsConnection } from '@nats-io/transport-node';
import type { TurnRecorded } from '@switchboard/contracts';
import { watchTurns } from '@switchboard/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ServiceProcess, type Stack, startStack, waitFor } from '../e2e/harness.js';
import { AskTracker, HR_QUESTION, outcomeFigures, printFigures, scaled, startHr } from './support.js';

const N = scaled(200, 500);
const AGENT_ENV = { AGENT_ACK_WAIT_MS: '5000' };

let stack: Stack | undefined;
let nc: NatsConnection;

beforeAll(async () => {
  stack = await startStack(['router']);
  await Promise.all([startHr(stack, AGENT_ENV), startHr(stack, AGENT_ENV)]);
  nc = await stack.connect();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

it(`answers each of ${N} requests exactly once when an hr-agent is SIGKILLed mid-burst`, async () => {
  const s = stack!;
  const [victim] = s.processes().filter((p) => p.name === 'hr-agent') as [ServiceProcess];
  const tracker = new AskTracker(nc);
  await tracker.start();
  const feed: TurnRecorded[] = [];
  const turns = await watchTurns(nc, { onTurn: (t) => feed.push(t) });
  await turns.caughtUp;
  const started = Date.now();
  // The whole burst at once: a backlog forms, so the victim holds a full set of tasks when it dies.
  for (let i = 0; i < N; i++) tracker.send('agents.ask', HR_QUESTION);
  await waitFor(
    'a third of the burst answered',
    () => (tracker.firsts().length >= N / 3 ? true : undefined),
    { timeoutMs: 20_000, intervalMs: 5 },
  );
  const answeredAtKill = tracker.firsts().length;
  await victim.stop('SIGKILL');
  const restarted = startHr(s, AGENT_ENV);
  await restarted;
  // The killed instance's tasks come back after the 5 s ack wait.
  await tracker.settle(25_000, 2000);

  const { kv, ...outcome } = await outcomeFigures(nc, tracker);
  turns.stop();
  // Turn events of the answered sessions: one per session, no more, each opening its session.
  const answeredSessions = new Set(
    tracker.firsts().flatMap((r) => (r.ok && r.sessionId ? [r.sessionId] : [])),
  );
  const perSession = new Map<string, number>();
  for (const t of feed) perSession.set(t.sessionId, (perSession.get(t.sessionId) ?? 0) + 1);
  const turnEvents = {
    missing: [...answeredSessions].filter((id) => !perSession.has(id)).length,
    extra: [...perSession.values()].filter((n) => n > 1).length,
    not_opening: feed.filter((t) => !t.opened).length,
  };
  const figures = {
    test: 'agent-kill',
    sent: N,
    answered_at_kill: answeredAtKill,
    ...outcome,
    turn_events: feed.length,
    turn_events_missing: turnEvents.missing,
    turn_events_extra: turnEvents.extra,
    /** First answers that came after the killed instance's 5 s ack wait: its redelivered tasks. */
    answered_after_4s: tracker.latencies().filter((ms) => ms > 4000).length,
    p50_ms: tracker.latency(0.5),
    max_ms: tracker.latency(1),
    ms: Date.now() - started,
  };
  printFigures(figures);
  tracker.stop();
  expect(figures.lost, s.diagnostics()).toBe(0);
  expect(figures.duplicated).toBe(0);
  expect(figures.queued).toBe(0);
  expect(figures.answered + figures.errors).toBe(N);
  expect(figures.answered + figures.dead_lettered).toBe(N);
  expect(kv).toEqual({ missing: 0, extra: 0 });
  expect(turnEvents).toEqual({ missing: 0, extra: 0, not_opening: 0 });
  expect(feed).toHaveLength(answeredSessions.size);
}, 60_000);
