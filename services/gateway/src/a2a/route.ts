import { A2A_VERSION_HEADER, AgentCard } from '@a2a-js/sdk';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { AgentName, type AskReplyError, errorReply, SwitchboardError, UserId } from '@switchboard/contracts';
import { bearerToken, identifyCaller, type StoredSession, type TokenVerifier } from '@switchboard/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { openChunkSource } from '../chunk-source.js';
import { agentCard, gatewayCard, registeredAgents } from './cards.js';
import type { A2aCaller, AskTurn } from './executor.js';
import { callA2a, createA2aService, rpcError, type Transports } from './handlers.js';
import { natsInterfaceUrl, startA2aNatsBinding } from './nats-binding.js';

/** The routes' metric labels (primed with the others in `buildGateway`). */
export const a2aRoutes = [
  'GET /.well-known/agent-card.json',
  'GET /a2a/:agent/.well-known/agent-card.json',
  'POST /a2a',
  'POST /a2a/:agent',
] as const;
/** Their paths, as Fastify matches them. */
export const a2aPaths: readonly string[] = a2aRoutes.map((r) => r.slice(r.indexOf(' ') + 1));

export interface A2aRouteDeps {
  /** The `agents` bucket: the capability cards the A2A cards are made from. */
  agentsKv: KV;
  /** The agent types reachable at `POST /a2a/<agent>`. */
  agents: readonly string[];
  ask: AskTurn;
  tokens?: TokenVerifier | undefined;
  sendError(reply: FastifyReply, body: AskReplyError, requestId: string): FastifyReply;
  /** The `a2a_tasks` bucket: tasks and contexts in KV, shared by every gateway (else in memory). */
  tasksKv?: KV | undefined;
  /** Reads a session (a queued task is settled once its answer landed there). */
  readSession?: ((sessionId: string) => Promise<StoredSession | null>) | undefined;
  /** With the bucket, NATS and JetStream, A2A is also served over NATS (`a2a.<agent>`; docs/a2a.md). */
  nc?: NatsConnection | undefined;
  js?: JetStreamClient | undefined;
  /** The deadline of one turn, ms (the NATS binding's streams wait this long for an event). */
  timeoutMs?: number | undefined;
}

/**
 * A2A through the gateway (docs/a2a.md): the gateway's card and one per agent, generated from the
 * capability cards; JSON-RPC at `POST /a2a` (the router picks the agent) and `POST /a2a/<agent>`,
 * served by the SDK's `DefaultRequestHandler` and transport-agnostic JSON-RPC handlers (v1.0
 * methods, and v0.3's `message/send` when no `A2A-Version: 1.0` is sent). Tasks live in the
 * `a2a_tasks` bucket when given (else in memory), scoped to the caller's user; with the bucket and
 * JetStream the same handlers also serve A2A over NATS (`nats-binding.ts`).
 */
