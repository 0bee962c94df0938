import { EventData, type KnownEventType } from '../events.js';
import type { HeaderNames } from '../headers.js';
import { Names, Subjects } from '../subjects.js';
import { WorkflowConsumers, workflowConsumerName } from '../workflows.js';
import { deadLetterHeaders, headersOf } from './headers.js';
import { ApiDocsVersion } from './info.js';
import { componentSchemas, eventComponent } from './schemas.js';

type Json = Record<string, unknown>;
type HeaderKey = keyof typeof HeaderNames;

const ref = (path: string) => ({ $ref: path });
const schemaRef = (name: string) => ref(`#/components/schemas/${name}`);
/** NATS operation binding: the queue group a service subscribes in. */
const queue = (name: string) => ({ nats: { queue: name, bindingVersion: '0.1.0' } });

/** The context headers a request carries (`readContext`), and those a task carries on top. */
const requestHeaders: HeaderKey[] = [
  'requestId',
  'traceparent',
  'deadline',
  'budget',
  'authorization',
  'streamId',
];
const taskHeaders: HeaderKey[] = [
  'msgId',
  'requestId',
  'traceparent',
  'deadline',
  'replyTo',
  'userId',
  'budget',
  'replay',
  'streamId',
];
const replyHeaders: HeaderKey[] = ['requestId', 'microError', 'microErrorCode'];

/** A message: its payload component, headers, and what it is for. */
function message(
  name: string,
  title: string,
  payload: string,
  headers: Json | undefined,
  summary: string,
): Json {
  return {
    name,
    title,
    summary,
    contentType: 'application/json',
    ...(headers ? { headers } : {}),
    payload: schemaRef(payload),
  };
}

function messages(): Json {
  const out: Json = {
    askRequest: message(
      'AskRequest',
      'Ask',
      'ask-request',
      headersOf(requestHeaders),
      'A user request. Over NATS a payload that is not JSON is taken as `{"text": <payload>}`.',
    ),
    askReply: message(
      'AskReply',
      'Reply',
      'ask-reply',
      headersOf(replyHeaders),
      'The reply to an ask or a task: `{ok: true, status, sessionId, agent, text}` or `{ok: false, error}`.',
    ),
    sagaGetRequest: message(
      'SagaGetRequest',
      'Read a saga',
      'saga-get-request',
      headersOf(['requestId', 'traceparent', 'authorization']),
      '`{"sagaId": "..."}`, or the saga id as plain text.',
    ),
    sagaGetReply: message(
      'SagaGetReply',
      'Saga',
      'saga-get-reply',
      headersOf(replyHeaders),
      "A saga's state and history, or an error (`unknown_saga`, `forbidden`, ...).",
    ),
    toolsRequest: message(
      'ToolsRequest',
      'List or call tools',
      'tools-request',
      headersOf(['requestId', 'traceparent', 'authorization']),
      "`{op: 'list'}` or `{op: 'call', name, arguments}`.",
    ),
    toolsReply: message(
      'ToolsReply',
      'Tools',
      'tools-reply',
      headersOf(['requestId']),
      "An agent's tools, a tool call's result, or an error.",
    ),
    task: message(
      'Task',
      'Task',
      'task',
      headersOf(taskHeaders),
      'One unit of work for an agent type; the answer goes to `Switchboard-Reply-To`.',
    ),
    deadLetter: message(
      'DeadLetter',
      'Dead-lettered task',
      'task',
      headersOf(
        taskHeaders.filter((h) => h !== 'msgId'),
        deadLetterHeaders,
      ),
      'A task that could not be done, with its original headers and payload and why. Replay: `npm run dlq -- replay`.',
    ),
    chunk: {
      name: 'Chunk',
      title: 'Chunk of a streamed answer',
      summary:
        'One piece of an answer in order (`Switchboard-Chunk-Seq`, the last with `Switchboard-Chunk-Final`; `Switchboard-Chunk-Restart` when the answer starts again), the text as the payload; then the record of the reply (`Switchboard-Chunk-Reply`), the reply JSON as the payload. docs/streaming.md.',
      contentType: 'text/plain',
      headers: headersOf(['msgId', 'chunkSeq', 'chunkFinal', 'chunkReply', 'chunkRestart', 'userId']),
      payload: { type: 'string' },
    },
    event: message(
      'Event',
      'Event',
      'event',
      headersOf(['msgId']),
      'A domain event. `type` repeats `<domain>.<kind>`; `Nats-Msg-Id` is `eventId`.',
    ),
    maxDeliveries: {
      name: 'MaxDeliveriesAdvisory',
      title: 'Max deliveries advisory',
      summary: "The server's advisory for a task that used up its deliveries; the agent dead-letters it.",
      contentType: 'application/json',
      payload: {
        type: 'object',
        required: ['type', 'stream', 'consumer', 'stream_seq', 'deliveries'],
        properties: {
          type: { const: 'io.nats.jetstream.advisory.v1.max_deliver' },
          id: { type: 'string' },
          timestamp: { type: 'string', format: 'date-time' },
          stream: { const: Names.tasksStream },
          consumer: { type: 'string' },
          stream_seq: { type: 'integer', minimum: 1 },
          deliveries: { type: 'integer', minimum: 1 },
        },
      },
    },
    session: message('Session', 'Session record', 'session', undefined, 'A session record, one per key.'),
    card: message(
      'CapabilityCard',
      'Capability card',
      'capability-card',
      undefined,
      "An agent instance's capability card, refreshed every few seconds (its heartbeat).",
    ),
    saga: message('Saga', 'Saga record', 'saga', undefined, "One workflow instance's state and history."),
    ...a2aMessages(),
    ...microMessages(),
  };
  for (const type of Object.keys(EventData) as KnownEventType[]) {
    out[eventMessage(type)] = message(
      eventMessage(type),
      `Event ${type}`,
      eventComponent(type),
      headersOf(['msgId']),
      `The event \`${type}\` with its \`data\` contract.`,
    );
  }
  return out;
}

