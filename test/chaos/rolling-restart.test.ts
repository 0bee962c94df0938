// Chaos: a rolling restart of two hr-agent instances under steady load. Each instance in turn gets
// SIGTERM (it drains: deregisters, releases tasks it has not started, finishes those in flight) and
// a replacement is started before the next one goes. The agents keep the default 30 s ack wait, so
// a task held and dropped by a stopping instance would show as a 30 s answer. Invariant: 0 lost,
// 0 duplicated, each session exactly one agent turn, every SIGTERM'd process exits 0 within 10 s.
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ServiceProcess, type Stack, sleep, startStack } from '../e2e/harness.js';
import {
  AskTracker,
  HR_QUESTION,
  outcomeFigures,
  printFigures,
  scaled,
  startHr,
  timedStop,
} from './support.js';

/** How long the load runs, and its rate. */
const LOAD_MS = scaled(10_000, 30_000);
const RATE = scaled(40, 60);

let stack: Stack | undefined;
let nc: NatsConnection;

beforeAll(async () => {
  stack = await startStack(['router']);
  await Promise.all([startHr(stack), startHr(stack)]);
  nc = await stack.connect();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

it('loses and duplicates nothing while both hr-agent instances are restarted one after another', async () => {
  const s = stack!;
  const instances = s.processes().filter((p) => p.name === 'hr-agent');
  const tracker = new AskTracker(nc);
  await tracker.start();
  const started = Date.now();
  let stopping = false;
  const load = (async () => {
    for (let i = 0; Date.now() - started < LOAD_MS; i++) {
      tracker.send('agents.ask', HR_QUESTION);
      const due = started + ((i + 1) * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  })();

  const stops: { ms: number; code: number | null; signal: string | null }[] = [];
  const gap = LOAD_MS / 5;
  await sleep(gap);
  for (const old of instances) {
    stops.push(await timedStop(old as ServiceProcess));
    await startHr(s);
    await sleep(gap);
  }
  stopping = true;
  await load;
  await tracker.settle(20_000, 2000);

  const { kv, ...outcome } = await outcomeFigures(nc, tracker);
  const figures = {
    test: 'rolling-restart',
    sent: tracker.sent,
    ...outcome,
    stop_ms: stops.map((x) => x.ms),
    p50_ms: tracker.latency(0.5),
    p99_ms: tracker.latency(0.99),
    max_ms: tracker.latency(1),
    ms: Date.now() - started,
  };
  printFigures(figures);
  tracker.stop();
  expect(stopping).toBe(true);
  expect(figures.lost, s.diagnostics()).toBe(0);
  expect(figures.duplicated).toBe(0);
  expect(figures.queued).toBe(0);
  expect(figures.errors).toBe(0);
  expect(kv).toEqual({ missing: 0, extra: 0 });
  for (const x of stops) {
    expect(x).toMatchObject({ code: 0, signal: null });
    expect(x.ms).toBeLessThan(10_000);
  }
  // Nothing waited for a redelivery after the 30 s ack wait.
  expect(figures.max_ms).toBeLessThan(10_000);
}, 60_000);
