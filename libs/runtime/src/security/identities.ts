import {
  assertSafeToken,
  Names,
  Subjects,
  WorkflowConsumers,
  workflowConsumerName,
} from '@switchboard/contracts';
import { MicroPrefix, MicroVerbs } from '../micro/protocol.js';
import { DeployedAgents } from '../provision.js';
import { TokenSettings } from './tokens.js';

/**
 * The NATS identities of Switchboard and what each may do on the bus: one table, built from the
 * names the code itself uses (`Names`, `Subjects`), from which `npm run secure:init` writes the
 * server's `authorization` block and `infra/nats/permissions.conf` is generated. Everything not
 * listed is denied by the server.
 *
 * - No service identity creates, updates, purges or deletes a stream or bucket: `admin` provisions
 *   them (`npm run provision`). An agent creates and updates only its own durable consumer, and
 *   only with its own filter subject (the server checks that the filter in the subject is the one
 *   in the request).
 * - Replies: each identity subscribes to its own inboxes only (`_INBOX.<identity>.>`, the
 *   connection's `NATS_INBOX_PREFIX`). Each user has a client identity of their own
 *   (`client-alice`), so no user can read another's replies; `client` is for scripts. The router answers the requests it receives through
 *   `allow_responses` (it cannot publish to any inbox); agents answer the reply subject a task
 *   carries, so they may publish to `_INBOX.>`, and refuse a task whose reply subject is not an
 *   inbox (`readContext`).
 * - Discovery (`nats micro`, ADR-32): each service subscribes to the `$SRV` subjects of its own
 *   name only; only `admin`, the operator, may send `$SRV` requests (they show instance ids,
 *   subjects and error counts, and each fans out to every instance), so clients cannot.
 * - KV reads are by key only (`$JS.API.DIRECT.GET.<stream>.$KV.<bucket>.<key>`): a key must be
 *   known to be read; reading by sequence, which walks a whole bucket, is not allowed.
 */

/** One allowed subject (a subscription may be bound to a queue group), with why it is needed. */
export interface Allow {
  subject: string;
  /** Subscriptions only: the queue group the subscription must use. */
  queue?: string;
  why: string;
}

/** One identity: who it is for and everything it may publish and subscribe to. */
export interface Identity {
  name: string;
  description: string;
  /** Its inbox prefix (`NATS_INBOX_PREFIX`): the only inboxes it may subscribe to. */
  inboxPrefix: string;
  publish: readonly Allow[];
  subscribe: readonly Allow[];
  /**
   * May answer the requests it receives, whatever their reply subject (`allow_responses`): `true`
   * once each; `{ max, expires }` up to `max` messages each within `expires` (streamed answers).
   */
  allowResponses: boolean | { max: number; expires: string };
}

/** JetStream API subjects (nats-server 2.9 and later), built from stream, consumer and bucket names. */
export const JsApi = {
  /** Account information (`jetstreamManager`, `Kvm`). */
  info: '$JS.API.INFO',
  streamInfo: (stream: string) => `$JS.API.STREAM.INFO.${stream}`,
  /** Reads one stored message by sequence (the max-deliveries watcher reads its task back). */
  messageGet: (stream: string) => `$JS.API.STREAM.MSG.GET.${stream}`,
  /** Reads the value of one key: the key is in the subject (`kv.get`). */
  keyGet: (bucket: string) =>
    `$JS.API.DIRECT.GET.${Names.bucketStream(bucket)}.${Subjects.bucketKeys(bucket)}`,
  consumerInfo: (stream: string, consumer: string) => `$JS.API.CONSUMER.INFO.${stream}.${consumer}`,
  /** Creates or updates a named consumer whose filter subject is `filter` (checked by the server). */
  consumerCreate: (stream: string, consumer: string, filter: string) =>
    `$JS.API.CONSUMER.CREATE.${stream}.${consumer}.${filter}`,
  /** A pull request on a durable consumer: whoever sends it is delivered its messages. */
  consumerNext: (stream: string, consumer: string) => `$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`,
  /** The ordered consumers of a KV watch on `bucket` (any name, filters under the bucket's keys). */
  watchCreate: (bucket: string) =>
    `$JS.API.CONSUMER.CREATE.${Names.bucketStream(bucket)}.*.${Subjects.bucketKeys(bucket)}`,
  watchDelete: (bucket: string) => `$JS.API.CONSUMER.DELETE.${Names.bucketStream(bucket)}.*`,
  watchInfo: (bucket: string) => `$JS.API.CONSUMER.INFO.${Names.bucketStream(bucket)}.*`,
  /** Flow-control answers of a push consumer on `stream`. */
  flowControl: (stream: string) => `$JS.FC.${stream}.>`,
  /** Acks of one durable consumer's deliveries, in the short and in the domain-qualified form. */
  acks: (stream: string, consumer: string) => [
    `$JS.ACK.${stream}.${consumer}.>`,
    `$JS.ACK.*.*.${stream}.${consumer}.>`,
  ],
} as const;