/** The A2A binding's headers (docs/a2a.md, "A2A over NATS"): like the HTTP headers of A2A's JSON-RPC binding. */
const a2aHeader = (description: string) => ({ type: 'string', description });
const a2aResponseHeaders = {
  type: 'object',
  properties: {
    'A2A-Seq': a2aHeader('Position of a stream response in its stream, from 1 (`1` on a unary response).'),
    'A2A-Final': a2aHeader('`true` on the last response of a stream, and on a unary response.'),
    'A2A-Stream-Id': a2aHeader(
      'The stream a response belongs to: with `A2A-Seq`, what a client resumes from.',
    ),
  },
};

/**
 * A2A over NATS: the JSON-RPC 2.0 messages of A2A's JSON-RPC binding (v1.0 methods), defined by the
 * A2A specification and the `@a2a-js/sdk` types, not by these contracts; described here by their envelope.
 */
function a2aMessages(): Json {
  return {
    a2aRequest: {
      name: 'A2aRequest',
      title: 'A2A JSON-RPC request',
      summary:
        'One JSON-RPC 2.0 request of the A2A JSON-RPC binding (`SendMessage`, `SendStreamingMessage`, `GetTask`, `ListTasks`, `CancelTask`, `SubscribeToTask`). Over 32 KiB, not JSON, or not JSON-RPC: a JSON-RPC error.',
      contentType: 'application/json',
      headers: {
        type: 'object',
        properties: {
          'A2A-Version': a2aHeader('`1.0` for the v1.0 methods (none: v0.3 names).'),
          Authorization: a2aHeader('`Bearer <token>`: required in secure mode, checked as over HTTP.'),
          'Switchboard-User': a2aHeader('Open mode only: the user the request is made for.'),
          'A2A-Stream-Id': a2aHeader('With `SubscribeToTask`: resume this stream ...'),
          'A2A-Seq': a2aHeader('... after this position (the last one the client saw).'),
          'A2A-Reply-To': a2aHeader(
            'Durable requests (`a2a.inbox.<target>`) only: where the answers go, an inbox or a subject under `a2a.replies.`.',
          ),
        },
      },
      payload: {
        type: 'object',
        required: ['jsonrpc', 'method', 'id'],
        properties: {
          jsonrpc: { const: '2.0' },
          id: {},
          method: { type: 'string' },
          params: { type: 'object' },
        },
      },
    },
    a2aResponse: {
      name: 'A2aResponse',
      title: 'A2A JSON-RPC response',
      summary:
        'One JSON-RPC 2.0 response: the result of a unary method, or one `StreamResponse` of a stream (`task`, `statusUpdate`, `artifactUpdate`), or an error object.',
      contentType: 'application/json',
      headers: a2aResponseHeaders,
      payload: {
        type: 'object',
        required: ['jsonrpc', 'id'],
        properties: {
          jsonrpc: { const: '2.0' },
          id: {},
          result: { type: 'object' },
          error: { type: 'object' },
        },
      },
    },
  };
}

