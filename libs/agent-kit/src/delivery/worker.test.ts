import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import {
  HeaderNames,
  Names,
  SwitchboardError,
  type Task,
  type Turn,
  type TurnRecorded,
} from '@switchboard/contracts';
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
  readTurns,
  type SessionStore,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { watchMaxDeliveries } from '../dead-letter.js';
import type { Engine } from '../engine.js';
import { startTaskWorker } from './worker.js';

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

/** Stores `t`'s session as an instance left it after answering: the question and `answer`. */
async function storeAnswered(t: Task, answer: Pick<Turn, 'text'> & Partial<Turn>): Promise<void> {
  const at = new Date().toISOString();
  await store.create({
    sessionId: t.sessionId,
    agent: t.agent,
    status: 'open',
    createdAt: at,
    updatedAt: at,
    turns: [
      { role: 'user', text: t.text, at, taskId: t.taskId },
      { role: 'agent', at, taskId: t.taskId, status: 'answered', ...answer },
    ],
  });
}

/** Publishes a task and resolves with the first reply on its reply subject. */
async function send(t: Task, msgId?: string): Promise<Record<string, unknown>> {
  const inbox = createInbox();
  const sub = nc.subscribe(inbox, { max: 1 });
  if (msgId) {
    // Same task, new publish id: a replay (`npm run dlq -- replay`), the one way a task comes back
    // with a fresh delivery count. JetStream's own redeliveries are covered by the chaos tests.
    const { headers } = await import('@nats-io/transport-node');
    const h = headers();
    h.set(HeaderNames.replyTo, inbox);
    h.set(HeaderNames.replay, '1');
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

/** The events in `AGENT_EVENTS` on `subject` (on any subject when it is not given). */
async function events(subject?: string) {
  const out: Record<string, unknown>[] = [];
  const info = await jsm.streams.info(Names.eventsStream);
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(Names.eventsStream, { seq }).catch(() => null);
    if (m && (subject === undefined || m.subject === subject)) out.push(m.json());
  }
  return out;
}

/** The turns of task `taskId` in the change feed of the sessions bucket, read by a new watch. */
async function recorded(taskId: string): Promise<TurnRecorded[]> {
  return (await readTurns(nc)).filter((t) => t.taskId === taskId);
}

describe('task worker', () => {
  it('answers on the reply subject, stores both turns (the turn event: no other write), then acks', async () => {
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
    expect(await recorded(t.taskId)).toMatchObject([
      { sessionId: t.sessionId, agent: 'hr', userId: 'alice', status: 'answered', opened: true },
    ]);
    // A turn that changes no data publishes no event.
    expect((await events()).filter((e) => e.taskId === t.taskId)).toEqual([]);
  });

  it('is idempotent by task id: a replayed task re-sends the same answer and records nothing twice', async () => {
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
    expect((await events()).filter((e) => e.taskId === t.taskId)).toHaveLength(1);
    expect(await recorded(t.taskId)).toHaveLength(1);
  });

  it('publishes the domain events of a turn again when its task reruns after the session write', async () => {
    // As if an instance wrote the answer (with its events) and died before publishing them.
    const t = task('book friday off', { newSession: false });
    await storeAnswered(t, { text: 'booked', events: [{ kind: 'leave_requested', data: { days: 1 } }] });
    const before = calls.length;
    expect(await send(t)).toMatchObject({ ok: true, text: 'booked' });
    await consumerIdle();
    expect(calls.length).toBe(before); // not run again
    const mine = (await events('events.hr.leave_requested')).filter((e) => e.taskId === t.taskId);
    expect(mine).toMatchObject([{ eventId: `${t.taskId}.hr.leave_requested.0`, data: { days: 1 } }]);
  });

  it('continues a session with history and closes it on END', async () => {
    const t1 = task('first');
    await send(t1);
    const r2 = await send(task('second', { sessionId: t1.sessionId, newSession: false }));
    expect(r2.status).toBe('answered');
    const t3 = task('END', { sessionId: t1.sessionId, newSession: false });
    const r3 = await send(t3);
    expect(r3).toMatchObject({ status: 'ended' });
    expect((await store.get(t1.sessionId))!.session.status).toBe('ended');
    expect(await recorded(t3.taskId)).toMatchObject([{ status: 'ended', opened: false }]);
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

  it('dead-letters a task whose reply subject is not an inbox, runs nothing and publishes nothing there', async () => {
    // The reply subject names an event subject: answering there would forge an event.
    const target = 'events.hr.leave_requested';
    const seen = nc.subscribe(target);
    const eventsBefore = (await jsm.streams.info(Names.eventsStream)).state.messages;
    const t = task('book leave for me');
    const { headers } = await import('@nats-io/transport-node');
    const h = headers();
    h.set(HeaderNames.replyTo, target);
    const callsBefore = calls.length;
    await js.publish('tasks.hr', JSON.stringify(t), { msgID: t.taskId, headers: h });
    await consumerIdle();
    await nc.flush();
    const dl = await jsm.streams.getMessage(Names.deadLetterStream, { last_by_subj: 'dlq.hr' });
    expect(dl?.json<Task>().taskId).toBe(t.taskId);
    expect(dl?.header.get('Switchboard-Dlq-Reason')).toBe('invalid_task');
    expect(dl?.header.get('Switchboard-Dlq-Detail')).toMatch(/not an inbox/);
    expect(calls.length).toBe(callsBefore);
    expect(seen.getReceived()).toBe(0);
    expect((await jsm.streams.info(Names.eventsStream)).state.messages).toBe(eventsBefore);
    expect(await store.get(t.sessionId)).toBeNull();
    seen.unsubscribe();
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

// ---- Delivery under stops, slow turns, lost consumers and server restarts (issue #5) ----

/** A worker for its own agent type and consumer, so these tests do not disturb the `hr` one. */
async function workerFor(
  agentName: string,
  eng: Engine,
  over: { ackWaitMs?: number; maxDeliver?: number; concurrency?: number; drainTimeoutMs?: number } = {},
) {
  const ackWaitMs = over.ackWaitMs ?? 5000;
  const maxDeliver = over.maxDeliver ?? 5;
  const ensureConsumer = async () => {
    await ensureAgentConsumer(jsm, agentName, { maxDeliver, ackWaitMs });
  };
  await ensureConsumer();
  return startTaskWorker({
    agent: agentName,
    nc,
    js,
    store,
    engine: eng,
    log,
    metrics,
    inFlight: new InFlight(),
    concurrency: over.concurrency ?? 4,
    maxDeliver,
    ackWaitMs,
    ensureConsumer,
    ...(over.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: over.drainTimeoutMs }),
  });
}

/** Publishes tasks on one inbox and counts every reply per session (a second reply is a duplicate). */
function replyCounter() {
  const inbox = createInbox();
  const counts = new Map<string, number>();
  const sub = nc.subscribe(inbox, {
    callback: (_err, m) => {
      const body = m.json<{ sessionId?: string }>();
      counts.set(body.sessionId ?? '?', (counts.get(body.sessionId ?? '?') ?? 0) + 1);
    },
  });
  return {
    inbox,
    counts,
    answered: () => counts.size,
    duplicates: () => [...counts.values()].filter((n) => n > 1).length,
    close: () => sub.unsubscribe(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

async function consumerState(agentName: string) {
  const ci = await jsm.consumers.info(Names.tasksStream, Names.agentConsumer(agentName));
  return { pending: ci.num_pending, ackPending: ci.num_ack_pending, redelivered: ci.num_redelivered };
}

describe('task worker delivery', () => {
  it('keeps a turn longer than the ack wait from being redelivered (in-progress acks)', async () => {
    let runs = 0;
    const w = await workerFor(
      'slow',
      {
        async respond() {
          runs++;
          await sleep(5000);
          return { text: 'slow answer' };
        },
      },
      { ackWaitMs: 2000 },
    );
    const replies = replyCounter();
    const t = task('take your time', { agent: 'slow' });
    await publishTask(js, t, { replyTo: replies.inbox });
    await until('the slow answer', () => replies.answered() === 1, 10_000);
    await sleep(300);
    expect(runs).toBe(1);
    expect(replies.duplicates()).toBe(0);
    expect(await consumerState('slow')).toEqual({ pending: 0, ackPending: 0, redelivered: 0 });
    replies.close();
    await w.stop();
  }, 15_000);

  it('drains at once: unstarted tasks go back to the stream, in-flight ones finish, nothing waits for the ack wait', async () => {
    const slowEngine: Engine = {
      async respond(input) {
        await sleep(400);
        return { text: `answer to ${input.text}` };
      },
    };
    // A 30 s ack wait: a task held and dropped by the stop would show as a 30 s delay.
    const a = await workerFor('drain', slowEngine, { ackWaitMs: 30_000, concurrency: 4 });
    const replies = replyCounter();
    for (let i = 0; i < 20; i++)
      await publishTask(js, task(`q${i}`, { agent: 'drain' }), { replyTo: replies.inbox });
    await until('4 tasks in flight', async () => (await consumerState('drain')).ackPending === 4);
    const started = Date.now();
    await a.stop();
    const stopMs = Date.now() - started;
    expect(stopMs).toBeLessThan(1500);
    // The in-flight four were answered; nothing is held any more.
    expect(replies.answered()).toBeGreaterThanOrEqual(4);
    expect((await consumerState('drain')).ackPending).toBe(0);

    const b = await workerFor('drain', slowEngine, { ackWaitMs: 30_000, concurrency: 8 });
    await until('all 20 answered', () => replies.answered() === 20, 8000);
    await sleep(300);
    expect(replies.duplicates()).toBe(0);
    replies.close();
    await b.stop();
  }, 20_000);

  it('gives back at once the tasks that arrive while it stops', async () => {
    const answer: Engine = {
      async respond(input) {
        return { text: `answer to ${input.text}` };
      },
    };
    const a = await workerFor('late', answer, { ackWaitMs: 30_000, concurrency: 4 });
    await sleep(100); // idle: a pull request for 4 tasks is waiting on the server
    const replies = replyCounter();
    const stopping = a.stop();
    for (let i = 0; i < 3; i++)
      await publishTask(js, task(`late ${i}`, { agent: 'late' }), { replyTo: replies.inbox });
    await stopping;
    expect(replies.answered()).toBe(0);
    // Released, not held: with a 30 s ack wait, the next instance gets them at once.
    const b = await workerFor('late', answer);
    await until('3 answers', () => replies.answered() === 3, 1500);
    await sleep(200);
    expect(replies.duplicates()).toBe(0);
    replies.close();
    await b.stop();
  });

  it('releases tasks still running at the drain timeout; another instance answers each exactly once', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const stuck: Engine = {
      async respond(input) {
        await gate;
        return { text: `late ${input.text}` };
      },
    };
    const a = await workerFor('stuck', stuck, { ackWaitMs: 30_000, drainTimeoutMs: 300 });
    const replies = replyCounter();
    for (let i = 0; i < 3; i++)
      await publishTask(js, task(`s${i}`, { agent: 'stuck' }), { replyTo: replies.inbox });
    await until('3 tasks in flight', async () => (await consumerState('stuck')).ackPending === 3);
    const started = Date.now();
    await a.stop();
    // The drain timeout, then at most one pull request's expiry (1 s).
    expect(Date.now() - started).toBeLessThan(2000);
    release(); // the old turns finish now, after their release: they must not answer
    const b = await workerFor('stuck', {
      async respond(input) {
        return { text: `fresh ${input.text}` };
      },
    });
    await until('3 answers', () => replies.answered() === 3, 5000);
    await sleep(500);
    expect(replies.duplicates()).toBe(0);
    replies.close();
    await b.stop();
  }, 15_000);

  it('recreates a deleted consumer and carries on', async () => {
    const w = await workerFor('phoenix', {
      async respond(input) {
        return { text: `back: ${input.text}` };
      },
    });
    await jsm.consumers.delete(Names.tasksStream, Names.agentConsumer('phoenix'));
    const replies = replyCounter();
    await publishTask(js, task('still there?', { agent: 'phoenix' }), { replyTo: replies.inbox });
    await until('the answer after the consumer came back', () => replies.answered() === 1, 10_000);
    replies.close();
    await w.stop();
  }, 15_000);
});

describe('max-deliveries watcher', () => {
  it('dead-letters a task whose last delivery ended without a decision, and tells the caller', async () => {
    await ensureAgentConsumer(jsm, 'orphan', { maxDeliver: 1, ackWaitMs: 1000 });
    const watcher = watchMaxDeliveries({ agent: 'orphan', nc, js, jsm, store, log, metrics });
    await nc.flush();
    const replies = replyCounter();
    const lost = task('nobody will answer', { agent: 'orphan' });
    await publishTask(js, lost, { replyTo: replies.inbox });
    // An instance takes its only delivery and dies: no ack, no nak.
    const consumer = await js.consumers.get(Names.tasksStream, Names.agentConsumer('orphan'));
    const taken = await consumer.next({ expires: 2000 });
    expect(taken?.info.deliveryCount).toBe(1);
    // The server notices the used-up deliveries when it next tries to deliver: a live instance's pull.
    await sleep(1200);
    expect(await consumer.next({ expires: 2000 })).toBeNull();
    await until('the error reply', () => replies.answered() === 1, 8000);
    const dl = await jsm.streams.getMessage(Names.deadLetterStream, { last_by_subj: 'dlq.orphan' });
    expect(dl?.header.get('Switchboard-Dlq-Reason')).toBe('max_deliveries');
    expect(dl?.json<Task>().taskId).toBe(lost.taskId);
    replies.close();
    await watcher.drain();
  }, 15_000);

  it('re-sends the stored answer, without a dead letter, when the session already holds it', async () => {
    await ensureAgentConsumer(jsm, 'answered', { maxDeliver: 1, ackWaitMs: 1000 });
    const watcher = watchMaxDeliveries({ agent: 'answered', nc, js, jsm, store, log, metrics });
    await nc.flush();
    const t = task('answered, then the instance died', { agent: 'answered' });
    // The turn was stored (answered), but the reply and ack were lost with the instance.
    await storeAnswered(t, { text: 'the stored answer', data: { n: 1 } });
    const inbox = createInbox();
    const sub = nc.subscribe(inbox, { max: 1 });
    await publishTask(js, t, { replyTo: inbox });
    const consumer = await js.consumers.get(Names.tasksStream, Names.agentConsumer('answered'));
    expect((await consumer.next({ expires: 2000 }))?.info.deliveryCount).toBe(1);
    await sleep(1200);
    expect(await consumer.next({ expires: 2000 })).toBeNull();
    let reply: unknown;
    for await (const m of sub) reply = m.json();
    expect(reply).toEqual({
      ok: true,
      status: 'answered',
      sessionId: t.sessionId,
      agent: 'answered',
      text: 'the stored answer',
      data: { n: 1 },
    });
    expect(await jsm.streams.getMessage(Names.deadLetterStream, { last_by_subj: 'dlq.answered' })).toBeNull();
    await watcher.drain();
  }, 15_000);
});

// Last: it restarts the shared server.
describe('task worker across a server restart', () => {
  it('resumes pulling after nats-server restarts with the same store', async () => {
    const w = await workerFor('restart', {
      async respond(input) {
        return { text: `after restart: ${input.text}` };
      },
    });
    await server.kill('SIGKILL');
    await sleep(300);
    await server.restart();
    await until('reconnected', async () => {
      try {
        await nc.flush();
        return true;
      } catch {
        return false;
      }
    });
    const replies = replyCounter();
    const sent = Date.now();
    // The stream may take a moment to be back: retry the publish like the router does.
    await until('task accepted', async () => {
      try {
        await publishTask(js, task('hello again', { agent: 'restart' }), { replyTo: replies.inbox });
        return true;
      } catch {
        return false;
      }
    });
    await until('an answer after the restart', () => replies.answered() === 1, 10_000);
    expect(Date.now() - sent).toBeLessThan(6000);
    replies.close();
    await w.stop();
  }, 30_000);
});
