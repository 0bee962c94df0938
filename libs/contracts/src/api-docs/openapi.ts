import { type ErrorCode, errorCodeList } from '../errors.js';
import { HeaderNames } from '../headers.js';
import { SessionId } from '../ids.js';
import { SagaId } from '../saga.js';
import { GatewayStatus } from '../status.js';
import { headerSchema } from './headers.js';
import { ApiDocsVersion } from './info.js';
import {
  bare,
  common,
  errorsFor,
  type Json,
  json,
  okHeaders,
  reads,
  ref,
  schemaRef,
  secured,
  statusesOf,
} from './openapi-common.js';
import { a2aPaths, mcpPaths, rpcSchemas } from './openapi-rpc.js';
import { eventStream, sseExample, sseSchemas, streamHeader, streamPaths } from './openapi-streaming.js';
import { componentSchemas } from './schemas.js';

/** When each error code is answered (the catalogue of errors.ts, for a person to read). */
export const errorCodeText: Record<ErrorCode, string> = {
  invalid_request: 'Not JSON, empty text, unknown fields, wrong types, an unsafe id, a malformed header.',
  payload_too_large: 'The body is over 32 KiB or the text over 4,000 characters.',
  unknown_session: 'No such session (never existed, or expired).',
  unknown_saga: 'No such saga (never started, or expired after 30 days).',
  session_closed: 'The session was ended with `END`; start a new one.',
  agent_unavailable: 'No router listening, the message bus is down, or a circuit breaker is open.',
  timeout: 'No answer within the deadline.',
  rate_limited: 'Too many requests from this caller; retry after `Retry-After` seconds.',
  unauthorized: 'Missing or wrong API key or token.',
  forbidden: "Another user's session or saga, or a `userId` that is not the token's user.",
  budget_exceeded: 'The request budget cannot pay for its first LLM call.',
  internal: 'An unexpected failure (no detail is leaked).',
};

/** One error response per HTTP status of the catalogue, with an example per code. */
function errorResponses(): Json {
  const out: Json = {};
  for (const [status, codes] of statusesOf(errorCodeList)) {
    const retry = codes.some((c) => c === 'rate_limited' || c === 'agent_unavailable');
    out[`error-${status}`] = {
      description: codes.map((c) => `\`${c}\`: ${errorCodeText[c]}`).join(' '),
      headers: {
        'X-Request-Id': ref('#/components/headers/X-Request-Id'),
        ...(retry ? { 'Retry-After': ref('#/components/headers/Retry-After') } : {}),
      },
      content: json(schemaRef('error-reply'), {
        examples: Object.fromEntries(
          codes.map((code) => [
            code,
            {
              summary: errorCodeText[code],
              value: { ok: false, error: { code, message: errorCodeText[code] } },
            },
          ]),
        ),
      }),
    };
  }
  return out;
}

function v1Paths(): Json {
  return {
    '/v1/ask': {
      post: {
        operationId: 'ask',
        summary: 'Ask an agent',
        description:
          "The same JSON as `agents.ask`. The router picks the agent (or the session's agent answers a follow-up); `END` closes the session. With `Accept: text/event-stream` the answer is streamed as Server-Sent Events (docs/streaming.md): `stream` (the id to resume with), ordered `chunk` events as the agent produces them, then `reply`, the same JSON as without streaming, errors and `queued` included (the status is then 200). Errors found before the stream starts (a bad body, a missing key or token, the rate limit) are answered as JSON with their status, as without streaming. A dropped stream is resumed at `GET /v1/streams/{streamId}`.",
        tags: ['ask'],
        security: secured,
        parameters: [...common, ref('#/components/parameters/Switchboard-Budget')],
        requestBody: { required: true, content: json(schemaRef('ask-request')) },
        responses: {
          '200': {
            description:
              'Answered (`answered`, `clarify`, `ended`); or, with `Accept: text/event-stream`, the stream of the answer.',
            headers: {
              ...okHeaders,
              'Switchboard-Stream': {
                ...streamHeader,
                description: `Streamed answers only. ${streamHeader.description}`,
              },
            },
            content: {
              ...json(schemaRef('ask-reply-ok')),
              ...eventStream(
                ['stream', 'chunk', 'reply'],
                'Server-Sent Events: `stream`, `chunk`…, then `reply`.',
                sseExample(true),
              ),
            },
          },
          '202': {
            description: 'Queued: no live instance of the agent; the answer lands in the session.',
            headers: okHeaders,
            content: json(schemaRef('ask-reply-ok')),
          },
          ...errorsFor(errorCodeList.filter((c) => c !== 'unknown_saga')),
        },
      },
    },
    '/v1/sessions/{id}': {
      get: {
        operationId: 'getSession',
        summary: "A session's conversation",
        description: 'In secure mode only to the user it belongs to.',
        tags: ['sessions'],
        security: secured,
        parameters: [...common, { name: 'id', in: 'path', required: true, schema: bare(SessionId) }],
        responses: {
          '200': {
            description: 'The session.',
            headers: okHeaders,
            content: json(schemaRef('session-view')),
          },
          ...errorsFor([...reads, 'unknown_session']),
        },
      },
    },
    '/v1/status': {
      get: {
        operationId: 'getStatus',
        summary: 'What the gateway sees: its readiness and breakers, each agent type with its live instances',
        description:
          'An agent type known with no live instance has `alive: 0`; an instance is live while it refreshed its capability card within the card TTL. `breakersOpen` counts the breakers not `closed`, across the gateway and the instances. In secure mode a valid token of any user.',
        tags: ['status'],
        security: secured,
        parameters: common,
        responses: {
          '200': {
            description: 'The status.',
            headers: okHeaders,
            content: json(schemaRef('gateway-status')),
          },
          ...errorsFor(['unauthorized', 'rate_limited', 'agent_unavailable', 'timeout', 'internal']),
        },
      },
    },
    '/v1/sagas/{id}': {
      get: {
        operationId: 'getSaga',
        summary: "A saga's state and history",
        description: 'The same body as `sagas.get`. In secure mode only to the requester.',
        tags: ['sagas'],
        security: secured,
        parameters: [...common, { name: 'id', in: 'path', required: true, schema: bare(SagaId) }],
        responses: {
          '200': { description: 'The saga.', headers: okHeaders, content: json(schemaRef('saga-reply')) },
          ...errorsFor([...reads, 'unknown_saga']),
        },
      },
    },
  };
}