/** The message name of a known event type: `event_hr_leave_requested`. */
const eventMessage = (type: string) => `event_${type.replace('.', '_')}`;
/** The channel name of a known event type: `events_hr_leave_requested`. */
const eventChannel = (type: string) => `events_${type.replace('.', '_')}`;

const msgRefs = (...names: string[]) =>
  Object.fromEntries(names.map((n) => [n, ref(`#/components/messages/${n}`)]));
const agentParam = { agent: { description: 'An agent type, e.g. `hr`, `finance` (a safe subject token).' } };

/**
 * The channels. `x-nats-subjects` lists the wildcards and prefixes that go with a channel (stream
 * subjects, consumer filters, inbox prefixes), `{name}` standing for one token as in addresses.
 */
function channels(): Json {
  const events = Object.keys(EventData).map((t) => eventMessage(t));
  const out: Json = {
    ask: {
      address: Subjects.ask,
      title: 'Intake',
      description: 'Core request/reply, served by the router (queue group `router`): it picks the agent.',
      messages: msgRefs('askRequest'),
    },
    agentAsk: {
      address: 'agents.{agent}.ask',
      title: 'Direct to one agent type',
      description: "Core request/reply: follow-ups in the agent's sessions, or a new session with it.",
      parameters: agentParam,
      messages: msgRefs('askRequest'),
    },
    agentTools: {
      address: 'agents.{agent}.tools',
      title: "An agent type's tools",
      description:
        "Core request/reply: list the agent's tools or call one (the gateway's MCP server uses it).",
      parameters: agentParam,
      messages: msgRefs('toolsRequest'),
    },
    sagaGet: {
      address: Subjects.sagaGet,
      title: 'Read a saga',
      description: "Core request/reply, served by the router: a saga's state and history.",
      messages: msgRefs('sagaGetRequest'),
    },
    inbox: {
      address: null,
      title: 'Reply inbox',
      description:
        "The caller's reply subject: the NATS reply subject of a request, or a task's `Switchboard-Reply-To`. Always under `_INBOX.` (each identity under `_INBOX.<identity>.`); answers never go anywhere else.",
      'x-nats-subjects': [Subjects.inboxPrefix, '_INBOX.{identity}'],
      messages: msgRefs('askReply', 'sagaGetReply', 'toolsReply', 'microReply', 'a2aResponse'),
    },
    task: {
      address: 'tasks.{agent}',
      title: 'Tasks',
      description: `Work for one agent type, in the work-queue stream \`${Names.tasksStream}\` (subjects \`${Subjects.allTasks}\`), taken by the durable consumer \`agent-<agent>\`.`,
      parameters: agentParam,
      'x-nats-subjects': [Subjects.allTasks],
      messages: msgRefs('task'),
    },
    event: {
      address: 'events.{domain}.{kind}',
      title: 'Events',
      description: `Domain events in the stream \`${Names.eventsStream}\` (subjects \`${Subjects.allEvents}\`), published only by turns that change data. Types without a \`data\` contract are checked by the envelope only.`,
      parameters: {
        domain: { description: 'The publishing agent type, e.g. `hr`.' },
        kind: { description: 'What happened, e.g. `leave_requested`.' },
      },
      'x-nats-subjects': [Subjects.allEvents],
      messages: msgRefs('event', ...events),
    },
    chunks: {
      address: 'chunks.{streamId}',
      title: 'Streamed answers',
      description: `The chunks of one answer a caller asked to stream (\`Switchboard-Stream\`), in the stream \`${Names.chunksStream}\` (subjects \`${Subjects.allChunks}\`, kept an hour). \`Nats-Msg-Id\` is \`<taskId>.<seq>\` (\`<taskId>.reply\` for the reply record).`,
      parameters: { streamId: { description: 'The id the caller chose (16 to 64 of `[A-Za-z0-9_-]`).' } },
      'x-nats-subjects': [Subjects.allChunks],
      messages: msgRefs('chunk'),
    },
    deadLetter: {
      address: 'dlq.{agent}',
      title: 'Dead letters',
      description: `Tasks that could not be done, in the stream \`${Names.deadLetterStream}\` (subjects \`${Subjects.allDeadLetters}\`).`,
      parameters: agentParam,
      'x-nats-subjects': [Subjects.allDeadLetters],
      messages: msgRefs('deadLetter'),
    },
    a2aRouter: {
      address: Subjects.a2aRouter,
      title: 'A2A over NATS, to the router',
      description:
        'Core request/reply, served by the gateways (queue group `a2a-switchboard`): A2A JSON-RPC; the router picks the agent. docs/a2a.md.',
      messages: msgRefs('a2aRequest'),
    },
    a2aAgent: {
      address: 'a2a.{agent}',
      title: 'A2A over NATS, to one agent type',
      description:
        "Core request/reply, served by the gateways (queue group `a2a-<agent>`): A2A JSON-RPC to one agent type. Streaming methods answer with several messages on the caller's inbox.",
      parameters: agentParam,
      messages: msgRefs('a2aRequest'),
    },
    a2aEvents: {
      address: 'a2a.events.{taskId}',
      title: 'A2A stream responses',
      description: `Every stream response sent over NATS, stored in the stream \`${Names.a2aEventsStream}\` (subjects \`${Subjects.allA2aEvents}\`, kept an hour) before it is sent, so a client resumes with \`SubscribeToTask\`, \`A2A-Stream-Id\` and the last \`A2A-Seq\` it saw. \`Nats-Msg-Id\` is \`<streamId>.<seq>\`.`,
      parameters: { taskId: { description: 'The A2A task id (a UUID).' } },
      'x-nats-subjects': [Subjects.allA2aEvents],
      messages: msgRefs('a2aResponse'),
    },
    a2aInbox: {
      address: 'a2a.inbox.{target}',
      title: 'Durable A2A requests',
      description: `A2A JSON-RPC requests kept in the work-queue stream \`${Names.a2aRequestsStream}\` (subjects \`${Subjects.allA2aInbox}\`, a day at most) until a gateway, through the durable consumer \`a2a-<target>\`, has answered them to their \`A2A-Reply-To\`. At least once.`,
      parameters: { target: { description: 'An agent type, or `switchboard` for the router.' } },
      'x-nats-subjects': [Subjects.allA2aInbox],
      messages: msgRefs('a2aRequest'),
    },
    a2aReplies: {
      address: 'a2a.replies.{caller}.{id}',
      title: 'Answers to durable A2A requests',
      description: `Where a durable request may ask its answers to go (besides an inbox); kept in \`${Names.a2aEventsStream}\` (subjects \`${Subjects.allA2aReplies}\`). A client identity may subscribe to \`a2a.replies.<identity>.>\`.`,
      parameters: {
        caller: { description: 'The caller, e.g. its NATS identity (`client-alice`).' },
        id: { description: 'Any further tokens the caller chose.' },
      },
      'x-nats-subjects': [Subjects.allA2aReplies],
      messages: msgRefs('a2aResponse'),
    },
    maxDeliveries: {
      address: `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${Names.tasksStream}.agent-{agent}`,
      title: 'Max deliveries advisories',
      description: 'Sent by the NATS server when a task of `agent` used up its deliveries.',
      parameters: agentParam,
      messages: msgRefs('maxDeliveries'),
    },
    ...kvChannels(),
    ...microChannels(),
  };
  for (const type of Object.keys(EventData)) {
    const [domain, kind] = type.split('.') as [string, string];
    out[eventChannel(type)] = {
      address: Subjects.event(domain, kind),
      title: `Event ${type}`,
      messages: msgRefs(eventMessage(type)),
    };
  }
  return out;
}

