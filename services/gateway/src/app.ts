import type { JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  ClosedConnectionError,
  ConnectionError,
  DrainingConnectionError,
  NoRespondersError,
  headers as natsHeaders,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
import {
  AskReply,
  type AskReplyError,
  decodeAskRequest,
  decodeJson,
  ErrorCodes,
  encodeJson,
  errorReply,
  Failure,
  HeaderNames,
  Limits,
  parseBudget,
  SessionId,
  Subjects,
  SwitchboardError,
  toSessionView,
  writeContext,
} from '@switchboard/contracts';
import {
  bearerToken,
  checkSessionAccess,
  DeployedAgents,
  formatTraceparent,
  type Guard,
  identifyCaller,
  type Logger,
  type Metrics,
  newId,
  nextHop,
  primeRequests,
  registerOpsRoutes,
  type SagaStore,
  type SessionStore,
  type TokenVerifier,
} from '@switchboard/runtime';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { natsAskTurn } from './a2a/ask.js';
import { a2aPaths, a2aRoutes, registerA2aRoutes } from './a2a/route.js';
import { apiDocPaths, apiDocRoutes, registerApiDocs } from './api-docs.js';
import {
  boundedBodyParser,
  EdgeDefaults,
  type EdgeOptions,
  edgeServerOptions,
  registerEdge,
} from './edge.js';
import { mcpRoute, registerMcpRoutes } from './mcp/route.js';
import { registerSagaRoute, sagaRoute } from './sagas.js';
import { registerStatusRoute, statusRoute } from './status.js';
import { askStreamed, registerStreamRoute, streamRoute, wantsEventStream } from './streams.js';
import { registerWebRoutes } from './web/routes.js';

/** What the gateway app needs; real parts in main.ts and tests. */
export interface GatewayDeps {
  nc: NatsConnection;
  store: SessionStore;
  /** Guards every NATS call: timeout, bounded retry, circuit breaker. */
  natsGuard: Guard;
  /** Reads streamed answers (`AGENT_CHUNKS`): with it `POST /v1/ask` speaks SSE and `GET /v1/streams/<id>` resumes. */
  js?: JetStreamClient;
  metrics: Metrics;
  log: Logger;
  timeoutMs: number;
  apiKeys: readonly string[];
  isReady: () => boolean;
  /** What `/readyz` says besides `ok` (the runtime's `readiness`: connection, missing streams and buckets, reason). */
  readiness?: () => object;
  /** False while the NATS connection is down: requests then fail fast instead of waiting. */
  isConnected?: () => boolean;
  /** Rate limit, CORS and request timeouts; each unset one has its `EdgeDefaults` value (no CORS). */
  edge?: Partial<Omit<EdgeOptions, 'apiKeys'> & { requestTimeoutMs: number; headersTimeoutMs: number }>;
  /** Serve `/metrics`, `/healthz` and `/readyz` here (default true; false when an ops server does). */
  opsRoutes?: boolean;
  /**
   * Verifies callers' tokens (`SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE`): `GET /v1/sessions/<id>` then
   * serves a session only to the user it belongs to. `POST /v1/ask` passes the token on to the router,
   * which checks it. Absent: open mode.
   */
  tokens?: TokenVerifier | undefined;
  /** The saga records (`sagas` bucket): with them `GET /v1/sagas/<id>` is served. */
  sagas?: Pick<SagaStore, 'get'>;
  /** The agent types whose tools `POST /mcp` offers (default `DeployedAgents`; docs/mcp.md). */
  agents?: readonly string[];
  /** The `agents` bucket: with it the A2A routes are served (cards and JSON-RPC; docs/a2a.md). */
  agentsKv?: KV;
  /** The `a2a_tasks` bucket: A2A tasks in KV, and A2A over NATS served too (docs/a2a.md). */
  a2aTasksKv?: KV;
}

function sendError(reply: FastifyReply, body: AskReplyError, requestId: string) {
  // The rate limiter sets its own (the seconds until the window resets).
  if (
    (body.error.code === 'agent_unavailable' || body.error.code === 'rate_limited') &&
    !reply.hasHeader('retry-after')
  )
    reply.header('retry-after', '1');
  return reply.code(ErrorCodes[body.error.code].httpStatus).header('x-request-id', requestId).send(body);
}

/** Maps a failed NATS request to a typed error, by the client's error types (never by message text). */
function natsFailure(err: unknown): SwitchboardError | Failure {
  if (err instanceof SwitchboardError || err instanceof Failure) return err;
  if (err instanceof NoRespondersError || (err instanceof RequestError && err.isNoResponders())) {
    return new Failure('no_responders', 'no router is available', { cause: err });
  }
  if (err instanceof TimeoutError) {
    return new Failure('deadline_passed', 'no answer within the deadline', { cause: err });
  }
  if (
    err instanceof RequestError ||
    err instanceof ClosedConnectionError ||
    err instanceof DrainingConnectionError ||
    err instanceof ConnectionError
  ) {
    return new Failure('bus_unavailable', 'the message bus is unavailable', { cause: err });
  }
  return new SwitchboardError('internal', 'request failed', { cause: err });
}

/**
 * The HTTP edge: `POST /v1/ask` (same JSON as `agents.ask`), `GET /v1/sessions/<id>`, and the ops
 * routes. Every error is the same `{ ok: false, error }` body with a fitting HTTP status.
 */
export function buildGateway(deps: GatewayDeps): FastifyInstance {
  const edge = { ...EdgeDefaults, corsOrigins: [] as readonly string[], ...deps.edge };
  const app = Fastify({
    logger: false,
    bodyLimit: Limits.maxPayloadBytes,
    ...edgeServerOptions({ ...edge, answerTimeoutMs: deps.timeoutMs }),
  });
  // Every body stays bytes here (at most the payload limit; an oversized one is drained, then
  // refused with a 413) and JSON goes through the contracts' strict decoder (UTF-8 checked, size and
  // schema enforced) exactly like a NATS payload, instead of a lenient parse.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', boundedBodyParser(Limits.maxPayloadBytes));
  // Security headers, CORS (when configured), rate limit and API keys, on the routed path.
  const guard = registerEdge(app, { ...edge, apiKeys: deps.apiKeys });
  const { metrics } = deps;
  for (const endpoint of [
    'POST /v1/ask',
    'GET /v1/sessions/:id',
    sagaRoute,
    statusRoute,
    mcpRoute,
    ...apiDocRoutes,
    ...(deps.agentsKv ? a2aRoutes : []),
  ])
    primeRequests(metrics, endpoint);
  if (deps.js) primeRequests(metrics, streamRoute);

  app.addHook('onRequest', async (req, reply) => {
    const started = process.hrtime.bigint();
    (req as { started?: bigint }).started = started;
    const requestId =
      (req.headers['x-request-id'] as string | undefined)?.match(/^[A-Za-z0-9_-]{1,64}$/)?.[0] ?? newId();
    (req as { requestId?: string }).requestId = requestId;
    const incoming = req.headers.traceparent;
    const trace = nextHop(typeof incoming === 'string' ? incoming : undefined);
    (req as { traceparent?: string }).traceparent = formatTraceparent(trace);
    (req as { traceId?: string }).traceId = trace.traceId;
    reply.header('traceparent', formatTraceparent(trace));
    const refused = await guard(req, reply);
    if (refused) return sendError(reply, errorReply(refused), requestId);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    if (
      !route.startsWith('/v1/') &&
      route !== '/mcp' &&
      !apiDocPaths.includes(route) &&
      !a2aPaths.includes(route)
    )
      return;
    const started = (req as { started?: bigint }).started ?? process.hrtime.bigint();
    const code = reply.statusCode;
    const outcome =
      code < 400
        ? 'ok'
        : (Object.entries(ErrorCodes).find(([, v]) => v.httpStatus === code)?.[0] ?? String(code));
    metrics.requests.inc({ endpoint: `${req.method} ${route}`, outcome });
    metrics.requestDuration.observe(
      { endpoint: `${req.method} ${route}` },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
  });

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const requestId = (req as { requestId?: string }).requestId ?? newId();
    if (err instanceof SwitchboardError) return sendError(reply, errorReply(err), requestId);
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      return sendError(
        reply,
        errorReply(new SwitchboardError('payload_too_large', `body is over ${Limits.maxPayloadBytes} bytes`)),
        requestId,
      );
    }
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(reply, errorReply(new SwitchboardError('invalid_request', err.message)), requestId);
    }
    deps.log.error({ err, requestId }, 'unexpected gateway error');
    return sendError(reply, errorReply(err), requestId);
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send(
        errorReply(
          new SwitchboardError('invalid_request', `no route ${req.method} ${req.url.split('?')[0]}`),
        ),
      ),
  );

  app.post('/v1/ask', async (req, reply) => {
    const requestId = (req as { requestId?: string }).requestId!;
    const log = deps.log.child({ requestId, traceId: (req as { traceId?: string }).traceId });
    try {
      if (!req.headers['content-type']?.includes('application/json')) {
        throw new SwitchboardError('invalid_request', 'send JSON with content-type application/json');
      }
      const body = decodeAskRequest(req.body as Buffer, { plainText: false });
      const budget = budgetHeader(req.headers['switchboard-budget']);
      if (deps.isConnected && !deps.isConnected()) {
        throw new Failure('bus_unavailable', 'the message bus is unavailable; retry shortly', {
          retryAfterMs: 1000,
        });
      }
      const h = natsHeaders();
      // The router passes the deadline on with the task: past it, the agent does not run the turn.
      writeContext(h, {
        requestId,
        traceparent: (req as { traceparent?: string }).traceparent!,
        deadline: Date.now() + deps.timeoutMs,
        // Passed on as the header; the body's `budget` goes on in the body (the router takes the tighter).
        ...(budget ? { budget } : {}),
      });
      // The caller's token goes on to the router, which verifies it. Only a bearer value shaped like a
      // signed token: anything else (an API key) never leaves the gateway.
      const token = bearerToken(req.headers.authorization);
      if (token) h.set(HeaderNames.authorization, `Bearer ${token}`);
      // Streamed as Server-Sent Events when asked for (docs/streaming.md).
      if (deps.js && wantsEventStream(req)) {
        return await askStreamed({ ...deps, js: deps.js, sendError, natsFailure }, reply, requestId, body, h);
      }
      const msg = await deps.natsGuard
        .execute(() =>
          deps.nc.request(Subjects.ask, encodeJson(body), { timeout: deps.timeoutMs, headers: h }),
        )
        .catch((err: unknown) => {
          throw natsFailure(err);
        });
      const parsed = AskReply.safeParse(decodeJson(msg.data, 'reply'));
      if (!parsed.success) throw new SwitchboardError('internal', 'the reply did not match the contract');
      const answer = parsed.data;
      if (!answer.ok) return sendError(reply, answer, requestId);
      return reply
        .code(answer.status === 'queued' ? 202 : 200)
        .header('x-request-id', requestId)
        .send(answer);
    } catch (err) {
      const body = errorReply(err);
      if (body.error.code === 'internal') log.error({ err }, 'ask failed');
      else log.info({ code: body.error.code }, 'ask refused');
      return sendError(reply, body, requestId);
    }
  });

  app.get<{ Params: { id: string } }>('/v1/sessions/:id', async (req, reply) => {
    const requestId = (req as { requestId?: string }).requestId!;
    try {
      // Secure mode: a valid token first (401), then only its user's session (403).
      const caller = deps.tokens
        ? await identifyCaller(deps.tokens, req.headers.authorization, undefined)
        : undefined;
      const id = SessionId.safeParse(req.params.id);
      if (!id.success) throw new SwitchboardError('invalid_request', 'invalid session id');
      if (deps.isConnected && !deps.isConnected()) {
        throw new Failure('bus_unavailable', 'the message bus is unavailable; retry shortly');
      }
      const stored = await deps.natsGuard
        .execute(() => deps.store.get(id.data))
        .catch((err: unknown) => {
          throw natsFailure(err);
        });
      if (!stored) throw new SwitchboardError('unknown_session', 'no such session');
      if (caller) checkSessionAccess(stored.session, caller);
      return reply.header('x-request-id', requestId).send(toSessionView(stored.session));
    } catch (err) {
      return sendError(reply, errorReply(err), requestId);
    }
  });

  if (deps.sagas) registerSagaRoute(app, { ...deps, sagas: deps.sagas, sendError, natsFailure });
  registerMcpRoutes(app, { ...deps, agents: deps.agents ?? DeployedAgents, sendError });
  registerApiDocs(app);
  registerStatusRoute(app, { ...deps, agents: deps.agents ?? DeployedAgents, sendError, natsFailure });
  registerWebRoutes(app);
  if (deps.js) registerStreamRoute(app, { ...deps, js: deps.js, sendError, natsFailure });
  if (deps.agentsKv)
    registerA2aRoutes(app, {
      agentsKv: deps.agentsKv,
      agents: deps.agents ?? DeployedAgents,
      ask: natsAskTurn({ ...deps, natsFailure }),
      tokens: deps.tokens,
      sendError,
      tasksKv: deps.a2aTasksKv,
      readSession: (id) => deps.store.get(id),
      nc: deps.nc,
      js: deps.js,
      timeoutMs: deps.timeoutMs,
    });

  if (deps.opsRoutes !== false)
    registerOpsRoutes(app, {
      registry: metrics.registry,
      isReady: deps.isReady,
      ...(deps.readiness ? { readiness: deps.readiness } : {}),
    });
  return app;
}

/** The `Switchboard-Budget` request header, parsed; a malformed one is refused, never ignored. */
function budgetHeader(value: string | string[] | undefined) {
  if (value === undefined) return undefined;
  const budget = typeof value === 'string' ? parseBudget(value) : undefined;
  if (!budget) {
    throw new SwitchboardError(
      'invalid_request',
      'malformed Switchboard-Budget header: use tokens=<integer>;usd=<decimal> (either or both)',
    );
  }
  return budget;
}
