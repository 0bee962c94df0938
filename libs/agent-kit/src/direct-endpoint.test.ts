// The direct endpoint agents.<agent>.ask proves who is asking exactly like agents.ask: with the
// token public key a request needs a valid token, its userId must be the token's, and only the
// session's owner may continue it. The task worker then runs the turn as the token's user.
import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  connect,
  createInbox,
  headers,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import { HeaderNames, Names, type Task } from '@switchboard/contracts';
import {
  createLogger,
  createMetrics,
  createSessionStore,
  createTokenVerifier,
  ensureAgentConsumer,
  ensureBuckets,
  ensureStreams,
  generateTokenKeys,
  InFlight,
  issueToken,
  type SessionStore,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaskWorker } from './delivery/worker.js';
import { serveDirectEndpoint } from './direct-endpoint.js';
import type { Engine } from './engine.js';

let server: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
let store: SessionStore;
let worker: { stop(): Promise<void> };
const endpoints: Subscription[] = [];
const keys = generateTokenKeys();
const bearer: Record<string, string> = {};
const log = createLogger({ service: 'test', level: 'silent' });
const metrics = createMetrics('agent', { processMetrics: false });

/** Answers with the user the turn runs as. */
const engine: Engine = {
  async respond(input) {
    return { text: `answer for ${input.userId ?? 'nobody'}` };
  },
};

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await ensureStreams(jsm);
  store = createSessionStore((await ensureBuckets(nc)).sessions);
  for (const user of ['alice', 'bob']) bearer[user] = `Bearer ${await issueToken(keys.signingKeyPem, user)}`;
  const deps = { nc, js, store, log, metrics };
  // hr: secure mode, with a worker that answers; finance: open mode, its tasks only stored.
  endpoints.push(
    serveDirectEndpoint({
      ...deps,
      agent: 'hr',
      inFlight: new InFlight(),
      tokens: await createTokenVerifier(keys.publicKeyPem),
    }),
    serveDirectEndpoint({ ...deps, agent: 'finance', inFlight: new InFlight() }),
  );
  await ensureAgentConsumer(jsm, 'hr', { maxDeliver: 3, ackWaitMs: 5000 });
  worker = await startTaskWorker({
    ...deps,
    agent: 'hr',
    engine,
    inFlight: new InFlight(),
    concurrency: 4,
    maxDeliver: 3,
    ackWaitMs: 5000,
  });
});
afterAll(async () => {
  await worker?.stop();
  for (const e of endpoints) e.unsubscribe();
  await nc?.close();
  await server?.stop();
});

/** Asks on `agents.<agent>.ask` and returns the reply (the endpoint's error or the agent's answer). */
async function ask(
  agent: string,
  body: Record<string, unknown>,
  authorization?: string,
): Promise<Record<string, unknown>> {
  const h = headers();
  if (authorization) h.set(HeaderNames.authorization, authorization);
  return (
    await nc.request(`agents.${agent}.ask`, JSON.stringify(body), { timeout: 5000, headers: h })
  ).json();
}
const error = (code: string) => ({ ok: false, error: { code } });

/** The last task published for `agent`. */
async function lastTask(agent: string): Promise<Task> {
  const m = await jsm.streams.getMessage(Names.tasksStream, { last_by_subj: `tasks.${agent}` });
  return m!.json<Task>();
}

async function storedSession(sessionId: string, agent: string, userId: string) {
  const at = new Date().toISOString();
  await store.create({ sessionId, agent, status: 'open', createdAt: at, updatedAt: at, turns: [], userId });
}

describe('agents.hr.ask with the token public key', () => {
  it('refuses a request without a valid token as unauthorized', async () => {
    expect(await ask('hr', { text: 'how many days?', userId: 'alice' })).toMatchObject(error('unauthorized'));
    expect(await ask('hr', { text: 'how many days?' }, 'Bearer a.b.c')).toMatchObject(error('unauthorized'));
  });

  it("answers as the token's user in a new session with a random id, stored as that user's", async () => {
    const r = await ask('hr', { text: 'how many days?' }, bearer.alice);
    expect(r).toMatchObject({ ok: true, status: 'answered', agent: 'hr', text: 'answer for alice' });
    expect(r.sessionId).toMatch(/^[0-9a-f]{32}$/);
    expect((await store.get(String(r.sessionId)))?.session.userId).toBe('alice');
  });

  it("refuses a userId that is not the token's as forbidden", async () => {
    expect(await ask('hr', { text: 'how many days?', userId: 'bob' }, bearer.alice)).toMatchObject(
      error('forbidden'),
    );
  });

  it("lets only the session's owner continue it", async () => {
    const first = await ask('hr', { text: 'hello' }, bearer.alice);
    const followUp = { text: 'and now?', sessionId: first.sessionId };
    expect(await ask('hr', followUp, bearer.bob)).toMatchObject(error('forbidden'));
    expect(await ask('hr', { ...followUp, userId: 'alice' }, bearer.bob)).toMatchObject(error('forbidden'));
    const own = await ask('hr', followUp, bearer.alice);
    expect(own).toMatchObject({ ok: true, sessionId: first.sessionId, text: 'answer for alice' });
    const turns = (await store.get(String(first.sessionId)))?.session.turns ?? [];
    expect(turns.map((t) => t.text)).toEqual(['hello', 'answer for alice', 'and now?', 'answer for alice']);
  });

  it("says nothing about another user's session, not even which agent owns it", async () => {
    await storedSession('alices-finance', 'finance', 'alice');
    expect(await ask('hr', { text: 'hi', sessionId: 'alices-finance' }, bearer.bob)).toMatchObject(
      error('forbidden'),
    );
    expect(await ask('hr', { text: 'hi', sessionId: 'alices-finance' }, bearer.alice)).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', details: { agent: 'finance' } },
    });
  });
});

describe('agents.finance.ask in open mode', () => {
  it('trusts the userId of a request, but never hands a session to another user', async () => {
    const inbox = createInbox();
    nc.publish('agents.finance.ask', JSON.stringify({ text: 'my budget', userId: 'carol' }), {
      reply: inbox,
    });
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    const task = await lastTask('finance');
    expect(task).toMatchObject({ userId: 'carol', newSession: true });
    expect(task.taskId).toMatch(/^[0-9a-f]{32}$/);
    await storedSession('carols-open', 'finance', 'carol');
    expect(await ask('finance', { text: 'hi', sessionId: 'carols-open', userId: 'dave' })).toMatchObject(
      error('forbidden'),
    );
  });
});

describe('the budget on agents.<agent>.ask', () => {
  it('goes onto the task, the tighter of header and body; a malformed header is refused', async () => {
    const h = headers();
    h.set(HeaderNames.budget, 'tokens=900;usd=0.5');
    const body = JSON.stringify({ text: 'my budget', userId: 'carol', budget: { usd: 0.01 } });
    nc.publish('agents.finance.ask', body, { headers: h, reply: createInbox() });
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    const m = await jsm.streams.getMessage(Names.tasksStream, { last_by_subj: 'tasks.finance' });
    expect(m!.json<Task>().text).toBe('my budget');
    expect(m!.header.get(HeaderNames.budget)).toBe('tokens=900;usd=0.01');
    const bad = headers();
    bad.set(HeaderNames.budget, 'usd=-1');
    const r = await nc.request('agents.finance.ask', JSON.stringify({ text: 'x', userId: 'carol' }), {
      timeout: 5000,
      headers: bad,
    });
    expect(r.json()).toMatchObject(error('invalid_request'));
  });
});
