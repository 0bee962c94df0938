import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { HeaderNames, Names, type Session, type Task } from '@switchboard/contracts';
import {
  createGuard,
  createLogger,
  createMetrics,
  createSessionStore,
  createTokenVerifier,
  ensureBuckets,
  ensureStreams,
  generateTokenKeys,
  InFlight,
  issueToken,
  type SessionStore,
  serveEndpoint,
  type TokenVerifier,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AgentView, Classifier } from './classify/types.js';
import { createGatherInbox } from './gather/inbox.js';
import { createGatherer } from './gather/scatter.js';
import { createRouteHandler } from './router.js';

let server: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let store: SessionStore;
const log = createLogger({ service: 'test', level: 'silent' });
const metrics = createMetrics('router', { processMetrics: false });
let agents: AgentView[] = [];
const keys = generateTokenKeys();
/** `Bearer <token>` of alice and bob. */
const bearer: Record<string, string> = {};

const view = (name: string, instances: number): AgentView => ({
  name,
  description: name,
  intents: [],
  examples: [],
  subject: `agents.${name}.ask`,
  instances,
});
/** A classifier that picks the agent named in the text, or none. */
const classifier: Classifier = {
  async classify(text, list) {
    const hit = list.find((a) => text.includes(a.name));
    return { agent: hit?.name ?? null, method: 'embedded' };
  },
};

/**
 * Serves the route handler with `c` on `subject`, as the router's main does; with `tokens` callers
 * must prove who they are (secure mode).
 */
async function serveRouter(subject: string, c: Classifier, tokens?: TokenVerifier) {
  const publishGuard = createGuard({ target: 'jetstream', timeoutMs: 2000 }, metrics);
  const handle = createRouteHandler({
    js,
    store,
    registry: { views: () => agents },
    classifier: c,
    publishGuard,
    gatherer: createGatherer({
      js,
      store,
      inbox: await createGatherInbox(nc, log),
      publishGuard,
      metrics,
      classifier: c,
      settings: { timeoutMs: 1000, marginMs: 50, lateMs: 0 },
    }),
    metrics,
    clarifyText: (list) => `I can connect you with: ${list.map((a) => a.name).join(', ')}`,
    ...(tokens ? { tokens } : {}),
  });
  return serveEndpoint({
    nc,
    subject,
    queue: 'router',
    endpoint: 'agents.ask',
    log,
    metrics,
    inFlight: new InFlight(),
    handle,
  });
}

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  jsm = await jetstreamManager(nc);
  js = jetstream(nc);
  await ensureStreams(jsm);
  store = createSessionStore((await ensureBuckets(nc)).sessions);
  await serveRouter('agents.ask', classifier);
  for (const user of ['alice', 'bob']) bearer[user] = `Bearer ${await issueToken(keys.signingKeyPem, user)}`;
  await serveRouter('secure.ask', classifier, await createTokenVerifier(keys.publicKeyPem));
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});
beforeEach(async () => {
  await jsm.streams.purge(Names.tasksStream);
  agents = [view('hr', 1), view('finance', 1)];
});

async function taskCount() {
  return (await jsm.streams.info(Names.tasksStream)).state.messages;
}
async function lastTask(agent: string) {
  const m = await jsm.streams.getMessage(Names.tasksStream, { last_by_subj: `tasks.${agent}` });
  return { task: m!.json<Task>(), headers: m!.header };
}