/** The identity name of an agent type: `hr` runs as `hr-agent`. */
export function agentIdentity(agent: string): string {
  return `${agent}-agent`;
}

const allStreams = [
  Names.tasksStream,
  Names.eventsStream,
  Names.deadLetterStream,
  Names.chunksStream,
  Names.a2aEventsStream,
  Names.a2aRequestsStream,
];
const sharedBuckets = [Names.sessionsBucket, Names.agentsBucket, Names.sagasBucket, Names.approvalsBucket];

/** The durable consumers on `AGENT_EVENTS` through which `agent` reacts to other agents' events. */
function eventConsumersOf(agent: string): Allow[] {
  const events = Names.eventsStream;
  return WorkflowConsumers.filter((c) => c.agent === agent).flatMap((c) => {
    const name = workflowConsumerName(c);
    const why = `reacts to ${c.filter} (${c.flow})`;
    return [
      { subject: JsApi.consumerInfo(events, name), why },
      { subject: JsApi.consumerCreate(events, name, c.filter), why },
      { subject: JsApi.consumerNext(events, name), why },
      ...JsApi.acks(events, name).map((subject) => ({ subject, why })),
    ];
  });
}

/** Reads and writes the workflow buckets: saga records, approvals (and lists approvals to expire them). */
function workflowStateOf(): Allow[] {
  return [
    { subject: Subjects.bucketKeys(Names.sagasBucket), why: 'records the steps of its sagas' },
    { subject: JsApi.keyGet(Names.sagasBucket), why: 'reads a saga by its id' },
    { subject: Subjects.bucketKeys(Names.approvalsBucket), why: 'records and decides approvals' },
    { subject: JsApi.keyGet(Names.approvalsBucket), why: 'reads an approval by its id' },
    ...watchOf(Names.approvalsBucket),
  ];
}

/** What every service does at start and while it runs: look at its streams and buckets, never change them. */
function checksOf(buckets: readonly string[]): Allow[] {
  return [
    { subject: JsApi.info, why: 'JetStream account information' },
    ...allStreams.map((s) => ({ subject: JsApi.streamInfo(s), why: 'checks the stream exists' })),
    ...buckets.map((b) => ({
      subject: JsApi.streamInfo(Names.bucketStream(b)),
      why: `checks (binds) the bucket ${b}`,
    })),
  ];
}

/**
 * The nine `$SRV` subscriptions of the services protocol (ADR-32, docs/discovery.md) for the service
 * `name`: every verb for all services, for its own name, and for its own name and any instance id.
 * No identity may subscribe to another service's name: only `hr-agent` can answer
 * `$SRV.STATS.hr-agent`. (`$SRV.<verb>` alone is answered by every service, so a reply there names
 * whoever sent it; the named forms are the ones to trust.)
 */
function discoveryOf(name: string): Allow[] {
  return MicroVerbs.flatMap((verb) => [
    { subject: `${MicroPrefix}.${verb}`, why: `answers $SRV.${verb} (nats micro)` },
    { subject: `${MicroPrefix}.${verb}.${name}`, why: `answers $SRV.${verb} for ${name}` },
    { subject: `${MicroPrefix}.${verb}.${name}.*`, why: `answers $SRV.${verb} for one ${name} instance` },
  ]);
}

/** Asking the services protocol (`nats micro ls|info|stats`): the verbs, in every form. */
function discoveryRequests(): Allow[] {
  return MicroVerbs.flatMap((verb) => [
    { subject: `${MicroPrefix}.${verb}`, why: `nats micro: $SRV.${verb} of every service` },
    { subject: `${MicroPrefix}.${verb}.>`, why: `nats micro: $SRV.${verb} of one service or instance` },
  ]);
}

function inboxOf(identity: string): Allow {
  return { subject: `${Subjects.identityInbox(identity)}.>`, why: 'its own reply inboxes' };
}