/** The KV buckets other services read through their change feed (a bucket's stream `KV_<bucket>`). */
function kvChannels(): Json {
  const kv = (bucket: string, key: string, description: string, msg: string, params: Json) => ({
    address: `$KV.${bucket}.${key}`,
    title: `KV bucket ${bucket}`,
    description: `${description} Every key of a bucket: \`$KV.<bucket>.>\`.`,
    parameters: params,
    'x-nats-subjects': ['$KV.{bucket}.>'],
    messages: msgRefs(msg),
  });
  return {
    sessionsKv: kv(
      Names.sessionsBucket,
      '{sessionId}',
      'Session records; each agent turn is a write.',
      'session',
      {
        sessionId: { description: 'A session id.' },
      },
    ),
    agentsKv: kv(
      Names.agentsBucket,
      '{agent}.{instanceId}',
      'Capability cards of live agent instances.',
      'card',
      {
        ...agentParam,
        instanceId: { description: 'The instance that wrote the card.' },
      },
    ),
    sagasKv: kv(Names.sagasBucket, '{sagaId}', 'Saga records, one per workflow instance.', 'saga', {
      sagaId: { description: 'A saga id, e.g. `onb-` and hex digits.' },
    }),
  };
}

const chan = (name: string) => ref(`#/channels/${name}`);
const chanMsgs = (channel: string, ...names: string[]) =>
  names.map((n) => ref(`#/channels/${channel}/messages/${n}`));
