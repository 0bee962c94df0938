// Scatter-gather in the router against a real nats-server: the route handler as main.ts wires it,
// and stand-in agents that are plain NATS subscribers on `tasks.<agent>` answering the task's
// reply subject (what a real agent's worker does), or staying silent.
import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { type AskReplyOk, HeaderNames, Names, type Task } from '@switchboard/contracts';
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
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AgentView, Classifier } from '../classify/types.js';
import { createRouteHandler } from '../router.js';
import { createGatherInbox, type GatherInbox } from './inbox.js';
import { createGatherer } from './scatter.js';

let server: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
let store: SessionStore;
const log = createLogger({ service: 'test', level: 'silent' });
const metrics = createMetrics('router', { processMetrics: false });
const keys = generateTokenKeys();
let agents: AgentView[] = [];
const LATE_MS = 60_000;

const view = (name: string, instances: number): AgentView => ({
  name,
  description: name,
  intents: [],
  examples: [],
  subject: `agents.${name}.ask`,
  instances,
});

/**
 * Splits "… hr … and … finance …" into two parts; otherwise picks the agent named in the text
 * (among the agents it is given), or none.
 */
const classifier: Classifier = {
  async classify(text, list) {
    const names = list.map((a) => a.name);
    const cut = text.indexOf(' and ');
    if (cut > 0) {
      const [a, b] = [text.slice(0, cut), text.slice(cut + 5)];
      const pa = names.find((n) => a.includes(n));
      const pb = names.find((n) => b.includes(n));
      if (pa && pb && pa !== pb) {
        return {
          agent: pa,
          method: 'embedded',
          parts: [
            { agent: pa, text: a },
            { agent: pb, text: b },
          ],
        };
      }
    }
    return { agent: names.find((n) => text.includes(n)) ?? null, method: 'embedded' };
  },
};

async function serveRouter(subject: string, tokens?: TokenVerifier): Promise<GatherInbox> {
  const js = jetstream(nc);
  const inbox = await createGatherInbox(nc, log);
  const publishGuard = createGuard({ target: 'jetstream', timeoutMs: 2000 }, metrics);
  const handle = createRouteHandler({
    js,
    store,
    registry: { views: () => agents },
    classifier,
    publishGuard,
    metrics,
    clarifyText: () => 'nobody fits',
    gatherer: createGatherer({
      js,
      store,
      inbox,
      publishGuard,
      metrics,
      classifier,
      settings: { timeoutMs: 1500, marginMs: 100, lateMs: LATE_MS },
    }),
    ...(tokens ? { tokens } : {}),
  });
  serveEndpoint({
    nc,
    subject,
    queue: 'router',
    endpoint: 'agents.ask',
    log,
    metrics,
    inFlight: new InFlight(),
    handle,
  });
  return inbox;
}

/** Tasks seen by the stand-in agents, with their headers. */
const seen: { task: Task; headers: Msg['headers'] }[] = [];
const agentSubs: Subscription[] = [];

/** A stand-in agent: answers each task on its reply subject (like an agent's worker), unless silent. */
function standIn(agent: string, mode: 'answer' | 'silent' | 'refuse' = 'answer'): void {
  agentSubs.push(
    nc.subscribe(`tasks.${agent}`, {
      callback: (_err, m) => {
        const task = m.json<Task>();
        seen.push({ task, headers: m.headers });
        const replyTo = m.headers?.get(HeaderNames.replyTo);
        if (!replyTo || mode === 'silent') return;
        const reply =
          mode === 'refuse'
            ? { ok: false, error: { code: 'session_closed', message: 'this session has ended' } }
            : {
                ok: true,
                status: /^end$/i.test(task.text) ? 'ended' : 'answered',
                sessionId: task.sessionId,
                agent,
                text: `${agent} on "${task.text}"`,
                data: { followUp: `agents.${agent}.ask`, tool: `${agent}-tool` },
              };
        nc.publish(replyTo, JSON.stringify(reply));
      },
    }),
  );
}

async function ask(subject: string, body: Record<string, unknown>, h: Record<string, string> = {}) {
  const hdrs = headers();
  for (const [k, v] of Object.entries(h)) hdrs.set(k, v);
  const m = await nc.request(subject, JSON.stringify(body), { timeout: 5000, headers: hdrs });
  return m.json<AskReplyOk & { ok: boolean; error?: { code: string } }>();
}