describe('router on agents.ask', () => {
  it('hands a new conversation to the chosen agent with the reply subject in a header, and does not answer itself', async () => {
    const inbox = nc.subscribe('_INBOX.test1', { max: 1 });
    nc.publish('agents.ask', JSON.stringify({ text: 'ask hr please', userId: 'alice' }), {
      reply: '_INBOX.test1',
    });
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect(await taskCount()).toBe(1);
    const { task, headers: h } = await lastTask('hr');
    expect(task).toMatchObject({ agent: 'hr', text: 'ask hr please', userId: 'alice', newSession: true });
    expect(h.get(HeaderNames.replyTo)).toBe('_INBOX.test1');
    expect(h.get('Nats-Msg-Id')).toBe(task.taskId);
    expect(inbox.getProcessed()).toBe(0);
    inbox.unsubscribe();
  });

  it('takes a plain-text payload as the text', async () => {
    nc.publish('agents.ask', 'hello finance team');
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect((await lastTask('finance')).task.text).toBe('hello finance team');
  });

  it('answers clarify when no agent fits, and publishes nothing', async () => {
    const r = (await nc.request('agents.ask', 'what is the weather?', { timeout: 2000 })).json<
      Record<string, unknown>
    >();
    expect(r).toMatchObject({ ok: true, status: 'clarify', agent: null });
    expect(String(r.text)).toContain('hr');
    expect(await taskCount()).toBe(0);
  });

  it('answers queued at once when the agent has no live instance, and stores the session', async () => {
    agents = [view('hr', 0), view('finance', 0)];
    const r = (await nc.request('agents.ask', JSON.stringify({ text: 'ask hr' }), { timeout: 2000 })).json<{
      status: string;
      sessionId: string;
      agent: string;
    }>();
    expect(r).toMatchObject({ status: 'queued', agent: 'hr' });
    expect(await taskCount()).toBe(1);
    const { headers: h } = await lastTask('hr');
    expect(h.get(HeaderNames.replyTo)).toBe('');
    const stored = await store.get(r.sessionId);
    expect(stored?.session).toMatchObject({ agent: 'hr', status: 'open' });
    expect(stored?.session.turns.map((t) => t.text)).toEqual(['ask hr']);
  });

  it('sends a request to the agent whose domain it is even while only another agent is alive', async () => {
    agents = [view('hr', 0), view('finance', 1)];
    const r = (await nc.request('agents.ask', 'ask hr or finance', { timeout: 2000 })).json<{
      status: string;
      agent: string;
    }>();
    // hr fits first and has no live instance: stored for hr, never handed to the live finance agent.
    expect(r).toMatchObject({ status: 'queued', agent: 'hr' });
    expect(await taskCount()).toBe(1);
    expect((await lastTask('hr')).task.text).toBe('ask hr or finance');
  });

  it('queues for a dead agent when no live agent fits, even while other agents are alive', async () => {
    agents = [view('hr', 0), view('finance', 1)];
    const r = (await nc.request('agents.ask', 'ask hr please', { timeout: 2000 })).json<{
      status: string;
      agent: string;
    }>();
    expect(r).toMatchObject({ status: 'queued', agent: 'hr' });
    expect((await lastTask('hr')).task.text).toBe('ask hr please');
  });

  it('follows the session owner for follow-ups', async () => {
    const at = new Date().toISOString();
    await store.create({
      sessionId: 'owned-by-fin',
      agent: 'finance',
      status: 'open',
      createdAt: at,
      updatedAt: at,
      turns: [],
    });
    nc.publish('agents.ask', JSON.stringify({ text: 'ask hr now', sessionId: 'owned-by-fin' }), {
      reply: '_INBOX.x',
    });
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    const { task } = await lastTask('finance');
    expect(task).toMatchObject({ sessionId: 'owned-by-fin', newSession: false });
  });

  it.each([
    ['unsafe session id a.>', { text: 'hi', sessionId: 'a.>' }, 'invalid_request'],
    ['unsafe session id *', { text: 'hi', sessionId: '*' }, 'invalid_request'],
    ['unknown session', { text: 'hi', sessionId: 'nope' }, 'unknown_session'],
    ['empty text', { text: '' }, 'invalid_request'],
    ['text over the limit', { text: 'x'.repeat(4001) }, 'payload_too_large'],
    ['an unknown field', { text: 'hi', more: 1 }, 'invalid_request'],
  ])('refuses %s with %s and publishes nothing', async (_label, body, code) => {
    const m: Msg = await nc.request('agents.ask', JSON.stringify(body), { timeout: 2000 });
    expect(m.json()).toMatchObject({ ok: false, error: { code } });
    expect(m.headers?.get(HeaderNames.microErrorCode)).toMatch(/^4\d\d$/);
    expect(await taskCount()).toBe(0);
  });

  it('refuses a closed session', async () => {
    const at = new Date().toISOString();
    await store.create({
      sessionId: 'closed-1',
      agent: 'hr',
      status: 'ended',
      createdAt: at,
      updatedAt: at,
      turns: [],
    });
    const r = (
      await nc.request('agents.ask', JSON.stringify({ text: 'hi', sessionId: 'closed-1' }), { timeout: 2000 })
    ).json();
    expect(r).toMatchObject({ ok: false, error: { code: 'session_closed' } });
    expect(await taskCount()).toBe(0);
  });

  it("carries the caller's trace id to the task with a new span id, and starts a trace when none came", async () => {
    const h = headers();
    h.set(HeaderNames.traceparent, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    nc.publish('agents.ask', 'hr traced', { headers: h });
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    const tp = (await lastTask('hr')).headers.get(HeaderNames.traceparent);
    expect(tp).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(tp).not.toContain('00f067aa0ba902b7');
    nc.publish('agents.ask', 'hr untraced');
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect((await lastTask('hr')).headers.get(HeaderNames.traceparent)).toMatch(
      /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/,
    );
  });

  it("passes the caller's deadline on to a live task, and none to a queued one (nobody waits for it)", async () => {
    const deadline = Date.now() + 30_000;
    const h = headers();
    h.set(HeaderNames.deadline, String(deadline));
    nc.publish('agents.ask', 'hr with a deadline', { headers: h, reply: '_INBOX.deadline' });
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect((await lastTask('hr')).headers.get(HeaderNames.deadline)).toBe(String(deadline));
    agents = [view('hr', 0), view('finance', 0)];
    const r = await nc.request('agents.ask', 'hr while down', { timeout: 2000, headers: h });
    expect(r.json()).toMatchObject({ status: 'queued', agent: 'hr' });
    const queued = await lastTask('hr');
    expect(queued.task.text).toBe('hr while down');
    expect(queued.headers.get(HeaderNames.deadline)).toBe('');
  });

  it('copies the budget onto the task, queued or not: the tighter of header and body; a malformed header is refused', async () => {
    const h = headers();
    h.set(HeaderNames.budget, 'tokens=2000;usd=0.05');
    const body = JSON.stringify({ text: 'hr with a budget', budget: { tokens: 1500 } });
    nc.publish('agents.ask', body, { headers: h, reply: '_INBOX.budget' });
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect((await lastTask('hr')).headers.get(HeaderNames.budget)).toBe('tokens=1500;usd=0.05');
    agents = [view('hr', 0), view('finance', 0)];
    const r = await nc.request('agents.ask', 'hr while down', { timeout: 2000, headers: h });
    expect(r.json()).toMatchObject({ status: 'queued', agent: 'hr' });
    expect((await lastTask('hr')).headers.get(HeaderNames.budget)).toBe('tokens=2000;usd=0.05');
    const before = await taskCount();
    const bad = headers();
    bad.set(HeaderNames.budget, 'tokens=lots');
    const refused = await nc.request('agents.ask', 'hr question', { timeout: 2000, headers: bad });
    expect(refused.json()).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await taskCount()).toBe(before);
  });

  it('keeps the request id from the caller on the task', async () => {
    const h = headers();
    h.set(HeaderNames.requestId, 'caller-req-1');
    nc.publish('agents.ask', 'hr question', { headers: h });
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect((await lastTask('hr')).task.requestId).toBe('caller-req-1');
  });
});

