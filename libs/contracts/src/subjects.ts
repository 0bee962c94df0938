import { SwitchboardError } from './errors.js';

/** A subject token that is safe to interpolate: no dots, wildcards, white space or control bytes. */
const SAFE_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** True when `token` can stand as one subject token without changing the subject's meaning. */
export function isSafeToken(token: string): boolean {
  return SAFE_TOKEN.test(token);
}

/** Throws `invalid_request` unless `token` is a safe subject token. */
export function assertSafeToken(token: string, what: string): string {
  if (!isSafeToken(token)) {
    throw new SwitchboardError('invalid_request', `${what} is not a safe subject token`, {
      details: { [what]: token.slice(0, 80) },
    });
  }
  return token;
}

/** The names of streams, consumers, buckets and queue groups; subjects are built by {@link Subjects}. */
export const Names = {
  /** Work-queue stream holding `tasks.<agent>`. */
  tasksStream: 'AGENT_TASKS',
  /** Stream holding `events.>`. */
  eventsStream: 'AGENT_EVENTS',
  /** Stream of dead-lettered tasks, `dlq.<agent>`. */
  deadLetterStream: 'AGENT_DLQ',
  /** Stream of streamed answers, `chunks.<streamId>` (docs/streaming.md). */
  chunksStream: 'AGENT_CHUNKS',
  /** KV bucket of sessions, keyed by session id. */
  sessionsBucket: 'sessions',
  /** KV bucket of capability cards, keyed `<agent>.<instance>`. */
  agentsBucket: 'agents',
  /** KV bucket of saga records (state and history of each workflow instance), keyed by saga id. */
  sagasBucket: 'sagas',
  /** KV bucket of approvals waiting for (or decided by) a manager, keyed by approval id. */
  approvalsBucket: 'approvals',
  /** Stream of A2A stream responses over NATS, `a2a.events.<taskId>` (docs/a2a.md, kept an hour). */
  a2aEventsStream: 'A2A_EVENTS',
  /** KV bucket of A2A task records and A2A contexts, served by the gateway (docs/a2a.md). */
  a2aTasksBucket: 'a2a_tasks',
  /** Work-queue stream of durable A2A requests, `a2a.inbox.<target>` (docs/a2a.md). */
  a2aRequestsStream: 'A2A_REQUESTS',
  /** Durable consumer of the gateways on `a2a.inbox.<target>` (`<target>` an agent type or `switchboard`). */
  a2aInboxConsumer: (target: string) => `a2a-${assertSafeToken(target, 'agent')}`,
  /** Queue group of the gateways on `a2a.<agent>` and `a2a.switchboard` (the A2A binding over NATS). */
  a2aQueue: (target: string) => `a2a-${assertSafeToken(target, 'agent')}`,
  /** Queue group of the router on `agents.ask`. */
  routerQueue: 'router',
  /** Durable consumer name of one agent type on `tasks.<agent>`. */
  agentConsumer: (agent: string) => `agent-${assertSafeToken(agent, 'agent')}`,
  /** Queue group of one agent type on `agents.<agent>.ask`. */
  agentQueue: (agent: string) => `agent-${assertSafeToken(agent, 'agent')}`,
  /**
   * Durable consumer of one agent type on `AGENT_EVENTS` for one workflow (`finance-onboarding`):
   * how an agent reacts to another's events (see `WorkflowConsumers`).
   */
  eventConsumer: (agent: string, flow: string) =>
    `${assertSafeToken(agent, 'agent')}-${assertSafeToken(flow, 'flow')}`,
  /** KV bucket of one agent type's own data (`hr_data`, `finance_data`), created and seeded by it. */
  agentDataBucket: (agent: string) => `${assertSafeToken(agent, 'agent')}_data`,
  /** The stream behind a KV bucket. */
  bucketStream: (bucket: string) => `KV_${assertSafeToken(bucket, 'bucket')}`,
} as const;