function counter(outcome: string): Promise<number> {
  return metrics.workflows.get().then((m) => {
    const v = m.values.find((x) => x.labels.flow === 'scatter_gather' && x.labels.outcome === outcome);
    return v?.value ?? 0;
  });
}

const TWO = 'how many hr vacation days do I have and how much finance travel budget is left?';
interface Part {
  agent: string;
  sessionId: string;
  status: string;
  text: string;
  followUp: string;
  data?: Record<string, unknown>;
}
const partsOf = (r: AskReplyOk) => r.data?.parts as Part[];

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  store = createSessionStore((await ensureBuckets(nc)).sessions);
  await serveRouter('agents.ask');
  await serveRouter('secure.ask', await createTokenVerifier(keys.publicKeyPem));
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});
beforeEach(async () => {
  await jsm.streams.purge(Names.tasksStream);
  agents = [view('hr', 1), view('finance', 1)];
  seen.length = 0;
});
afterEach(() => {
  for (const s of agentSubs.splice(0)) s.unsubscribe();
});

describe('a question for two agents', () => {
  it('sends each part to its agent at once and answers once with both parts marked by agent', async () => {
    standIn('hr');
    standIn('finance');
    const [started, completed] = [await counter('started'), await counter('completed')];
    const deadline = Date.now() + 20_000;
    const r = await ask(
      'agents.ask',
      { text: TWO, userId: 'alice' },
      { [HeaderNames.deadline]: String(deadline) },
    );

    expect(r).toMatchObject({ ok: true, status: 'answered', agent: null });
    expect(r.text).toBe(
      '[hr] hr on "how many hr vacation days do I have"\n\n[finance] finance on "how much finance travel budget is left?"',
    );
    const parts = partsOf(r);
    expect(parts.map((p) => [p.agent, p.status, p.followUp])).toEqual([
      ['hr', 'answered', 'agents.hr.ask'],
      ['finance', 'answered', 'agents.finance.ask'],
    ]);
    expect(parts[0]!.data).toEqual({ tool: 'hr-tool' });
    expect(r.data).toMatchObject({ followUp: 'agents.ask', partial: false });

    // One task per part, each in its own new session, replies to this router's inbox, the
    // caller's deadline (plus the late allowance) and the caller's user on each.
    expect(seen.map((s) => s.task.agent).sort()).toEqual(['finance', 'hr']);
    const subjects = new Set<string>();
    for (const { task, headers: h } of seen) {
      const part = parts.find((p) => p.agent === task.agent)!;
      expect(task).toMatchObject({ sessionId: part.sessionId, userId: 'alice', newSession: false });
      expect(h?.get(HeaderNames.replyTo)).toMatch(/^_INBOX\.[A-Za-z0-9]+\.[A-Za-z0-9]+\.[01]$/);
      subjects.add(h!.get(HeaderNames.replyTo));
      expect(h?.get(HeaderNames.deadline)).toBe(String(deadline + LATE_MS));
      expect(task.otherIntents).toBeUndefined();
    }
    expect(subjects.size).toBe(2);

    // The part sessions hold the questions (their agents add the answers); the group names them.
    const hr = await store.get(parts[0]!.sessionId);
    expect(hr?.session).toMatchObject({ agent: 'hr', userId: 'alice', status: 'open' });
    expect(hr?.session.turns.map((t) => t.text)).toEqual(['how many hr vacation days do I have']);
    const group = await store.get(r.sessionId);
    expect(group?.session).toMatchObject({
      agent: 'router',
      userId: 'alice',
      parts: parts.map((p) => ({ agent: p.agent, sessionId: p.sessionId })),
    });
    expect(group?.session.turns.map((t) => [t.role, t.text])).toEqual([
      ['user', TWO],
      ['agent', r.text],
    ]);
    expect(await counter('started')).toBe(started + 1);
    expect(await counter('completed')).toBe(completed + 1);
  });

  it('answers with the parts that came when one agent does not answer in time, naming it and its session', async () => {
    standIn('hr');
    standIn('finance', 'silent');
    const partial = await counter('partial');
    const r = await ask('agents.ask', { text: TWO, userId: 'alice' });
    expect(r).toMatchObject({ ok: true, status: 'answered', agent: null });
    const [hr, finance] = partsOf(r);
    expect(hr).toMatchObject({ agent: 'hr', status: 'answered' });
    expect(finance).toMatchObject({ agent: 'finance', status: 'timeout' });
    expect(r.text).toContain(
      `[finance] The finance agent has not answered in time. Its answer will be stored in session ${finance!.sessionId}.`,
    );
    expect(r.data).toMatchObject({ partial: true, missing: ['finance'] });
    // No caller deadline: no deadline on the tasks either (the router waited its own default).
    expect(seen.every((s) => s.headers?.get(HeaderNames.deadline) === '')).toBe(true);
    expect(await counter('partial')).toBe(partial + 1);
  });

  it('queues the part whose agent has no live instance and still answers the other', async () => {
    agents = [view('hr', 1), view('finance', 0)];
    standIn('hr');
    const r = await ask('agents.ask', { text: TWO, userId: 'alice' });
    const [hr, finance] = partsOf(r);
    expect(hr).toMatchObject({ agent: 'hr', status: 'answered' });
    expect(finance).toMatchObject({ agent: 'finance', status: 'queued' });
    expect(finance!.text).toContain(`will be answered in session ${finance!.sessionId}`);
    // The queued task is stored with neither reply subject nor deadline: nobody waits for it.
    const m = await jsm.streams.getMessage(Names.tasksStream, { last_by_subj: 'tasks.finance' });
    expect(m!.json<Task>()).toMatchObject({
      sessionId: finance!.sessionId,
      text: 'how much finance travel budget is left?',
    });
    expect(m!.header.get(HeaderNames.replyTo)).toBe('');
    expect(m!.header.get(HeaderNames.deadline)).toBe('');
  });

  it('answers queued at once when no part has a live agent', async () => {
    agents = [view('hr', 0), view('finance', 0)];
    const r = await ask('agents.ask', { text: TWO, userId: 'alice' });
    expect(r).toMatchObject({ ok: true, status: 'queued', agent: null });
    expect(partsOf(r).map((p) => p.status)).toEqual(['queued', 'queued']);
    expect((await jsm.streams.info(Names.tasksStream)).state.messages).toBe(2);
  });

  it("names a part its agent refused, with the agent's error code", async () => {
    standIn('hr');
    standIn('finance', 'refuse');
    const r = await ask('agents.ask', { text: TWO, userId: 'alice' });
    expect(partsOf(r)[1]).toMatchObject({ agent: 'finance', status: 'error', error: 'session_closed' });
    expect(r.data).toMatchObject({ partial: true, missing: ['finance'] });
  });

  it('splits the request budget across the parts', async () => {
    standIn('hr');
    standIn('finance');
    await ask('agents.ask', { text: TWO, userId: 'alice', budget: { tokens: 1001, usd: 0.05 } });
    const budgets = seen.map((s) => [s.task.agent, s.headers?.get(HeaderNames.budget)]).sort();
    expect(budgets).toEqual([
      ['finance', 'tokens=500;usd=0.025'],
      ['hr', 'tokens=501;usd=0.025'],
    ]);
  });
});

