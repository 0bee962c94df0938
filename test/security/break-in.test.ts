// Break-in tests: a nats-server runs the configuration of `npm run secure:init`, and each identity
// (router, hr-agent, finance-agent, gateway, client, client-alice, admin) tries what it must not
// do: consume another agent's tasks, publish tasks as a client, forge events, cards and replies,
// update, purge or delete streams, capture `agents.>`, read or list sessions and the agents' data,
// eavesdrop on other identities' inboxes (a user's on another user's or the shared client's). Every
// attempt must be denied by the server (a permission violation), and the state it aimed at must be
// unchanged. The figures are printed per identity.
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Names, Subjects } from '@switchboard/contracts';
import { DeployedAgents, ensureAgentConsumer, JsApi, provisionAll } from '@switchboard/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityConnection, type SecureNats, startSecureNats, type Violation } from './harness.js';

/** One thing an identity must not be able to do, and the subject the server must refuse. */
interface Attempt {
  what: string;
  kind: 'publish' | 'request' | 'subscribe';
  subject: string;
  queue?: string;
  data?: string;
}

const VICTIM_SESSION = 'victimSessionIdOfSomebodyElse00';
const json = (v: unknown) => JSON.stringify(v);

/** Attempts on the streams and buckets that no service identity may make (admin may). */
function streamAttacks(): Attempt[] {
  const sessions = Names.bucketStream(Names.sessionsBucket);
  return [
    {
      what: 'update KV_sessions to capture agents.>',
      kind: 'request',
      subject: `$JS.API.STREAM.UPDATE.${sessions}`,
      data: json({ name: sessions, subjects: ['$KV.sessions.>', 'agents.>'] }),
    },
    {
      what: 'set the max age of KV_sessions to 1 s',
      kind: 'request',
      subject: `$JS.API.STREAM.UPDATE.${sessions}`,
      data: json({ name: sessions, subjects: ['$KV.sessions.>'], max_age: 1e9 }),
    },
    { what: 'purge AGENT_TASKS', kind: 'request', subject: `$JS.API.STREAM.PURGE.${Names.tasksStream}` },
    { what: 'delete AGENT_EVENTS', kind: 'request', subject: `$JS.API.STREAM.DELETE.${Names.eventsStream}` },
    { what: 'delete the sessions bucket', kind: 'request', subject: `$JS.API.STREAM.DELETE.${sessions}` },
    {
      what: 'create a stream capturing agents.>',
      kind: 'request',
      subject: '$JS.API.STREAM.CREATE.CAPTURE',
      data: json({ name: 'CAPTURE', subjects: ['agents.>'] }),
    },
    {
      what: 'delete a dead letter',
      kind: 'request',
      subject: `$JS.API.STREAM.MSG.DELETE.${Names.deadLetterStream}`,
      data: json({ seq: 1 }),
    },
    {
      what: 'list every session by sequence',
      kind: 'request',
      subject: `$JS.API.DIRECT.GET.${sessions}`,
      data: json({ seq: 1 }),
    },
    {
      what: 'read a stored session by sequence',
      kind: 'request',
      subject: `$JS.API.STREAM.MSG.GET.${sessions}`,
      data: json({ seq: 1 }),
    },
    {
      what: 'watch every session',
      kind: 'request',
      subject: `$JS.API.CONSUMER.CREATE.${sessions}.spy.$KV.sessions.>`,
      data: json({ stream_name: sessions, config: { name: 'spy', filter_subject: '$KV.sessions.>' } }),
    },
    { what: 'list the streams', kind: 'request', subject: '$JS.API.STREAM.NAMES' },
  ];
}

/** Attempts on another agent's data bucket `agent_data`. */
function dataAttacks(agent: string): Attempt[] {
  const bucket = Names.agentDataBucket(agent);
  return [
    { what: `read ${bucket}`, kind: 'request', subject: `${JsApi.keyGet(bucket).slice(0, -1)}directory` },
    { what: `rewrite ${bucket}`, kind: 'publish', subject: `$KV.${bucket}.directory`, data: '{"alice":999}' },
    {
      what: `watch ${bucket}`,
      kind: 'request',
      subject: `$JS.API.CONSUMER.CREATE.${Names.bucketStream(bucket)}.spy.$KV.${bucket}.>`,
    },
  ];
}