/** A request/reply answered on the caller's inbox. */
const replyOn = (msg: string, address?: string) => ({
  ...(address ? { address: { location: address, description: 'The task names its reply subject.' } } : {}),
  channel: chan('inbox'),
  messages: chanMsgs('inbox', msg),
});

/** The operations, from the services' side: `receive` is what a service takes, `send` what it publishes. */
function operations(): Json {
  const out: Json = {
    routerAsk: {
      action: 'receive',
      title: 'The router takes a request',
      description:
        'Classifies the text, opens or continues a session, and hands a task to the agent (or answers itself: `clarify`, `ended`, a gathered answer of several agents).',
      channel: chan('ask'),
      messages: chanMsgs('ask', 'askRequest'),
      reply: replyOn('askReply'),
      bindings: queue(Names.routerQueue),
    },
    agentAsk: {
      action: 'receive',
      title: 'An agent type takes a direct request',
      channel: chan('agentAsk'),
      messages: chanMsgs('agentAsk', 'askRequest'),
      reply: replyOn('askReply'),
      bindings: queue('agent-<agent>'),
    },
    agentTools: {
      action: 'receive',
      title: 'An agent type lists or calls its tools',
      channel: chan('agentTools'),
      messages: chanMsgs('agentTools', 'toolsRequest'),
      reply: replyOn('toolsReply'),
      bindings: queue('agent-<agent>'),
    },
    routerSagaGet: {
      action: 'receive',
      title: 'The router reads a saga',
      description: 'In secure mode only the requester may read it (a valid token first, `unauthorized`).',
      channel: chan('sagaGet'),
      messages: chanMsgs('sagaGet', 'sagaGetRequest'),
      reply: replyOn('sagaGetReply'),
      bindings: queue(Names.routerQueue),
    },
    routerSendTask: {
      action: 'send',
      title: 'The router hands a task to an agent type',
      channel: chan('task'),
      messages: chanMsgs('task', 'task'),
    },
    agentTask: {
      action: 'receive',
      title: 'An agent instance does a task',
      description:
        'Through the durable consumer `agent-<agent>` (explicit ack, bounded deliveries). The answer is recorded in the session, then sent to `Switchboard-Reply-To`.',
      channel: chan('task'),
      messages: chanMsgs('task', 'task'),
      reply: replyOn('askReply', '$message.header#/Switchboard-Reply-To'),
    },
    agentDeadLetter: {
      action: 'send',
      title: 'An agent dead-letters a task',
      channel: chan('deadLetter'),
      messages: chanMsgs('deadLetter', 'deadLetter'),
    },
    agentMaxDeliveries: {
      action: 'receive',
      title: "An agent's watcher dead-letters a task that used up its deliveries",
      channel: chan('maxDeliveries'),
      messages: chanMsgs('maxDeliveries', 'maxDeliveries'),
    },
    agentPublishChunks: {
      action: 'send',
      title: 'An agent streams an answer in chunks, then records the reply',
      description: 'Before it replies, when the task carries `Switchboard-Stream`.',
      channel: chan('chunks'),
      messages: chanMsgs('chunks', 'chunk'),
    },
    gatewayReadChunks: {
      action: 'receive',
      title: 'The gateway relays a streamed answer as Server-Sent Events, or resumes it',
      description:
        'Through an ordered consumer on the one subject (`POST /v1/ask` with SSE, `GET /v1/streams/<id>`).',
      channel: chan('chunks'),
      messages: chanMsgs('chunks', 'chunk'),
    },
    gatewayA2aRouter: {
      action: 'receive',
      title: 'The gateway serves A2A over NATS for the router',
      channel: chan('a2aRouter'),
      messages: chanMsgs('a2aRouter', 'a2aRequest'),
      reply: replyOn('a2aResponse'),
      bindings: queue('a2a-switchboard'),
    },
    gatewayA2aAgent: {
      action: 'receive',
      title: 'The gateway serves A2A over NATS for one agent type',
      channel: chan('a2aAgent'),
      messages: chanMsgs('a2aAgent', 'a2aRequest'),
      reply: replyOn('a2aResponse'),
      bindings: queue('a2a-<agent>'),
    },
    gatewayA2aInbox: {
      action: 'receive',
      title: 'A gateway takes a durable A2A request, answers it to its A2A-Reply-To, then acks it',
      channel: chan('a2aInbox'),
      messages: chanMsgs('a2aInbox', 'a2aRequest'),
    },
    gatewayA2aReplies: {
      action: 'send',
      title: 'A gateway answers a durable A2A request under a2a.replies.',
      channel: chan('a2aReplies'),
      messages: chanMsgs('a2aReplies', 'a2aResponse'),
    },
    gatewayStoreA2aEvents: {
      action: 'send',
      title: 'The gateway stores each A2A stream response before sending it',
      channel: chan('a2aEvents'),
      messages: chanMsgs('a2aEvents', 'a2aResponse'),
    },
    agentPublishEvent: {
      action: 'send',
      title: 'An agent publishes a domain event',
      channel: chan('event'),
      messages: chanMsgs('event', 'event'),
    },
    agentCard: {
      action: 'send',
      title: 'An agent instance refreshes its capability card',
      channel: chan('agentsKv'),
      messages: chanMsgs('agentsKv', 'card'),
    },
    routerWatchCards: {
      action: 'receive',
      title: 'The router watches the live agents',
      channel: chan('agentsKv'),
      messages: chanMsgs('agentsKv', 'card'),
    },
    recordSession: {
      action: 'send',
      title: 'An agent (or the router, for a queued task) records a session turn',
      channel: chan('sessionsKv'),
      messages: chanMsgs('sessionsKv', 'session'),
    },
    recordSaga: {
      action: 'send',
      title: 'A saga participant records a step',
      channel: chan('sagasKv'),
      messages: chanMsgs('sagasKv', 'saga'),
    },
  };
  for (const type of Object.keys(EventData)) {
    out[`publish_${type.replace('.', '_')}`] = {
      action: 'send',
      title: `The ${type.split('.')[0]} agent publishes ${type}`,
      channel: chan(eventChannel(type)),
      messages: chanMsgs(eventChannel(type), eventMessage(type)),
    };
  }
  return { ...out, ...workflowOperations(), ...microOperations() };
}

