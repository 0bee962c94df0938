// Issue #3: a new agent type needs no router change. The real router pieces (registry watch on the
// `agents` bucket, embedded classifier, route handler, endpoint) run against a real nats-server; an
// `it` helpdesk agent appears only as a capability card in the bucket, as its heartbeat would
// write it, and the router starts routing to it — and queues for it once the card is deleted.
import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import { clarifyText } from '@switchboard/classifier';
import {
  type CapabilityCard,
  encodeJson,
  HeaderNames,
  Names,
  Subjects,
  type Task,
} from '@switchboard/contracts';
import {
  createGuard,
  createLogger,
  createMetrics,
  createSessionStore,
  ensureBuckets,
  ensureStreams,
  InFlight,
  type SessionStore,
  serveEndpoint,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedRouterClassifier } from './classify/embedded.js';
import { createGatherInbox } from './gather/inbox.js';
import { createGatherer } from './gather/scatter.js';
import { watchRegistry } from './registry-view.js';
import { createRouteHandler } from './router.js';

type Profile = Pick<CapabilityCard, 'name' | 'description' | 'intents' | 'examples'>;

// Small but realistic cards; a router test may not import the agents' own profiles.
const hrCard: Profile = {
  name: 'hr',
  description:
    'Human resources: vacation, PTO and leave balances, booking and cancelling time off, sick leave, company holidays, HR policies (parental, bereavement, remote work) and the employee directory.',
  intents: ['leave_balance', 'request_leave', 'cancel_leave', 'holidays', 'hr_policy', 'directory'],
  examples: [
    'how many vacation days do I have?',
    'how much PTO do I have left?',
    'I want to book vacation',
    'I need to take leave next week',
    'can I take Friday off?',
    'cancel my leave request',
    'show my leave requests',
    "I'm sick today",
    'when are the company holidays this year?',
    'what is the parental leave policy?',
    'what is the bereavement leave policy?',
    'how many days a week can I work from home?',
    'who is my manager?',
    'who is my HR partner?',
    'do unused vacation days roll over?',
  ],
};

const financeCard: Profile = {
  name: 'finance',
  description:
    'Finance: department budgets (spent, committed, remaining), submitting expenses and receipts for reimbursement, expense report status, spending and travel policy, and invoice and vendor payment status.',
  intents: ['budget_status', 'submit_expense', 'expense_status', 'spending_policy', 'invoice_status'],
  examples: [
    'what is the remaining budget of engineering?',
    'how much has marketing spent this quarter?',
    'I want to submit an expense',
    'submit a 30 dollar lunch receipt',
    'I need to expense my flight to the customer site',
    'how do I get reimbursed for a taxi?',
    'what is the status of my expense report?',
    'has my reimbursement been paid?',
    'what is the hotel limit per night?',
    'what is the per diem for travel?',
    'who needs to approve a 5000 dollar purchase?',
    'has invoice INV-1001 been paid?',
    'which invoices are still unpaid?',
    // The only "laptop" before the IT card exists: the IT question must still not go to finance.
    'is there enough budget for a new laptop?',
    'can I expense a home office chair?',
  ],
};

/** The third agent type: nothing in the router knows about it. */
const itCard: Profile = {
  name: 'it',
  description:
    'IT helpdesk: VPN and network access, laptops and hardware, password resets and account lockouts, printers, email and software installs.',
  intents: ['vpn', 'hardware', 'password_reset', 'printer', 'software'],
  examples: [
    'the VPN keeps disconnecting',
    'I cannot connect to the VPN from home',
    'how do I set up the VPN client?',
    'VPN says authentication failed',
    'my laptop is very slow',
    'my laptop screen is broken',
    'my laptop will not turn on',
    'I need a replacement charger for my laptop',
    'can I get a second monitor?',
    'I forgot my password',
    'please reset my password',
    'my account is locked out',
    'I need to change my network password',
    'the printer on the third floor is jammed',
    'how do I add the office printer?',
    'the printer is out of toner',
    'I cannot print to the printer',
    'wifi in the office is not working',
    'I cannot log in to my email',
    'Outlook keeps crashing',
    'please install Zoom on my computer',
    'I need admin rights to install software',
    'my keyboard stopped working',
    'how do I set up two-factor authentication?',
    'my computer has a virus',
  ],
};

const IT_QUESTION = "my laptop won't connect to the VPN";
const HR_QUESTION = 'how many vacation days do I have?';
const FINANCE_QUESTION = 'what is the remaining budget of engineering?';