/** Attempts on agent type `agent`'s work: its tasks, consumer, endpoint, events, card, dead letters. */
function agentAttacks(agent: string): Attempt[] {
  const consumer = Names.agentConsumer(agent);
  return [
    {
      what: `steal ${agent}'s tasks`,
      kind: 'request',
      subject: JsApi.consumerNext(Names.tasksStream, consumer),
      data: json({ batch: 1 }),
    },
    {
      what: `take over ${agent}'s consumer`,
      kind: 'request',
      subject: JsApi.consumerCreate(Names.tasksStream, consumer, Subjects.task(agent)),
      data: json({
        stream_name: Names.tasksStream,
        config: { durable_name: consumer, filter_subject: Subjects.task(agent) },
      }),
    },
    {
      what: `delete ${agent}'s consumer`,
      kind: 'request',
      subject: `$JS.API.CONSUMER.DELETE.${Names.tasksStream}.${consumer}`,
    },
    {
      what: `ack ${agent}'s tasks`,
      kind: 'publish',
      subject: `$JS.ACK.${Names.tasksStream}.${consumer}.1.1.1.1.0`,
      data: '+ACK',
    },
    {
      what: `intercept agents.${agent}.ask`,
      kind: 'subscribe',
      subject: Subjects.agentAsk(agent),
      queue: Names.agentQueue(agent),
    },
    {
      what: `forge an event of ${agent}`,
      kind: 'publish',
      subject: Subjects.event(agent, 'leave_requested'),
      data: '{}',
    },
    {
      what: `forge a capability card of ${agent}`,
      kind: 'publish',
      subject: `$KV.${Names.agentsBucket}.${agent}.evil`,
      data: '{}',
    },
    {
      what: `forge a dead letter of ${agent}`,
      kind: 'publish',
      subject: Subjects.deadLetter(agent),
      data: '{}',
    },
    {
      what: `read ${agent}'s max-deliveries advisories`,
      kind: 'subscribe',
      subject: Subjects.maxDeliveriesAdvisory(agent),
    },
  ];
}

/** Attempts on the bus itself: intercepting requests, reading replies and streams live, forging replies. */
function busAttacks(identity: string, otherInbox: string): Attempt[] {
  return [
    { what: 'eavesdrop on every reply', kind: 'subscribe', subject: '_INBOX.>' },
    {
      what: `eavesdrop on ${otherInbox}'s replies`,
      kind: 'subscribe',
      subject: `${Subjects.identityInbox(otherInbox)}.>`,
    },
    {
      what: `forge a reply to ${otherInbox}`,
      kind: 'publish',
      subject: `${Subjects.identityInbox(otherInbox)}.abc.1`,
      data: '{"ok":true}',
    },
    { what: 'read the event stream live', kind: 'subscribe', subject: Subjects.allEvents },
    { what: 'read every task live', kind: 'subscribe', subject: Subjects.allTasks },
    {
      what: `write a session (${identity})`,
      kind: 'publish',
      subject: `$KV.sessions.${VICTIM_SESSION}`,
      data: '{}',
    },
  ];
}

/** Attempts on the saga records: only the agents write them; reads go through `sagas.get` (the router). */
function sagaAttacks(identity: string): Attempt[] {
  return [
    {
      what: `write a saga record (${identity})`,
      kind: 'publish',
      subject: `$KV.${Names.sagasBucket}.onb-victim`,
      data: '{"status":"completed"}',
    },
    {
      what: `delete the sagas bucket (${identity})`,
      kind: 'request',
      subject: `$JS.API.STREAM.DELETE.${Names.bucketStream(Names.sagasBucket)}`,
    },
    {
      what: `serve sagas.get in place of the router (${identity})`,
      kind: 'subscribe',
      subject: Subjects.sagaGet,
      queue: Names.routerQueue,
    },
  ];
}