export function registerA2aRoutes(app: FastifyInstance, deps: A2aRouteDeps): void {
  const secure = deps.tokens !== undefined;
  const { js } = deps;
  const chunks = js ? (streamId: string) => openChunkSource(js, streamId) : undefined;
  const transportsOf = createA2aService({ ...deps, secure, chunks });
  const streaming = chunks !== undefined;
  let natsUrl: ((target: string | undefined) => string) | undefined;
  if (deps.tasksKv && deps.nc && deps.js) {
    const { nc, js } = deps;
    const binding = startA2aNatsBinding({
      ...deps,
      nc,
      js,
      transportsOf,
      tokens: deps.tokens,
      timeoutMs: deps.timeoutMs ?? 30_000,
    });
    natsUrl = (target) => natsInterfaceUrl(nc, target);
    app.addHook('onClose', () => binding.stop());
  }
  app.get('/.well-known/agent-card.json', async (req, reply) => {
    const agents = await registeredAgents(deps.agentsKv);
    const card = gatewayCard(
      [...agents.values()].map((a) => a.card),
      baseUrl(req),
      secure,
      { natsUrl: natsUrl?.(undefined), streaming },
    );
    return reply.header('cache-control', 'no-cache').send(AgentCard.toJSON(card));
  });
  app.get<{ Params: { agent: string } }>('/a2a/:agent/.well-known/agent-card.json', async (req, reply) => {
    const found = (await registeredAgents(deps.agentsKv)).get(req.params.agent);
    if (!found) {
      const err = new SwitchboardError('invalid_request', `no agent ${req.params.agent} in the registry`);
      return reply.code(404).send(errorReply(err));
    }
    return reply
      .header('cache-control', 'no-cache')
      .send(
        AgentCard.toJSON(
          agentCard(found.card, baseUrl(req), secure, { natsUrl: natsUrl?.(found.card.name), streaming }),
        ),
      );
  });
  app.post('/a2a', (req, reply) => serveRpc(req, reply, deps, transportsOf(undefined)));
  app.post<{ Params: { agent: string } }>('/a2a/:agent', (req, reply) => {
    const { agent } = req.params;
    if (!AgentName.safeParse(agent).success || !deps.agents.includes(agent)) {
      const err = new SwitchboardError('invalid_request', `no agent ${agent} here`);
      return reply.code(404).send(errorReply(err));
    }
    return serveRpc(req, reply, deps, transportsOf(agent));
  });
}

/** `http://host:port` as the caller reached the gateway. */
function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** The caller of a JSON-RPC request: a valid token in secure mode (401 otherwise). */
async function callerOf(req: FastifyRequest, deps: A2aRouteDeps): Promise<A2aCaller> {
  const named = req.headers['switchboard-user'];
  if (named !== undefined && (typeof named !== 'string' || !UserId.safeParse(named).success)) {
    throw new SwitchboardError('invalid_request', 'invalid Switchboard-User header');
  }
  const who = await identifyCaller(deps.tokens, req.headers.authorization, named);
  return {
    userId: who.userId,
    // Only a value shaped like a signed token goes on: an API key never leaves the gateway.
    token: bearerToken(req.headers.authorization),
    requestId: (req as { requestId?: string }).requestId!,
    traceparent: (req as { traceparent?: string }).traceparent!,
  };
}

async function serveRpc(req: FastifyRequest, reply: FastifyReply, deps: A2aRouteDeps, t: Transports) {
  const requestId = (req as { requestId?: string }).requestId!;
  let caller: A2aCaller;
  try {
    caller = await callerOf(req, deps);
  } catch (err) {
    if (err instanceof SwitchboardError && err.code === 'unauthorized')
      reply.header('www-authenticate', 'Bearer');
    return deps.sendError(reply, errorReply(err), requestId);
  }
  let body: { id?: unknown; method?: unknown } & Record<string, unknown>;
  try {
    body = JSON.parse((req.body as Buffer | undefined)?.toString('utf8') ?? '');
  } catch {
    return reply
      .code(200)
      .send(rpcError(null, { code: -32700, message: 'Parse error: send one JSON-RPC request' }));
  }
  const version = req.headers[A2A_VERSION_HEADER.toLowerCase()];
  const out = await callA2a(t, body, caller, typeof version === 'string' ? version : undefined);
  reply.header('x-request-id', requestId);
  if (out.kind === 'unary') return reply.code(200).send(out.response);
  return streamEvents(reply, out.events, body.id, out.mapError);
}

/** Server-Sent Events, one `data:` per JSON-RPC response, until the task settles. */
async function streamEvents(
  reply: FastifyReply,
  events: AsyncGenerator<unknown>,
  id: unknown,
  mapError: (err: unknown) => { code: number; message: string },
) {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...(reply.getHeaders() as Record<string, string>),
  });
  try {
    for await (const event of events) res.write(`data: ${JSON.stringify(event)}\n\n`);
  } catch (err) {
    res.write(`event: error\ndata: ${JSON.stringify(rpcError(id, mapError(err)))}\n\n`);
  } finally {
    res.end();
  }
}