/** Builders of every subject Switchboard uses. Each token is validated before it is interpolated. */
export const Subjects = {
  /** Intake: core request/reply, served by the router. */
  ask: 'agents.ask',
  /** Straight to one agent type: follow-ups in its sessions, or a new session with it. */
  agentAsk: (agent: string) => `agents.${assertSafeToken(agent, 'agent')}.ask`,
  /** One agent type's tools (list, call): core request/reply, served in its queue group (docs/mcp.md). */
  agentTools: (agent: string) => `agents.${assertSafeToken(agent, 'agent')}.tools`,
  /** Work for one agent type, in the `AGENT_TASKS` stream. */
  task: (agent: string) => `tasks.${assertSafeToken(agent, 'agent')}`,
  /** Wildcard of all task subjects (stream subjects). */
  allTasks: 'tasks.>',
  /** An event: `events.<domain>.<kind>`, e.g. `events.hr.leave_requested`. */
  event: (domain: string, kind: string) =>
    `events.${assertSafeToken(domain, 'domain')}.${assertSafeToken(kind, 'kind')}`,
  /** Reads one saga's state and history: core request/reply, served by the router. */
  sagaGet: 'sagas.get',
  /** Wildcard of all event subjects (stream subjects). */
  allEvents: 'events.>',
  /** A dead-lettered task of one agent type, in the `AGENT_DLQ` stream. */
  deadLetter: (agent: string) => `dlq.${assertSafeToken(agent, 'agent')}`,
  /** Wildcard of all dead-letter subjects (stream subjects). */
  allDeadLetters: 'dlq.>',
  /** The chunks of one streamed answer, in the `AGENT_CHUNKS` stream. */
  chunks: (streamId: string) => `chunks.${assertSafeToken(streamId, 'stream id')}`,
  /** Wildcard of all chunk subjects (stream subjects). */
  allChunks: 'chunks.>',
  /**
   * A2A over NATS (docs/a2a.md): JSON-RPC requests of the A2A JSON-RPC binding to one agent type,
   * served by the gateways. An agent type named `switchboard` or `events` cannot be reached here.
   */
  a2aAgent: (agent: string) => `a2a.${assertSafeToken(agent, 'agent')}`,
  /** A2A over NATS to the router (it picks the agent), served by the gateways. */
  a2aRouter: 'a2a.switchboard',
  /** The stored stream responses of one A2A task, in the `A2A_EVENTS` stream. */
  a2aEvents: (taskId: string) => `a2a.events.${assertSafeToken(taskId, 'task id')}`,
  /** Wildcard of all A2A stream responses (stream subjects). */
  allA2aEvents: 'a2a.events.>',
  /**
   * A durable A2A request for `target` (an agent type, or `switchboard` for the router), kept in
   * the `A2A_REQUESTS` work queue until a gateway has answered it to its `A2A-Reply-To`.
   */
  a2aInbox: (target: string) => `a2a.inbox.${assertSafeToken(target, 'agent')}`,
  /** Wildcard of all durable A2A requests (stream subjects). */
  allA2aInbox: 'a2a.inbox.>',
  /** Where durable A2A requests may ask their answers to go (besides an inbox); kept in `A2A_EVENTS`. */
  allA2aReplies: 'a2a.replies.>',
  /** Every key of a KV bucket (the subjects its stream stores). */
  bucketKeys: (bucket: string) => `$KV.${assertSafeToken(bucket, 'bucket')}.>`,
  /** The server's advisory for a task of `agent` that used up its deliveries. */
  maxDeliveriesAdvisory: (agent: string) =>
    `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${Names.tasksStream}.${Names.agentConsumer(agent)}`,
  /**
   * The prefix of every reply subject (`_INBOX.` and a token at least): nats.js creates its inboxes
   * under it, each identity under `_INBOX.<identity>.` (see `NATS_INBOX_PREFIX`). Answers are sent
   * only to subjects under it, never into a stream or another service's subject.
   */
  inboxPrefix: '_INBOX.',
  /** The inbox prefix of one NATS identity (`_INBOX.<identity>`; nats.js appends `.<id>`). */
  identityInbox: (identity: string) => `_INBOX.${assertSafeToken(identity, 'identity')}`,
} as const;

/** True when `subject` can be a reply subject: under `_INBOX.`, with no wildcards or white space. */
export function isInboxSubject(subject: string): boolean {
  return (
    subject.length > Subjects.inboxPrefix.length &&
    subject.length <= 255 &&
    subject.startsWith(Subjects.inboxPrefix) &&
    /^[!-)+-=?-~]+$/.test(subject) &&
    !subject.split('.').some((t) => t === '')
  );
}