function opsPaths(): Json {
  const get = (operationId: string, summary: string, responses: Json) => ({
    get: { operationId, summary, tags: ['ops'], security: [], responses },
  });
  const okBody = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
  const doc = (what: string) => ({
    '200': { description: what, content: json({ type: 'object' }) },
  });
  return {
    '/healthz': get('health', 'Liveness', {
      '200': { description: 'The process is up.', content: json(okBody) },
    }),
    '/readyz': get('ready', 'Readiness: connected, provisioned, taking work', {
      '200': { description: 'Ready.', content: json(okBody) },
      '503': { description: 'Not ready; the body says what is missing.', content: json(okBody) },
    }),
    '/metrics': get('metrics', 'Prometheus metrics (docs/metrics.md)', {
      '200': {
        description: 'Prometheus text exposition format.',
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
    }),
    '/openapi.json': get('openapi', 'This document', doc('The OpenAPI 3.1 document of the gateway.')),
    '/asyncapi.json': get(
      'asyncapi',
      'The NATS API',
      doc('The AsyncAPI 3.0 document of every NATS subject.'),
    ),
  };
}

function components(): Json {
  return {
    schemas: {
      ...componentSchemas('draft-2020-12'),
      'gateway-status': bare(GatewayStatus),
      ...sseSchemas(),
      ...rpcSchemas(),
    },
    responses: errorResponses(),
    securitySchemes: {
      apiKey: {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'An API key of `GATEWAY_API_KEYS` (when set). `Authorization: Bearer <key>` works too.',
      },
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          "A user's signed token (EdDSA); required once the services have the token public key. Passed on to the router.",
      },
    },
    parameters: {
      'Switchboard-Budget': {
        name: HeaderNames.budget,
        in: 'header',
        required: false,
        schema: headerSchema('budget'),
      },
      'X-Request-Id': {
        name: 'X-Request-Id',
        in: 'header',
        required: false,
        schema: headerSchema('requestId'),
      },
      traceparent: {
        name: HeaderNames.traceparent,
        in: 'header',
        required: false,
        schema: headerSchema('traceparent'),
      },
    },
    headers: {
      'X-Request-Id': {
        description: 'The request id (the one sent, or a new one).',
        schema: { type: 'string' },
      },
      traceparent: { description: "The gateway's span of the trace.", schema: { type: 'string' } },
      'Retry-After': {
        description: 'Seconds to wait before retrying.',
        schema: { type: 'integer', minimum: 1 },
      },
    },
  };
}

/** The OpenAPI 3.1 document of the gateway. */
export function buildOpenApi(): Json {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Switchboard gateway',
      version: ApiDocsVersion,
      description:
        'The HTTP edge of Switchboard. Every error is `{ok: false, error: {code, message, details?}}` with the HTTP status of its code. `/v1/*` needs an API key when `GATEWAY_API_KEYS` is set, and a user token in secure mode. Generated from the zod contracts of @switchboard/contracts; see docs/contracts.md.',
    },
    tags: [
      { name: 'ask' },
      { name: 'sessions' },
      { name: 'sagas' },
      { name: 'status' },
      { name: 'mcp' },
      { name: 'a2a' },
      { name: 'ops' },
    ],
    paths: { ...v1Paths(), ...streamPaths(), ...mcpPaths(), ...a2aPaths(), ...opsPaths() },
    components: components(),
  };
}