/** What each identity tries. */
function attemptsOf(identity: string): Attempt[] {
  const hr = DeployedAgents[0]!;
  const finance = DeployedAgents[1]!;
  const sessionRead: Attempt = {
    what: 'read a session by its id',
    kind: 'request',
    subject: `${JsApi.keyGet(Names.sessionsBucket).slice(0, -1)}${VICTIM_SESSION}`,
  };
  const intercept: Attempt = { what: 'intercept agents.ask', kind: 'subscribe', subject: Subjects.ask };
  const publishTask = (agent: string): Attempt => ({
    what: `publish a task for ${agent}`,
    kind: 'publish',
    subject: Subjects.task(agent),
    data: '{}',
  });
  /** Subscriptions to the inboxes of other callers (`others`: identity names). */
  const callerInboxes = (others: readonly string[]): Attempt[] =>
    others.map((other) => ({
      what: `eavesdrop on ${other}'s replies`,
      kind: 'subscribe',
      subject: `${Subjects.identityInbox(other)}.>`,
    }));
  switch (identity) {
    case 'client-alice':
      return [
        // The generic client's attempts, with the other callers' inboxes as seen from alice.
        ...attemptsOf('client').filter((a) => !a.subject.startsWith('_INBOX.client-')),
        ...callerInboxes(['client', 'client-bob', 'client-carol']),
        { what: "eavesdrop on every caller's replies", kind: 'subscribe', subject: '_INBOX.*.>' },
      ];
    case 'client':
      return [
        ...callerInboxes(['client-alice', 'client-bob']),
        ...streamAttacks(),
        ...DeployedAgents.flatMap((a) => [...dataAttacks(a), ...agentAttacks(a), publishTask(a)]),
        ...busAttacks(identity, 'gateway').filter((a) => a.subject !== `$KV.sessions.${VICTIM_SESSION}`),
        { what: 'write a session', kind: 'publish', subject: `$KV.sessions.${VICTIM_SESSION}`, data: '{}' },
        sessionRead,
        intercept,
        ...sagaAttacks(identity),
        {
          what: 'read a saga from the bucket, past sagas.get',
          kind: 'request',
          subject: `${JsApi.keyGet(Names.sagasBucket).slice(0, -1)}onb-victim`,
        },
        {
          what: 'watch the capability cards',
          kind: 'request',
          subject: `$JS.API.CONSUMER.CREATE.KV_agents.spy.$KV.agents.>`,
        },
      ];
    case 'gateway':
      return [
        ...streamAttacks(),
        ...DeployedAgents.flatMap((a): Attempt[] => [
          ...dataAttacks(a),
          ...agentAttacks(a),
          publishTask(a),
          // `agents.<agent>.ask` is allowed since A2A's `POST /a2a/<agent>` (docs/a2a.md): like a
          // client's follow-up, the agent itself checks the caller's token and session there.
        ]),
        ...busAttacks(identity, 'client'),
        intercept,
        ...sagaAttacks(identity),
      ];
    case 'router':
      return [
        ...streamAttacks(),
        ...DeployedAgents.flatMap((a) => [...dataAttacks(a), ...agentAttacks(a)]),
        ...busAttacks(identity, 'gateway').filter((a) => !a.subject.startsWith('$KV.sessions.')),
        { what: 'intercept agents.ask outside its queue group', kind: 'subscribe', subject: Subjects.ask },
        {
          what: 'intercept agents.ask in another queue group',
          kind: 'subscribe',
          subject: Subjects.ask,
          queue: 'thieves',
        },
        ...sagaAttacks(identity).filter((a) => a.kind !== 'subscribe'),
      ];
    case `${hr}-agent`:
    case `${finance}-agent`: {
      const own = identity === `${hr}-agent` ? hr : finance;
      const other = own === hr ? finance : hr;
      const ownData = Names.bucketStream(Names.agentDataBucket(own));
      const consumer = Names.agentConsumer(own);
      return [
        ...streamAttacks(),
        ...dataAttacks(other),
        ...agentAttacks(other),
        publishTask(other),
        ...busAttacks(identity, 'gateway').filter(
          (a) => !a.subject.startsWith('$KV.sessions.') && !a.subject.startsWith('_INBOX.gateway.abc'),
        ),
        intercept,
        {
          what: 'take its consumer over for another filter (no filter in the subject)',
          kind: 'request',
          subject: `$JS.API.CONSUMER.CREATE.${Names.tasksStream}.${consumer}`,
          data: json({
            stream_name: Names.tasksStream,
            config: { durable_name: consumer, filter_subject: Subjects.task(other) },
          }),
        },
        {
          what: 'take its consumer over for another filter (durable form)',
          kind: 'request',
          subject: `$JS.API.CONSUMER.DURABLE.CREATE.${Names.tasksStream}.${consumer}`,
          data: json({
            stream_name: Names.tasksStream,
            config: { durable_name: consumer, filter_subject: Subjects.task(other) },
          }),
        },
        {
          what: 'delete its own consumer',
          kind: 'request',
          subject: `$JS.API.CONSUMER.DELETE.${Names.tasksStream}.${consumer}`,
        },
        { what: 'purge its own data bucket', kind: 'request', subject: `$JS.API.STREAM.PURGE.${ownData}` },
        { what: 'delete its own data bucket', kind: 'request', subject: `$JS.API.STREAM.DELETE.${ownData}` },
        {
          what: 'delete a task',
          kind: 'request',
          subject: `$JS.API.STREAM.MSG.DELETE.${Names.tasksStream}`,
          data: json({ seq: 1 }),
        },
        {
          what: 'forge a card for the router itself',
          kind: 'publish',
          subject: `$KV.${Names.agentsBucket}.router.x`,
          data: '{}',
        },
      ];
    }
    case 'admin':
      return [
        ...busAttacks(identity, 'gateway'),
        intercept,
        ...DeployedAgents.flatMap((a): Attempt[] => [
          ...agentAttacks(a).filter((x) =>
            /^(intercept|forge an event|forge a capability card)/.test(x.what),
          ),
          ...dataAttacks(a).filter((x) => x.kind === 'publish'),
        ]),
      ];
    default:
      throw new Error(`no attempts for ${identity}`);
  }
}