/** One operation per durable event consumer of the workflows (`WorkflowConsumers`). */
function workflowOperations(): Json {
  const out: Json = {};
  for (const c of WorkflowConsumers) {
    const pattern = new RegExp(
      `^${c.filter.replace(/\./g, '\\.').replace(/\*/g, '[^.]+').replace(/>/g, '.+')}$`,
    );
    const matched = Object.keys(EventData).filter((t) => {
      const [domain, kind] = t.split('.') as [string, string];
      return pattern.test(Subjects.event(domain, kind));
    });
    out[`consume_${workflowConsumerName(c).replace(/-/g, '_')}`] = {
      action: 'receive',
      title: `The ${c.agent} agent reacts to events (${c.flow})`,
      description: `Durable consumer \`${workflowConsumerName(c)}\` on \`${Names.eventsStream}\`, filter \`${c.filter}\`; each event is acked only after it was handled idempotently.`,
      channel: chan('event'),
      messages: chanMsgs('event', ...matched.map(eventMessage)),
    };
  }
  return out;
}

/** The AsyncAPI 3.0 document of every NATS subject Switchboard uses. */
export function buildAsyncApi(): Json {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Switchboard NATS API',
      version: ApiDocsVersion,
      description:
        'Every NATS subject Switchboard uses: requests and replies, tasks, events, dead letters and the KV change feeds, with the headers that carry the message context (request id, trace, deadline, budget, user, token). Generated from the zod contracts of @switchboard/contracts; see docs/contracts.md.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: 'localhost:4222',
        protocol: 'nats',
        description:
          'The development server (`npm start`). In secure mode: TLS, and each service connects with its own NATS identity and permissions (infra/nats/permissions.conf).',
      },
    },
    channels: channels(),
    operations: operations(),
    components: { schemas: componentSchemas('draft-7'), messages: messages() },
  };
}