/** Streamed answers read back (SSE, resume): ordered consumers on `AGENT_CHUNKS`, created, followed, deleted. */
function chunkReadsOf(): Allow[] {
  const stream = Names.chunksStream;
  const why = 'relays and resumes streamed answers (docs/streaming.md)';
  return [
    { subject: JsApi.streamInfo(stream), why },
    { subject: `$JS.API.CONSUMER.CREATE.${stream}.*.${Subjects.allChunks}`, why },
    { subject: `$JS.API.CONSUMER.CREATE.${stream}.*`, why },
    { subject: `$JS.API.CONSUMER.MSG.NEXT.${stream}.*`, why },
    { subject: `$JS.API.CONSUMER.INFO.${stream}.*`, why },
    { subject: `$JS.API.CONSUMER.DELETE.${stream}.*`, why },
  ];
}

/** A KV watch on `bucket`: ordered consumers created, followed and deleted. */
function watchOf(bucket: string): Allow[] {
  const why = `watches the bucket ${bucket}`;
  return [
    { subject: JsApi.watchCreate(bucket), why },
    { subject: JsApi.watchInfo(bucket), why },
    { subject: JsApi.watchDelete(bucket), why },
    { subject: JsApi.flowControl(Names.bucketStream(bucket)), why },
  ];
}

/** How many responses one A2A request over NATS may get, and for how long (a stream, or its resume). */
export const A2aStreamResponses = { max: 10_000, expires: '15m' } as const;

/** Where A2A is served over NATS (docs/a2a.md): the router's subject, then one per agent type. */
function a2aTargets(
  agents: readonly string[],
): { target: string; subject: string; queue: string; to: string }[] {
  return [
    {
      target: 'switchboard',
      subject: Subjects.a2aRouter,
      queue: Names.a2aQueue('switchboard'),
      to: 'the router',
    },
    ...agents.map((a) => ({ target: a, subject: Subjects.a2aAgent(a), queue: Names.a2aQueue(a), to: a })),
  ];
}

/**
 * The gateway's side of A2A over NATS: serves the A2A subjects, keeps task records and contexts in
 * `a2a_tasks`, stores stream responses in `A2A_EVENTS` and reads them back to resume a stream. It
 * sends the responses of a stream as answers to the request (`allow_responses` with a maximum),
 * never to an inbox it was not asked from.
 */
function a2aServingOf(agents: readonly string[]): { publish: Allow[]; subscribe: Allow[] } {
  const bucket = Names.a2aTasksBucket;
  const stream = Names.a2aEventsStream;
  const why = 'A2A over NATS: stores and resumes stream responses (docs/a2a.md)';
  const requests = Names.a2aRequestsStream;
  const durable = a2aTargets(agents).flatMap((t) => {
    const { target } = t;
    const consumer = Names.a2aInboxConsumer(target);
    const whyInbox = `takes durable A2A requests to ${t.to}`;
    return [
      { subject: JsApi.consumerInfo(requests, consumer), why: whyInbox },
      { subject: JsApi.consumerCreate(requests, consumer, Subjects.a2aInbox(target)), why: whyInbox },
      { subject: JsApi.consumerNext(requests, consumer), why: whyInbox },
      ...JsApi.acks(requests, consumer).map((subject) => ({ subject, why: whyInbox })),
    ];
  });
  return {
    publish: [
      { subject: Subjects.allA2aReplies, why: 'answers durable A2A requests (kept in A2A_EVENTS)' },
      ...durable,
      { subject: Subjects.allA2aEvents, why },
      { subject: `$JS.API.CONSUMER.CREATE.${stream}.*.${Subjects.allA2aEvents}`, why },
      { subject: `$JS.API.CONSUMER.CREATE.${stream}.*`, why },
      { subject: `$JS.API.CONSUMER.MSG.NEXT.${stream}.*`, why },
      { subject: `$JS.API.CONSUMER.INFO.${stream}.*`, why },
      { subject: `$JS.API.CONSUMER.DELETE.${stream}.*`, why },
      { subject: Subjects.bucketKeys(bucket), why: 'A2A task records and contexts' },
      { subject: JsApi.keyGet(bucket), why: 'GetTask: reads an A2A task by its id' },
      ...watchOf(bucket).map((allow) => ({ ...allow, why: "ListTasks: lists the caller's A2A tasks" })),
    ],
    subscribe: a2aTargets(agents).map((t) => ({
      subject: t.subject,
      queue: t.queue,
      why: `A2A over NATS to ${t.to}`,
    })),
  };
}

