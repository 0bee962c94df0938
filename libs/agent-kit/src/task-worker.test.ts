import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import { HeaderNames, Names, SwitchboardError, type Task } from '@switchboard/contracts';
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
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from './engine.js';
import { startTaskWorker } from './task-worker.js';

let server: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let store: SessionStore;
let worker: { stop(): Promise<void> };
const log = createLogger({ service: 'test', level: process.env.TEST_LOG ?? 'silent' });
const metrics = createMetrics('agent', { processMetrics: false });

/** The engine's behaviour, set per test. */
let behaviour: (text: string, delivery: number) => Promise<{ text: string }>;
const calls: string[] = [];
const engine: Engine = {
  async respond(input) {
    calls.push(input.text);
    return {
      ...(await behaviour(input.text, calls.filter((c) => c === input.text).length)),
      events: input.text.includes('book') ? [{ kind: 'leave_requested', data: { days: 2 } }] : [],
    };
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
    log,
    metrics,
    inFlight: new InFlight(),
    concurrency: 8,
    maxDeliver: 3,
    ackWaitMs: 5000,
  });
});
afterAll(async () => {
  await worker?.stop();
  await nc?.close();
  await server?.stop();
});
beforeEach(() => {
  behaviour = async (text) => ({ text: `answer to ${text}` });
});

function task(text: string, over: Partial<Task> = {}): Task {
  return {
    taskId: newId(),
    requestId: newId(),
    sessionId: newId(),
    agent: 'hr',
    text,
    newSession: true,
    createdAt: new Date().toISOString(),
    ...over,
  };
}

/** Publishes a task and resolves with the first reply on its reply subject. */
async function send(t: Task, msgId?: string): Promise<Record<string, unknown>> {
  const inbox = createInbox();
  const sub = nc.subscribe(inbox, { max: 1 });
  if (msgId) {
    // Same task, new publish id: what a redelivery after a crash looks like to the worker.
    const { headers } = await import('@nats-io/transport-node');
    const h = headers();
    h.set(HeaderNames.replyTo, inbox);
    await js.publish(`tasks.${t.agent}`, JSON.stringify(t), { msgID: msgId, headers: h });
  } else {
    await publishTask(js, t, { replyTo: inbox });
  }
  for await (const m of sub) return m.json();
  throw new Error('no reply');
}