/** Waits until the server reported a violation of `subject` (and `queue`) to `conn`. */
async function violationSeen(
  conn: IdentityConnection,
  a: Attempt,
  timeoutMs = 3000,
): Promise<Violation | undefined> {
  const op = a.kind === 'subscribe' ? 'subscription' : 'publish';
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = conn.violations.find(
      (x) =>
        x.operation === op &&
        x.subject === a.subject &&
        (op === 'publish' || (x.queue ?? '') === (a.queue ?? '')),
    );
    if (v || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Makes the attempt; resolves with whether the server denied it, and anything that came back. */
async function attempt(
  conn: IdentityConnection,
  a: Attempt,
  waitMs = 3000,
): Promise<{ denied: boolean; outcome: string }> {
  const { nc } = conn;
  conn.violations.length = 0;
  let outcome = 'sent';
  if (a.kind === 'publish') {
    nc.publish(a.subject, a.data ?? '');
    await nc.flush();
  } else if (a.kind === 'request') {
    try {
      const m = await nc.request(a.subject, a.data ?? '', { timeout: 3000 });
      outcome = `answered: ${m.string().slice(0, 200)}`;
    } catch (err) {
      outcome = `failed: ${(err as Error).name}: ${(err as Error).message}`;
    }
  } else {
    const sub = nc.subscribe(a.subject, a.queue ? { queue: a.queue } : {});
    const closed = await Promise.race([sub.closed, new Promise((r) => setTimeout(() => r('open'), waitMs))]);
    outcome = closed === 'open' ? 'subscribed' : `closed: ${String(closed)}`;
    if (!sub.isClosed()) sub.unsubscribe();
  }
  const v = await violationSeen(conn, a, waitMs);
  return { denied: v !== undefined, outcome };
}

let secure: SecureNats;
let admin: NatsConnection;
let jsm: JetStreamManager;
/** The stored state the attempts aim at, read by admin before and after. */
let before: Record<string, number>;

async function state(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for await (const s of jsm.streams.list()) out[s.config.name] = s.state.messages;
  for (const a of DeployedAgents) {
    const ci = await jsm.consumers.info(Names.tasksStream, Names.agentConsumer(a));
    out[`consumer ${ci.name} ${ci.config.filter_subject}`] = ci.num_pending + ci.num_ack_pending;
  }
  return out;
}

beforeAll(async () => {
  secure = await startSecureNats();
  const a = await secure.connectAs('admin');
  admin = a.nc;
  jsm = await jetstreamManager(admin);
  // Provisioning is the admin's step; each agent creates its own consumer, as the services do.
  await provisionAll(admin, jsm, { agents: DeployedAgents });
  for (const agent of DeployedAgents) {
    const { nc } = await secure.connectAs(`${agent}-agent`);
    await ensureAgentConsumer(await jetstreamManager(nc, { checkAPI: false }), agent);
  }
  // Something to steal and to read: a session, a task per agent, data in each agent's bucket.
  const router = await secure.connectAs('router');
  const sessions = await new Kvm(router.nc).open(Names.sessionsBucket);
  await sessions.put(VICTIM_SESSION, json({ sessionId: VICTIM_SESSION, userId: 'bob' }));
  const rjs = (await import('@nats-io/jetstream')).jetstream(router.nc);
  for (const agent of DeployedAgents) await rjs.publish(Subjects.task(agent), json({ secret: agent }));
  for (const agent of DeployedAgents) {
    const { nc } = await secure.connectAs(`${agent}-agent`);
    await (await new Kvm(nc).open(Names.agentDataBucket(agent))).put('directory', '{"alice":18}');
  }
  before = await state();
}, 60_000);

afterAll(async () => {
  await secure?.stop();
});

describe('break-in: every identity tries what it must not do', () => {
  const figures: Record<string, { attempts: number; denied: number }> = {};
  const identities = [
    'client',
    'client-alice',
    'gateway',
    'router',
    ...DeployedAgents.map((a) => `${a}-agent`),
    'admin',
  ];

  for (const identity of identities) {
    it(`${identity}: every attempt is denied by the server`, async () => {
      const conn = await secure.connectAs(identity);
      const attempts = attemptsOf(identity);
      const allowed: string[] = [];
      let denied = 0;
      for (const a of attempts) {
        const r = await attempt(conn, a);
        if (r.denied) denied++;
        else
          allowed.push(
            `${a.what} (${a.kind} ${a.subject}${a.queue ? ` queue ${a.queue}` : ''}): ${r.outcome}`,
          );
      }
      figures[identity] = { attempts: attempts.length, denied };
      expect(allowed, `not denied for ${identity}:\n${allowed.join('\n')}`).toEqual([]);
      expect(attempts.length).toBeGreaterThanOrEqual(10);
      // The connection is still up: a denied attempt does not cost a legitimate caller its connection.
      expect(conn.nc.isClosed()).toBe(false);
    }, 120_000);
  }

  it("refuses an agent's own consumer subject with a body that would take another agent's tasks", async () => {
    let refused = 0;
    let tried = 0;
    for (const agent of DeployedAgents) {
      const { nc } = await secure.connectAs(`${agent}-agent`);
      const own = Names.agentConsumer(agent);
      const subject = JsApi.consumerCreate(Names.tasksStream, own, Subjects.task(agent));
      for (const other of DeployedAgents.filter((a) => a !== agent)) {
        const bodies = [
          { durable_name: own, filter_subject: Subjects.task(other) },
          { durable_name: own, filter_subject: Subjects.allTasks },
          { durable_name: own },
          {
            durable_name: Names.agentConsumer(other),
            name: Names.agentConsumer(other),
            filter_subject: Subjects.task(agent),
          },
        ];
        for (const config of bodies) {
          tried++;
          const body = { stream_name: Names.tasksStream, config: { ...config, ack_policy: 'explicit' } };
          const r = (await nc.request(subject, json(body), { timeout: 3000 })).json<{
            error?: { err_code: number };
          }>();
          if (r.error && [10017, 10131].includes(r.error.err_code)) refused++;
        }
      }
    }
    process.stdout.write(
      `\nconsumer take-overs through an agent's own subject: ${refused} of ${tried} refused by the server\n`,
    );
    expect(refused).toBe(tried);
    expect(tried).toBeGreaterThanOrEqual(8);
  });

  it('refuses a rollup that would wipe every session, from every identity that may write one', async () => {
    const { headers } = await import('@nats-io/transport-node');
    const sessions = await new Kvm(admin).open(Names.sessionsBucket);
    let refused = 0;
    const writers = ['router', ...DeployedAgents.map((a) => `${a}-agent`)];
    for (const identity of writers) {
      const { nc } = await secure.connectAs(identity);
      const h = headers();
      h.set('Nats-Rollup', 'all');
      const js = (await import('@nats-io/jetstream')).jetstream(nc);
      const r = await js.publish(`$KV.${Names.sessionsBucket}.rollupAttack`, '{}', { headers: h }).then(
        () => 'stored',
        (err: Error) => err.message,
      );
      if (/rollup/i.test(r)) refused++;
    }
    process.stdout.write(
      `\nrollups of the sessions bucket: ${refused} of ${writers.length} refused by the server\n`,
    );
    expect(refused).toBe(writers.length);
    expect((await sessions.get(VICTIM_SESSION))?.operation).toBe('PUT');
  });

  it('sees what an identity may do as allowed (the same detector, so a denial above is real)', async () => {
    const controls: [string, Attempt][] = [
      ['client', { what: 'ask', kind: 'publish', subject: Subjects.ask, data: 'hi' }],
      [
        'client',
        { what: 'its own inbox', kind: 'subscribe', subject: `${Subjects.identityInbox('client')}.x` },
      ],
      ['client-alice', { what: 'ask', kind: 'publish', subject: Subjects.ask, data: 'hi' }],
      [
        'client-alice',
        {
          what: 'her own inbox',
          kind: 'subscribe',
          subject: `${Subjects.identityInbox('client-alice')}.>`,
        },
      ],
      [
        'gateway',
        {
          what: 'read a session by id',
          kind: 'request',
          subject: `${JsApi.keyGet(Names.sessionsBucket).slice(0, -1)}${VICTIM_SESSION}`,
        },
      ],
      [
        'router',
        {
          what: 'serve agents.ask in its queue',
          kind: 'subscribe',
          subject: Subjects.ask,
          queue: Names.routerQueue,
        },
      ],
      ['router', { what: 'check a stream', kind: 'request', subject: JsApi.streamInfo(Names.tasksStream) }],
      [
        'router',
        {
          what: 'serve sagas.get in its queue',
          kind: 'subscribe',
          subject: Subjects.sagaGet,
          queue: Names.routerQueue,
        },
      ],
      ['client', { what: 'ask for a saga', kind: 'publish', subject: Subjects.sagaGet, data: 'onb-x' }],
      ...DeployedAgents.map((a): [string, Attempt] => [
        `${a}-agent`,
        {
          what: 'look at its consumer',
          kind: 'request',
          subject: JsApi.consumerInfo(Names.tasksStream, Names.agentConsumer(a)),
        },
      ]),
      ['admin', { what: 'look at a stream', kind: 'request', subject: JsApi.streamInfo(Names.eventsStream) }],
    ];
    for (const [identity, a] of controls) {
      const conn = await secure.connectAs(identity);
      // An allowed attempt gets no violation: a second is long enough for one to arrive (ms here).
      const r = await attempt(conn, a, 1000);
      expect(r.denied, `${identity}: ${a.what}: ${r.outcome}`).toBe(false);
      expect(r.outcome, `${identity}: ${a.what}`).toMatch(
        /^(sent|subscribed|answered: \{"type":"io\.nats\.jetstream\.api|answered: \{"sessionId")/,
      );
    }
  }, 60_000);

  it('lets client-alice ask and receive the answer on her own inbox', async () => {
    const router = await secure.connectAs('router');
    const alice = await secure.connectAs('client-alice');
    const replyTo: string[] = [];
    const sub = router.nc.subscribe(Subjects.ask, {
      queue: Names.routerQueue,
      callback: (_err, m) => {
        replyTo.push(m.reply ?? '');
        m.respond(`for alice: ${m.string()}`);
      },
    });
    try {
      await router.nc.flush();
      const reply = await alice.nc.request(Subjects.ask, 'how many vacation days do I have?', {
        timeout: 3000,
      });
      expect(reply.string()).toBe('for alice: how many vacation days do I have?');
      expect(replyTo).toHaveLength(1);
      expect(replyTo[0]).toMatch(/^_INBOX\.client-alice\./);
      expect(alice.violations).toEqual([]);
      expect(router.violations).toEqual([]);
    } finally {
      sub.unsubscribe();
    }
  });

  it('left every stream, bucket, consumer and stored message as it was', async () => {
    expect(await state()).toEqual(before);
    const sessions = await new Kvm(admin).open(Names.sessionsBucket);
    expect((await sessions.get(VICTIM_SESSION))?.json()).toEqual({
      sessionId: VICTIM_SESSION,
      userId: 'bob',
    });
    const si = await jsm.streams.info(Names.bucketStream(Names.sessionsBucket));
    expect(si.config.subjects).toEqual(['$KV.sessions.>']);
    expect(si.config.max_age).toBe(7 * 24 * 60 * 60 * 1e9);
    const total = Object.values(figures).reduce((n, f) => n + f.attempts, 0);
    const denied = Object.values(figures).reduce((n, f) => n + f.denied, 0);
    const lines = Object.entries(figures).map(
      ([id, f]) => `  ${id.padEnd(14)} ${String(f.denied).padStart(3)} of ${f.attempts} denied`,
    );
    process.stdout.write(
      `\nbreak-in figures (server-enforced denials):\n${lines.join('\n')}\n  ${'total'.padEnd(14)} ${String(denied).padStart(3)} of ${total} denied\n`,
    );
    expect(Object.keys(figures).sort()).toEqual([...identities].sort());
    expect(denied).toBe(total);
  });
});