function routerIdentity(agents: readonly string[]): Identity {
  const name = 'router';
  return {
    name,
    description: 'serves agents.ask: routes a request to an agent type and hands it on as a task',
    inboxPrefix: Subjects.identityInbox(name),
    allowResponses: true,
    publish: [
      ...checksOf(sharedBuckets),
      ...agents.map((a) => ({ subject: Subjects.task(a), why: `hands requests to ${a}` })),
      { subject: Subjects.bucketKeys(Names.sessionsBucket), why: 'opens and follows sessions' },
      { subject: JsApi.keyGet(Names.sessionsBucket), why: 'reads a session by its id' },
      { subject: JsApi.keyGet(Names.sagasBucket), why: 'serves sagas.get' },
      ...watchOf(Names.agentsBucket),
    ],
    subscribe: [
      { subject: Subjects.ask, queue: Names.routerQueue, why: 'serves agents.ask' },
      { subject: Subjects.sagaGet, queue: Names.routerQueue, why: 'serves sagas.get' },
      ...discoveryOf(name),
      inboxOf(name),
    ],
  };
}

function agentServiceIdentity(agent: string): Identity {
  const name = agentIdentity(agent);
  const consumer = Names.agentConsumer(agent);
  const data = Names.agentDataBucket(agent);
  const tasks = Names.tasksStream;
  return {
    name,
    description: `the ${agent} agent: consumes tasks.${agent}, answers callers, keeps its data in ${data}`,
    inboxPrefix: Subjects.identityInbox(name),
    allowResponses: false,
    publish: [
      ...checksOf([...sharedBuckets, data]),
      { subject: `${Subjects.inboxPrefix}>`, why: 'answers the reply subject a task carries (an inbox)' },
      { subject: Subjects.task(agent), why: 'direct requests become its own tasks' },
      { subject: `events.${agent}.>`, why: 'its domain events' },
      { subject: Subjects.deadLetter(agent), why: 'its dead letters' },
      { subject: Subjects.allChunks, why: 'streams answers to chunks.<streamId> (docs/streaming.md)' },
      { subject: Subjects.bucketKeys(Names.sessionsBucket), why: 'writes the turns of its sessions' },
      { subject: JsApi.keyGet(Names.sessionsBucket), why: 'reads a session by its id' },
      { subject: `$KV.${Names.agentsBucket}.${agent}.>`, why: 'its own capability cards' },
      { subject: Subjects.bucketKeys(data), why: 'seeds and changes its data' },
      { subject: JsApi.keyGet(data), why: 'reads its data' },
      ...watchOf(data),
      { subject: JsApi.consumerInfo(tasks, consumer), why: 'its durable consumer' },
      { subject: JsApi.consumerCreate(tasks, consumer, Subjects.task(agent)), why: 'creates its consumer' },
      { subject: JsApi.consumerNext(tasks, consumer), why: 'pulls its tasks' },
      ...JsApi.acks(tasks, consumer).map((subject) => ({ subject, why: 'acknowledges its tasks' })),
      { subject: JsApi.messageGet(tasks), why: 'reads back a task whose deliveries ran out' },
      ...workflowStateOf(),
      ...eventConsumersOf(agent),
    ],
    subscribe: [
      {
        subject: Subjects.agentAsk(agent),
        queue: Names.agentQueue(agent),
        why: 'serves its direct endpoint',
      },
      {
        subject: Subjects.agentTools(agent),
        queue: Names.agentQueue(agent),
        why: 'serves its tools (list, call) to the gateway (MCP)',
      },
      {
        subject: Subjects.maxDeliveriesAdvisory(agent),
        queue: `${Names.agentQueue(agent)}-advisories`,
        why: 'settles tasks whose deliveries ran out',
      },
      ...discoveryOf(name),
      inboxOf(name),
    ],
  };
}

