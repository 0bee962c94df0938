import { A2A_VERSION_HEADER, AgentCard } from '@a2a-js/sdk';
import { A2A_LEGACY_PROTOCOL_VERSION } from '@a2a-js/sdk/compat/v0_3';
import { LegacyJsonRpcTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import {
  DefaultRequestHandler,
  InMemoryTaskStore,
  JsonRpcTransportHandler,
  ServerCallContext,
  type User,
  validateVersion,
} from '@a2a-js/sdk/server';
import type { KV } from '@nats-io/kv';
import { AgentName, type AskReplyError, errorReply, SwitchboardError, UserId } from '@switchboard/contracts';
import { bearerToken, identifyCaller, type TokenVerifier } from '@switchboard/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { agentCard, gatewayCard, registeredAgents } from './cards.js';
import {
  type A2aCaller,
  type AskTurn,
  type ContextSessions,
  callerKey,
  SwitchboardExecutor,
} from './executor.js';

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
}

class Caller implements User {
  constructor(private readonly id: string | undefined) {}
  get isAuthenticated() {
    return this.id !== undefined;
  }
  get userName() {
    return this.id ?? 'anonymous';
  }
}

interface Transports {
  v1: JsonRpcTransportHandler;
  legacy: LegacyJsonRpcTransportHandler;
  /** The card the SDK checks versions and input modes against. */
  card: AgentCard;
}

/**
 * A2A through the gateway (docs/a2a.md): the gateway's card and one per agent, generated from the
 * capability cards; JSON-RPC at `POST /a2a` (the router picks the agent) and `POST /a2a/<agent>`,
 * served by the SDK's `DefaultRequestHandler` and transport-agnostic JSON-RPC handlers (v1.0
 * methods, and v0.3's `message/send` when no `A2A-Version: 1.0` is sent). Tasks live in the SDK's
 * `InMemoryTaskStore`, scoped to the caller's user.
 */
export function registerA2aRoutes(app: FastifyInstance, deps: A2aRouteDeps): void {
  const store = new InMemoryTaskStore();
  const sessions: ContextSessions = new Map();
  const transports = new Map<string, Transports>();
  const secure = deps.tokens !== undefined;
  const transportsOf = (target: string | undefined): Transports => {
    const key = target ?? '';
    let t = transports.get(key);
    if (!t) {
      const card = gatewayCard([], target ? `/a2a/${target}` : '/a2a', secure);
      // The published cards say `streaming: false` (no chunks); a caller that streams anyway gets
      // the turn's events (task, answer, final status), so the SDK's own check must let it through.
      card.capabilities = { ...card.capabilities!, streaming: true };
      const handler = new DefaultRequestHandler(
        card,
        store,
        new SwitchboardExecutor(target, deps.ask, sessions),
      );
      t = {
        v1: new JsonRpcTransportHandler(handler),
        legacy: new LegacyJsonRpcTransportHandler(handler),
        card,
      };
      transports.set(key, t);
    }
    return t;
  };
  app.get('/.well-known/agent-card.json', async (req, reply) => {
    const agents = await registeredAgents(deps.agentsKv);
    const card = gatewayCard(
      [...agents.values()].map((a) => a.card),
      baseUrl(req),
      secure,
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
      .send(AgentCard.toJSON(agentCard(found.card, baseUrl(req), secure)));
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

/** A JSON-RPC error response. */
function rpcError(id: unknown, error: { code: number; message: string }) {
  return { jsonrpc: '2.0', id: id ?? null, error };
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
  const requested = typeof version === 'string' && version !== '' ? version : undefined;
  const legacy = (requested ?? A2A_LEGACY_PROTOCOL_VERSION) === A2A_LEGACY_PROTOCOL_VERSION;
  const context = new ServerCallContext({
    user: new Caller(caller.userId),
    ...(requested ? { requestedVersion: requested } : {}),
    state: new Map<string, unknown>([[callerKey, caller]]),
  });
  const mapError = legacy
    ? LegacyJsonRpcTransportHandler.mapToLegacyJSONRPCError
    : JsonRpcTransportHandler.mapToJSONRPCError;
  try {
    validateVersion(context.requestedVersion, t.card, 'JSONRPC');
    const out = await (legacy ? t.legacy : t.v1).handle(body, context);
    reply.header('x-request-id', requestId);
    if (!(Symbol.asyncIterator in (out as object))) return reply.code(200).send(out);
    return streamEvents(reply, out as AsyncGenerator<unknown>, body.id, mapError);
  } catch (err) {
    return reply.code(200).send(rpcError(body.id, mapError(err)));
  }
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