interface Reply {
  ok: boolean;
  status?: string;
  sessionId: string;
  agent: string | null;
  text: string;
  data?: Record<string, unknown>;
}

let server: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
let agentsKv: KV;
let store: SessionStore;
let registry: Awaited<ReturnType<typeof watchRegistry>>;
const classifier = createEmbeddedRouterClassifier();
const log = createLogger({ service: 'router-test', level: 'silent' });
const metrics = createMetrics('router', { processMetrics: false });

/** Cards currently "alive": re-put every 3 s, as an agent's heartbeat does (the TTL is 15 s). */
const heartbeats = new Map<string, CapabilityCard>();
let heartbeatTimer: NodeJS.Timeout | undefined;

function cardOf(profile: Profile, instanceId: string): CapabilityCard {
  const at = new Date().toISOString();
  return {
    ...profile,
    subject: Subjects.agentAsk(profile.name),
    version: '0.1.0',
    instanceId,
    startedAt: at,
    heartbeatAt: at,
  };
}

/** Announces an instance the way `startHeartbeat` in agent-kit does: `<name>.<instance>` → card JSON. */
async function announce(profile: Profile, instanceId: string): Promise<string> {
  const card = cardOf(profile, instanceId);
  const key = `${card.name}.${card.instanceId}`;
  heartbeats.set(key, card);
  await agentsKv.put(key, encodeJson(card));
  return key;
}

/** A graceful stop: the card is deleted. */
async function withdraw(key: string): Promise<void> {
  heartbeats.delete(key);
  await agentsKv.delete(key);
}

function instancesOf(name: string): number | undefined {
  return registry.views().find((v) => v.name === name)?.instances;
}

async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The stream sequence of the last task on `tasks.<agent>`, 0 when there is none. */
async function lastTaskSeq(agent: string): Promise<number> {
  const m = await jsm.streams.getMessage(Names.tasksStream, { last_by_subj: Subjects.task(agent) });
  return m?.seq ?? 0;
}

/**
 * Sends `text` to `agents.ask` with a reply inbox nobody but an agent would answer, waits for a
 * new task on `tasks.<agent>` and checks the router itself did not answer.
 */
async function expectRoutedTo(agent: string, text: string) {
  const before = await lastTaskSeq(agent);
  const inbox = createInbox();
  const sub = nc.subscribe(inbox);
  nc.publish(Subjects.ask, JSON.stringify({ text, userId: 'alice' }), { reply: inbox });
  await nc.flush();
  const end = Date.now() + 5000;
  let seq = before;
  while (seq === before && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    seq = await lastTaskSeq(agent);
  }
  expect(seq, `no new task on tasks.${agent} for "${text}"`).toBeGreaterThan(before);
  const m = await jsm.streams.getMessage(Names.tasksStream, { seq });
  const task = m!.json<Task>();
  expect(m!.subject).toBe(`tasks.${agent}`);
  expect(task).toMatchObject({ agent, text, userId: 'alice', newSession: true });
  expect(m!.header.get(HeaderNames.replyTo)).toBe(inbox);
  expect(m!.header.get('Nats-Msg-Id')).toBe(task.taskId);
  await nc.flush();
  expect(sub.getProcessed(), 'the router answered itself instead of handing on').toBe(0);
  sub.unsubscribe();
  return task;
}

async function askRouter(text: string): Promise<Reply> {
  const m = await nc.request(Subjects.ask, JSON.stringify({ text, userId: 'alice' }), { timeout: 3000 });
  return m.json<Reply>();
}

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  const buckets = await ensureBuckets(nc);
  agentsKv = buckets.agents;
  store = createSessionStore(buckets.sessions);
  // Wired as in services/router/src/main.ts, with the embedded classifier (no API key).
  registry = await watchRegistry({ kv: agentsKv, log });
  await registry.ready;
  const publishGuard = createGuard(
    { target: 'jetstream', timeoutMs: 2000, attempts: 3, failureThreshold: 10 },
    metrics,
  );
  const handler = createRouteHandler({
    js: jetstream(nc),
    store,
    registry,
    classifier,
    publishGuard,
    metrics,
    clarifyText,
    gatherer: createGatherer({
      js: jetstream(nc),
      store,
      inbox: await createGatherInbox(nc, log),
      publishGuard,
      metrics,
      classifier,
      settings: { timeoutMs: 2000, marginMs: 100, lateMs: 0 },
    }),
  });
  serveEndpoint({
    nc,
    subject: Subjects.ask,
    queue: Names.routerQueue,
    endpoint: Subjects.ask,
    log,
    metrics,
    inFlight: new InFlight(),
    handle: handler,
  });
  heartbeatTimer = setInterval(() => {
    for (const [key, card] of heartbeats) {
      agentsKv.put(key, encodeJson({ ...card, heartbeatAt: new Date().toISOString() })).catch(() => {
        // the connection is closing at the end of the file; the next beat or afterAll settles it
      });
    }
  }, 3000);
  await announce(hrCard, 'hr-1');
  await announce(financeCard, 'finance-1');
  await until('hr and finance in the registry', () =>
    instancesOf('hr') === 1 && instancesOf('finance') === 1 ? true : undefined,
  );
  // As main.ts does when the cards change: the index and model for them are built ahead.
  await classifier.prepare?.(registry.views());
});