// Callers prove who they are: with the token public key every request needs a valid token, its
// userId must be the token's, and a session can be continued only by its owner.
/** Sends `body` to `subject` with the given headers and returns the reply, or `null` when the router handed the request on. */
async function send(
  subject: string,
  body: Record<string, unknown>,
  h: Record<string, string> = {},
): Promise<Record<string, unknown> | null> {
  const hdrs = headers();
  for (const [k, v] of Object.entries(h)) hdrs.set(k, v);
  const inbox = `_INBOX.${Math.random().toString(36).slice(2)}`;
  const sub = nc.subscribe(inbox, { max: 1 });
  nc.publish(subject, JSON.stringify(body), { headers: hdrs, reply: inbox });
  const timer = setTimeout(() => sub.unsubscribe(), 500);
  for await (const m of sub) {
    clearTimeout(timer);
    return m.json();
  }
  return null;
}

async function session(id: string, userId: string | undefined, status: Session['status'] = 'open') {
  const at = new Date().toISOString();
  await store.create({
    sessionId: id,
    agent: 'hr',
    status,
    createdAt: at,
    updatedAt: at,
    turns: [],
    ...(userId ? { userId } : {}),
  });
}
const error = (code: string) => ({ ok: false, error: { code } });

describe('agents.ask with the token public key', () => {
  it.each([
    ['no Authorization header', {}],
    ['a token that is not valid', { Authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.e30.c2ln' }],
    ['an API key instead of a token', { Authorization: 'Bearer sk-my-key' }],
  ])('refuses %s as unauthorized and publishes nothing', async (_label, h) => {
    expect(await send('secure.ask', { text: 'ask hr', userId: 'alice' }, h)).toMatchObject(
      error('unauthorized'),
    );
    expect(await taskCount()).toBe(0);
  });

  it("puts the token's user on the task and in its Switchboard-User header, never the token", async () => {
    expect(await send('secure.ask', { text: 'ask hr' }, { Authorization: bearer.alice! })).toBeNull();
    const { task, headers: h } = await lastTask('hr');
    expect(task.userId).toBe('alice');
    expect(h.get(HeaderNames.userId)).toBe('alice');
    expect(h.get(HeaderNames.authorization)).toBe('');
    expect(task.taskId).toMatch(/^[0-9a-f]{32}$/);
    expect(task.sessionId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('ignores a Switchboard-User header sent by the caller: only the token counts', async () => {
    await send(
      'secure.ask',
      { text: 'ask hr' },
      { Authorization: bearer.alice!, [HeaderNames.userId]: 'bob' },
    );
    const { task, headers: h } = await lastTask('hr');
    expect(task.userId).toBe('alice');
    expect(h.get(HeaderNames.userId)).toBe('alice');
  });

  it("refuses a userId that is not the token's as forbidden, and accepts the token's own", async () => {
    expect(
      await send('secure.ask', { text: 'ask hr', userId: 'bob' }, { Authorization: bearer.alice! }),
    ).toMatchObject(error('forbidden'));
    expect(await taskCount()).toBe(0);
    expect(
      await send('secure.ask', { text: 'ask hr', userId: 'alice' }, { Authorization: bearer.alice! }),
    ).toBeNull();
    expect((await lastTask('hr')).task.userId).toBe('alice');
  });

  it("lets only the session's owner continue it", async () => {
    await session('alices-1', 'alice');
    const followUp = { text: 'and next week?', sessionId: 'alices-1' };
    expect(await send('secure.ask', followUp, { Authorization: bearer.bob! })).toMatchObject(
      error('forbidden'),
    );
    expect(
      await send('secure.ask', { ...followUp, userId: 'alice' }, { Authorization: bearer.bob! }),
    ).toMatchObject(error('forbidden'));
    expect(await taskCount()).toBe(0);
    expect(await send('secure.ask', followUp, { Authorization: bearer.alice! })).toBeNull();
    expect((await lastTask('hr')).task).toMatchObject({
      sessionId: 'alices-1',
      userId: 'alice',
      newSession: false,
    });
  });

  it('refuses a session of nobody, and says nothing about the state of a session of another user', async () => {
    await session('nobodys-1', undefined);
    await session('alices-closed', 'alice', 'ended');
    expect(
      await send('secure.ask', { text: 'hi', sessionId: 'nobodys-1' }, { Authorization: bearer.bob! }),
    ).toMatchObject(error('forbidden'));
    expect(
      await send('secure.ask', { text: 'hi', sessionId: 'alices-closed' }, { Authorization: bearer.bob! }),
    ).toMatchObject(error('forbidden'));
    expect(
      await send('secure.ask', { text: 'hi', sessionId: 'alices-closed' }, { Authorization: bearer.alice! }),
    ).toMatchObject(error('session_closed'));
    expect(await taskCount()).toBe(0);
  });

  it("stores a queued session as the token's user", async () => {
    agents = [view('hr', 0), view('finance', 0)];
    const r = await send('secure.ask', { text: 'ask hr' }, { Authorization: bearer.bob! });
    expect(r).toMatchObject({ ok: true, status: 'queued', agent: 'hr' });
    const stored = await store.get(String(r?.sessionId));
    expect(stored?.session.userId).toBe('bob');
    expect(stored?.session.sessionId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('agents.ask in open mode (no token public key)', () => {
  it('trusts the userId of a request and needs no token', async () => {
    expect(await send('agents.ask', { text: 'ask hr', userId: 'carol' })).toBeNull();
    expect((await lastTask('hr')).task.userId).toBe('carol');
  });

  it('never hands a session to another user: naming another user is forbidden, naming nobody continues as the owner', async () => {
    await session('alices-open', 'alice');
    expect(await send('agents.ask', { text: 'hi', sessionId: 'alices-open', userId: 'dave' })).toMatchObject(
      error('forbidden'),
    );
    expect(await taskCount()).toBe(0);
    expect(await send('agents.ask', { text: 'hi', sessionId: 'alices-open' })).toBeNull();
    const { task } = await lastTask('hr');
    expect(task.sessionId).toBe('alices-open');
    // No user on the task: the agent takes the session's.
    expect(task.userId).toBeUndefined();
  });

  it('gives random ids to sessions, also to a clarify reply', async () => {
    const r = await send('agents.ask', { text: 'what is the weather?' });
    expect(r).toMatchObject({ ok: true, status: 'clarify' });
    expect(r?.sessionId).toMatch(/^[0-9a-f]{32}$/);
  });
});