describe('follow-ups in a group session', () => {
  async function group(): Promise<AskReplyOk> {
    standIn('hr');
    standIn('finance');
    const r = await ask('agents.ask', { text: TWO, userId: 'alice' });
    seen.length = 0;
    return r;
  }

  it("go to the part whose agent fits, in that part's session, answered under the group", async () => {
    const g = await group();
    const [hr, finance] = partsOf(g);
    const f = await ask('agents.ask', {
      sessionId: g.sessionId,
      text: 'and what did finance pay for travel?',
    });
    expect(f).toMatchObject({ ok: true, status: 'answered', sessionId: g.sessionId, agent: 'finance' });
    expect(f.text).toBe('finance on "and what did finance pay for travel?"');
    expect(seen.map((s) => [s.task.agent, s.task.sessionId])).toEqual([['finance', finance!.sessionId]]);
    // The caller's user is the group's (open mode, no userId sent).
    expect(seen[0]!.task.userId).toBe('alice');

    const h = await ask('agents.ask', { sessionId: g.sessionId, text: 'and my hr sick days?' });
    expect(h).toMatchObject({ sessionId: g.sessionId, agent: 'hr' });
    expect(seen.map((s) => s.task.sessionId)).toEqual([finance!.sessionId, hr!.sessionId]);

    const transcript = (await store.get(g.sessionId))!.session.turns.map((t) => t.role);
    expect(transcript).toEqual(['user', 'agent', 'user', 'agent', 'user', 'agent']);
  });

  it("carry the request's budget to the part they go to", async () => {
    const g = await group();
    await ask('agents.ask', { sessionId: g.sessionId, text: 'finance please', budget: { tokens: 800 } });
    expect(seen.map((s) => [s.task.agent, s.headers?.get(HeaderNames.budget)])).toEqual([
      ['finance', 'tokens=800'],
    ]);
  });

  it('go to both parts when the follow-up holds requests for both', async () => {
    const g = await group();
    const r = await ask('agents.ask', {
      sessionId: g.sessionId,
      text: 'and hr next year and finance next year',
    });
    expect(r).toMatchObject({ sessionId: g.sessionId, agent: null });
    expect(partsOf(r).map((p) => [p.agent, p.sessionId])).toEqual(
      partsOf(g).map((p) => [p.agent, p.sessionId]),
    );
  });

  it('go to the part that waits for an answer when the classifier finds no agent', async () => {
    const g = await group();
    const finance = partsOf(g)[1]!;
    const stored = (await store.get(finance.sessionId))!;
    await store.update({ ...stored.session, pending: { slot: 'amount' } }, stored.revision);
    const r = await ask('agents.ask', { sessionId: g.sessionId, text: '42 euros' });
    expect(r).toMatchObject({ agent: 'finance', sessionId: g.sessionId });
    expect(seen.map((s) => s.task.sessionId)).toEqual([finance.sessionId]);
  });

  it('END ends every part and the group', async () => {
    const g = await group();
    const r = await ask('agents.ask', { sessionId: g.sessionId, text: 'END' });
    expect(r).toMatchObject({ ok: true, status: 'ended', sessionId: g.sessionId });
    expect(seen.map((s) => s.task.text)).toEqual(['END', 'END']);
    expect((await store.get(g.sessionId))!.session.status).toBe('ended');
    const after = await ask('agents.ask', { sessionId: g.sessionId, text: 'hr again' });
    expect(after).toMatchObject({ ok: false, error: { code: 'session_closed' } });
  });

  it("are refused to anybody but the group's user when callers prove who they are", async () => {
    standIn('hr');
    standIn('finance');
    const alice = { Authorization: `Bearer ${await issueToken(keys.signingKeyPem, 'alice')}` };
    const bob = { Authorization: `Bearer ${await issueToken(keys.signingKeyPem, 'bob')}` };
    const g = await ask('secure.ask', { text: TWO }, alice);
    expect(g).toMatchObject({ ok: true, status: 'answered' });
    seen.length = 0;
    const stolen = await ask('secure.ask', { sessionId: g.sessionId, text: 'finance for me' }, bob);
    expect(stolen).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(seen).toEqual([]);
    const own = await ask('secure.ask', { sessionId: g.sessionId, text: 'finance for me' }, alice);
    expect(own).toMatchObject({ ok: true, agent: 'finance' });
    expect(seen[0]!.task.userId).toBe('alice');
  });
});

describe('a stopping router', () => {
  it('answers the gathers still waiting with the parts that came, before the caller gives up', async () => {
    const inbox = await serveRouter('closing.ask');
    standIn('hr');
    standIn('finance', 'silent');
    const h = headers();
    h.set(HeaderNames.deadline, String(Date.now() + 60_000));
    const reply = nc.request('closing.ask', JSON.stringify({ text: TWO, userId: 'alice' }), {
      timeout: 10_000,
      headers: h,
    });
    await waitUntil(() => seen.length === 2 && inbox.pending() === 1);
    await inbox.close();
    const r = (await reply).json<AskReplyOk>();
    expect(partsOf(r).map((p) => [p.agent, p.status])).toEqual([
      ['hr', 'answered'],
      ['finance', 'timeout'],
    ]);
    expect(inbox.pending()).toBe(0);
  });
});

async function waitUntil(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(ok()).toBe(true);
}
