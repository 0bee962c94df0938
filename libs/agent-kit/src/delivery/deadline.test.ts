// The caller's deadline travels with the task: a task received after it is not run, and a turn
// still running when it passes is abandoned through its abort signal. Both end `expired`: never
// delivered again, nothing stored. Real nats-server, real worker.
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import { Names, type Task } from '@switchboard/contracts';
import {
  createLogger,
  createMetrics,
  createSessionStore,
  ensureAgentConsumer,
  ensureBuckets,
  ensureStreams,
  InFlight,
  newId,
  publishTask,
  type SessionStore,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, EngineContext } from '../engine.js';
import { startTaskWorker, type TaskWorker } from './worker.js';

let server: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let store: SessionStore;
let worker: TaskWorker;
const metrics = createMetrics('agent', { processMetrics: false });

/** What the engine saw, per text. */
const seen = new Map<string, { aborted: boolean; deadline?: number | undefined }>();
const engine: Engine = {
  async respond(input, ctx: EngineContext) {
    const record: { aborted: boolean; deadline?: number | undefined } = {
      aborted: false,
      deadline: ctx.message?.deadline,
    };
    seen.set(input.text, record);
    if (input.text.startsWith('slow')) {
      // A long LLM loop that stops when its signal says so.
      await new Promise((_, reject) => {
        ctx.signal.addEventListener('abort', () => {
          record.aborted = true;
          reject(ctx.signal.reason);
        });
      });
    }
    return { text: `answer to ${input.text}` };
  },
};

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  jsm = await jetstreamManager(nc);
  js = jetstream(nc);
  await ensureStreams(jsm);
  store = createSessionStore((await ensureBuckets(nc)).sessions);
  await ensureAgentConsumer(jsm, 'hr', { maxDeliver: 3, ackWaitMs: 5000 });
  worker = await startTaskWorker({
    agent: 'hr',
    nc,
    js,
    store,
    engine,
    log: createLogger({ service: 'test', level: process.env.TEST_LOG ?? 'silent' }),
    metrics,
    inFlight: new InFlight(),
    concurrency: 4,
    maxDeliver: 3,
    ackWaitMs: 5000,
  });
});
afterAll(async () => {
  await worker?.stop();
  await nc?.close();
  await server?.stop();
});

function task(text: string): Task {
  return {
    taskId: newId(),
    requestId: newId(),
    sessionId: newId(),
    agent: 'hr',
    text,
    newSession: true,
    createdAt: new Date().toISOString(),
  };
}

async function consumerIdle() {
  const until = Date.now() + 10_000;
  for (;;) {
    const ci = await jsm.consumers.info(Names.tasksStream, Names.agentConsumer('hr'));
    if (ci.num_pending + ci.num_ack_pending === 0) return ci;
    if (Date.now() > until) throw new Error(`consumer not idle: ${JSON.stringify(ci)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function expiredCount(): Promise<number> {
  const m = await metrics.registry.getSingleMetric('switchboard_tasks_total')!.get();
  return m.values.find((v) => v.labels.outcome === 'expired' && v.labels.agent === 'hr')?.value ?? 0;
}

/** Replies that arrive on `inbox` within `ms` (the test waits that long on purpose: none may come). */
async function repliesWithin(inbox: string, ms: number): Promise<unknown[]> {
  const got: unknown[] = [];
  const sub = nc.subscribe(inbox, { callback: (_e, m) => void got.push(m.json()) });
  await new Promise((r) => setTimeout(r, ms));
  sub.unsubscribe();
  return got;
}

describe('deadlines', () => {
  it('does not run a task received after its deadline', async () => {
    const before = await expiredCount();
    const t = task('too late');
    const inbox = createInbox();
    const replies = repliesWithin(inbox, 1000);
    await publishTask(js, t, { replyTo: inbox, deadline: Date.now() - 1 });
    await consumerIdle();
    expect(await replies).toEqual([]);
    expect(seen.has('too late')).toBe(false);
    expect(await store.get(t.sessionId)).toBeNull();
    expect(await expiredCount()).toBe(before + 1);
  });

  it('abandons a turn through its abort signal when the deadline passes while it runs', async () => {
    const before = await expiredCount();
    const t = task('slow question');
    const inbox = createInbox();
    const deadline = Date.now() + 400;
    await publishTask(js, t, { replyTo: inbox, deadline });
    const replies = await repliesWithin(inbox, 1200);
    await consumerIdle();
    expect(replies).toEqual([]);
    expect(seen.get('slow question')).toEqual({ aborted: true, deadline });
    expect(await store.get(t.sessionId)).toBeNull();
    expect(await expiredCount()).toBe(before + 1);
  });

  it('answers a turn that finishes before its deadline, and the engine sees the deadline', async () => {
    const t = task('quick question');
    const inbox = createInbox();
    const sub = nc.subscribe(inbox, { max: 1 });
    const deadline = Date.now() + 10_000;
    await publishTask(js, t, { replyTo: inbox, deadline });
    for await (const m of sub) {
      expect(m.json()).toMatchObject({ ok: true, status: 'answered', text: 'answer to quick question' });
      break;
    }
    expect(seen.get('quick question')).toEqual({ aborted: false, deadline });
    expect((await store.get(t.sessionId))?.session.turns).toHaveLength(2);
  });
});