async function consumerIdle() {
  const until = Date.now() + 10_000;
  for (;;) {
    const ci = await jsm.consumers.info(Names.tasksStream, 'agent-hr');
    if (ci.num_pending + ci.num_ack_pending === 0) return;
    if (Date.now() > until) throw new Error(`consumer not idle: ${JSON.stringify(ci)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function events(subject: string) {
  const out: Record<string, unknown>[] = [];
  const info = await jsm.streams.info(Names.eventsStream);
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(Names.eventsStream, { seq }).catch(() => null);
    if (m && m.subject === subject) out.push(m.json());
  }
  return out;
}

describe('task worker', () => {
  it('answers on the reply subject, stores both turns, publishes the event, then acks', async () => {
    const t = task('how many days?', { userId: 'alice' });
    const reply = await send(t);
    expect(reply).toMatchObject({
      ok: true,
      status: 'answered',
      agent: 'hr',
      sessionId: t.sessionId,
      text: 'answer to how many days?',
    });
    expect((reply.data as Record<string, unknown>).followUp).toBe('agents.hr.ask');
    const s = (await store.get(t.sessionId))!.session;
    expect(s).toMatchObject({ agent: 'hr', status: 'open', userId: 'alice' });
    expect(s.turns.map((x) => [x.role, x.text])).toEqual([
      ['user', 'how many days?'],
      ['agent', 'answer to how many days?'],
    ]);
    await consumerIdle();
    const answered = (await events('events.task.answered')).filter((e) => e.taskId === t.taskId);
    expect(answered).toHaveLength(1);
  });

  it('is idempotent by task id: a redelivered task re-sends the same answer and records nothing twice', async () => {
    const t = task('book two days');
    const first = await send(t);
    const before = calls.length;
    const second = await send(t, `redelivery-${t.taskId}`);
    expect(second).toEqual(first);
    expect(calls.length).toBe(before);
    const s = (await store.get(t.sessionId))!.session;
    expect(s.turns.filter((x) => x.taskId === t.taskId)).toHaveLength(2);
    await consumerIdle();
    expect((await events('events.hr.leave_requested')).filter((e) => e.taskId === t.taskId)).toHaveLength(1);
    expect((await events('events.task.answered')).filter((e) => e.taskId === t.taskId)).toHaveLength(1);
  });

  it('continues a session with history and closes it on END', async () => {
    const t1 = task('first');
    await send(t1);
    const r2 = await send(task('second', { sessionId: t1.sessionId, newSession: false }));
    expect(r2.status).toBe('answered');
    const r3 = await send(task('END', { sessionId: t1.sessionId, newSession: false }));
    expect(r3).toMatchObject({ status: 'ended' });
    expect((await store.get(t1.sessionId))!.session.status).toBe('ended');
    const r4 = await send(task('again', { sessionId: t1.sessionId, newSession: false }));
    expect(r4).toMatchObject({ ok: false, error: { code: 'session_closed' } });
    await consumerIdle();
  });

  it('answers unknown_session for a follow-up whose session does not exist, without a dead letter', async () => {
    const before = (await jsm.streams.info(Names.deadLetterStream)).state.messages;
    const r = await send(task('hello', { newSession: false }));
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown_session' } });
    await consumerIdle();
    expect((await jsm.streams.info(Names.deadLetterStream)).state.messages).toBe(before);
  });

  it('dead-letters an invalid task with its reason and answers the caller', async () => {
    const inbox = createInbox();
    const sub = nc.subscribe(inbox, { max: 1 });
    const { headers } = await import('@nats-io/transport-node');
    const h = headers();
    h.set(HeaderNames.replyTo, inbox);
    await js.publish('tasks.hr', '{"taskId": 5}', { headers: h });
    for await (const m of sub)
      expect(m.json()).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    await consumerIdle();
    const dl = await jsm.streams.getMessage(Names.deadLetterStream, { last_by_subj: 'dlq.hr' });
    expect(dl?.header.get('Switchboard-Dlq-Reason')).toBe('invalid_task');
    expect(dl?.string()).toBe('{"taskId": 5}');
  });

  it('retries a retryable failure with backoff and answers when a later delivery succeeds', async () => {
    behaviour = async (text, n) => {
      if (n < 2) throw new SwitchboardError('timeout', 'llm slow', { retryAfterMs: 100 });
      return { text: `late answer to ${text}` };
    };
    const r = await send(task('flaky'));
    expect(r).toMatchObject({ ok: true, text: 'late answer to flaky' });
    await consumerIdle();
  });

  it('dead-letters after the last delivery and answers the caller with an error', async () => {
    behaviour = async () => {
      throw new SwitchboardError('agent_unavailable', 'llm down', { retryAfterMs: 50 });
    };
    const t = task('always fails');
    const r = await send(t);
    expect(r).toMatchObject({ ok: false, error: { code: 'agent_unavailable' } });
    await consumerIdle();
    const dl = await jsm.streams.getMessage(Names.deadLetterStream, { last_by_subj: 'dlq.hr' });
    expect(dl?.header.get('Switchboard-Dlq-Reason')).toBe('max_deliveries');
    expect(dl?.header.get('Switchboard-Dlq-Deliveries')).toBe('3');
    expect(dl?.json<Task>().taskId).toBe(t.taskId);
    expect(await store.get(t.sessionId)).toBeNull();
  });

  it('keeps every turn when several turns of one session race (revision checks)', async () => {
    const t0 = task('open');
    await send(t0);
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        send(task(`parallel ${i}`, { sessionId: t0.sessionId, newSession: false })),
      ),
    );
    expect(replies.every((r) => r.ok === true)).toBe(true);
    const s = (await store.get(t0.sessionId))!.session;
    expect(s.turns).toHaveLength(2 + 12);
    await consumerIdle();
  });
});