afterAll(async () => {
  if (heartbeatTimer) clearInterval(heartbeatTimer);
  registry?.stop();
  await nc?.drain();
  await server?.stop();
});

describe('a third agent type, announced only through the registry', () => {
  let itKey = '';

  it('asks to clarify an IT question while no IT agent is registered', async () => {
    expect(registry.views().map((v) => v.name)).toEqual(['hr', 'finance']);
    const r = await askRouter(IT_QUESTION);
    expect(r).toMatchObject({ ok: true, status: 'clarify', agent: null });
    expect(r.text).toContain('- hr:');
    expect(r.text).toContain('- finance:');
    expect(r.text).not.toContain('- it:');
    expect(await lastTaskSeq('it')).toBe(0);
  });

  it('routes the IT question to tasks.it once the card appears', async () => {
    itKey = await announce(itCard, 'it-helpdesk-1');
    expect(itKey).toBe('it.it-helpdesk-1');
    await until('the it card in the registry', () => (instancesOf('it') === 1 ? true : undefined));
    await classifier.prepare?.(registry.views());

    const task = await expectRoutedTo('it', IT_QUESTION);
    expect(task.sessionId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    await expectRoutedTo('it', 'I forgot my password and my account is locked out');
    await expectRoutedTo('it', 'the printer on the second floor is out of toner');

    // The clarify text now offers the new agent too.
    const r = await askRouter('what is the weather in Paris?');
    expect(r).toMatchObject({ status: 'clarify', agent: null });
    expect(r.text).toContain('- it: IT helpdesk');
    expect(r.data?.agents).toContainEqual({
      name: 'it',
      description: itCard.description,
      subject: 'agents.it.ask',
    });
  });

  it('keeps routing HR and finance questions as before while the IT agent is live', async () => {
    await expectRoutedTo('hr', HR_QUESTION);
    await expectRoutedTo('finance', FINANCE_QUESTION);
    await expectRoutedTo('finance', 'is there enough budget for a new laptop?');
  });

  it('answers queued for an IT question once the card is deleted (graceful stop)', async () => {
    await withdraw(itKey);
    await until('the it agent without live instances', () => (instancesOf('it') === 0 ? true : undefined));

    const before = await lastTaskSeq('it');
    const started = Date.now();
    const r = await askRouter(IT_QUESTION);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r).toMatchObject({ ok: true, status: 'queued', agent: 'it' });
    expect(r.data).toMatchObject({ followUp: 'agents.it.ask' });

    // Stored for a later instance: a task without a reply subject, and the session with the question.
    const seq = await lastTaskSeq('it');
    expect(seq).toBeGreaterThan(before);
    const m = await jsm.streams.getMessage(Names.tasksStream, { seq });
    expect(m!.json<Task>()).toMatchObject({ agent: 'it', text: IT_QUESTION, sessionId: r.sessionId });
    expect(m!.header.get(HeaderNames.replyTo)).toBe('');
    const stored = await store.get(r.sessionId);
    expect(stored?.session).toMatchObject({ agent: 'it', status: 'open', userId: 'alice' });
    expect(stored?.session.turns.map((t) => [t.role, t.text])).toEqual([['user', IT_QUESTION]]);
  });

  it('still routes HR and finance questions to their live agents after the IT agent left', async () => {
    await expectRoutedTo('hr', HR_QUESTION);
    await expectRoutedTo('hr', 'I need to take leave next week');
    await expectRoutedTo('finance', FINANCE_QUESTION);
    await expectRoutedTo('finance', 'I want to submit an expense');
  });
});