/**
 * The NATS services protocol (ADR-32, "micro"): every service answers `$SRV.<verb>`,
 * `$SRV.<verb>.<service>` and `$SRV.<verb>.<service>.<id>`, so `nats micro ls` and
 * `nats micro stats <service>` show it. The full reply shapes are the protocol's own JSON schemas
 * (`io.nats.micro.v1.*_response`); the document states the fields every reply has.
 */
const microVerbs = ['PING', 'INFO', 'STATS'] as const;
const microLevels = {
  microAll: '$SRV.{verb}',
  microService: '$SRV.{verb}.{service}',
  microInstance: '$SRV.{verb}.{service}.{id}',
} as const;

function microMessages(): Json {
  return {
    microRequest: {
      name: 'MicroRequest',
      title: 'Discovery request',
      summary: 'Empty: the subject says what is asked.',
    },
    microReply: {
      name: 'MicroReply',
      title: 'Discovery reply',
      summary: 'A ping, info or stats reply of the NATS services protocol (ADR-32).',
      contentType: 'application/json',
      payload: {
        type: 'object',
        required: ['type', 'name', 'id', 'version'],
        properties: {
          type: { enum: microVerbs.map((v) => `io.nats.micro.v1.${v.toLowerCase()}_response`) },
          name: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', description: 'The service, e.g. `hr-agent`.' },
          id: { type: 'string', description: 'The instance.' },
          version: { type: 'string', description: 'Semantic version.' },
          metadata: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  };
}

function microChannels(): Json {
  const params: Json = {
    verb: { enum: [...microVerbs], description: 'What is asked: `PING`, `INFO` or `STATS`.' },
    service: { description: 'A service name, e.g. `router`, `hr-agent`.' },
    id: { description: 'One instance of the service.' },
  };
  const out: Json = {};
  for (const [name, address] of Object.entries(microLevels)) {
    const used = [...address.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    out[name] = {
      address,
      title: 'Service discovery (nats micro)',
      description: 'Core request/reply answered by every Switchboard service (ADR-32).',
      parameters: Object.fromEntries(used.map((p) => [p, params[p]])),
      messages: msgRefs('microRequest'),
    };
  }
  return out;
}

function microOperations(): Json {
  const out: Json = {};
  for (const name of Object.keys(microLevels)) {
    out[name] = {
      action: 'receive',
      title: 'Every service answers discovery',
      channel: chan(name),
      messages: chanMsgs(name, 'microRequest'),
      reply: replyOn('microReply'),
    };
  }
  return out;
}