function gatewayIdentity(agents: readonly string[]): Identity {
  const name = 'gateway';
  const a2a = a2aServingOf(agents);
  return {
    name,
    description:
      'the HTTP gateway: sends agents.ask, reads sessions, serves the web chat, MCP and A2A (HTTP and NATS)',
    inboxPrefix: Subjects.identityInbox(name),
    // Answers the $SRV requests it receives (only `admin` may send them); an A2A stream over NATS
    // answers its request with one message per stream response (docs/a2a.md).
    allowResponses: A2aStreamResponses,
    publish: [
      ...checksOf([...sharedBuckets, Names.a2aTasksBucket]),
      { subject: Subjects.ask, why: 'POST /v1/ask' },
      { subject: JsApi.keyGet(Names.sessionsBucket), why: 'GET /v1/sessions/<id>' },
      { subject: JsApi.keyGet(Names.sagasBucket), why: 'GET /v1/sagas/<id>' },
      ...chunkReadsOf(),
      ...agents.map((a) => ({
        subject: Subjects.agentTools(a),
        why: `POST /mcp: lists and calls ${a}'s tools`,
      })),
      ...agents.map((a) => ({ subject: Subjects.agentAsk(a), why: `POST /a2a/${a}: A2A messages to ${a}` })),
      ...watchOf(Names.agentsBucket).map((allow) => ({
        ...allow,
        why: 'A2A agent cards: lists the capability cards',
      })),
      ...a2a.publish,
    ],
    subscribe: [...a2a.subscribe, ...discoveryOf(name), inboxOf(name)],
  };
}

/** The client identity of one user: `alice` connects as `client-alice`, with inboxes `_INBOX.client-alice.>`. */
export function userClientIdentity(user: string): string {
  return `client-${user}`;
}

/** A caller: the generic `client` (scripts), or one user's own (`user` given). */
function clientIdentity(agents: readonly string[], user?: string): Identity {
  const name = user === undefined ? 'client' : userClientIdentity(user);
  return {
    name,
    description:
      user === undefined
        ? 'a caller (npm run ask, nats req): asks and follows up, nothing else'
        : `${user}'s caller (npm run ask, nats req): asks and follows up, reads only ${user}'s replies`,
    inboxPrefix: Subjects.identityInbox(name),
    allowResponses: false,
    publish: [
      { subject: Subjects.ask, why: 'asks' },
      { subject: Subjects.sagaGet, why: 'reads its sagas' },
      ...agents.map((a) => ({ subject: Subjects.agentAsk(a), why: `follows up with ${a}` })),
      ...a2aTargets(agents).map((t) => ({ subject: t.subject, why: `A2A over NATS to ${t.to}` })),
      ...a2aTargets(agents).map((t) => ({
        subject: Subjects.a2aInbox(t.target),
        why: `durable A2A requests to ${t.to}`,
      })),
    ],
    subscribe: [
      inboxOf(name),
      {
        subject: `a2a.replies.${assertSafeToken(name, 'identity')}.>`,
        why: 'answers to its durable A2A requests',
      },
    ],
  };
}

function adminIdentity(agents: readonly string[]): Identity {
  const name = 'admin';
  return {
    name,
    description:
      'the operator: provisions streams and buckets (npm run provision), inspects and replays dead letters',
    inboxPrefix: Subjects.identityInbox(name),
    allowResponses: false,
    publish: [
      { subject: '$JS.API.>', why: 'the whole JetStream API: provisioning, inspection' },
      ...agents.map((a) => ({ subject: Subjects.task(a), why: 'npm run dlq -- replay' })),
      ...discoveryRequests(),
    ],
    subscribe: [inboxOf(name), { subject: '$JS.EVENT.>', why: 'JetStream advisories and metrics' }],
  };
}

/**
 * The identities of a deployment with the agent types `agents` and the users `users` (each a client
 * identity of their own, `client-<user>`; default the demo users `npm run secure:init` issues tokens for).
 */
export function identities(
  agents: readonly string[] = DeployedAgents,
  users: readonly string[] = TokenSettings.demoUsers,
): Readonly<Record<string, Identity>> {
  const list = [
    routerIdentity(agents),
    ...agents.map(agentServiceIdentity),
    gatewayIdentity(agents),
    clientIdentity(agents),
    ...users.map((u) => clientIdentity(agents, u)),
    adminIdentity(agents),
  ];
  return Object.freeze(Object.fromEntries(list.map((i) => [i.name, i])));
}

/**
 * The table of this deployment: `router`, `hr-agent`, `finance-agent`, `gateway`, `client`,
 * `client-alice`, `client-bob`, `client-carol`, `admin`.
 */
export const Identities = identities();

/** The identity names of this deployment, in the order of the table. */
export const IdentityNames: readonly string[] = Object.keys(Identities);
