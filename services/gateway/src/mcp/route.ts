import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  type AskReplyError,
  errorReply,
  Failure,
  HeaderNames,
  SwitchboardError,
  UserId,
} from '@switchboard/contracts';
import { identifyCaller, type Logger, type TokenVerifier } from '@switchboard/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgentToolsCaller } from './agent-tools.js';
import { createMcpServer } from './server.js';

/** The route's metric label (primed with the others in `buildGateway`). */
export const mcpRoute = 'POST /mcp';

/** What the MCP endpoint needs; the error helper is the gateway's own. */
export interface McpRouteDeps {
  nc: NatsConnection;
  log: Logger;
  /** The agent types whose tools are offered (those that answer `agents.<agent>.tools`). */
  agents: readonly string[];
  /** How long one request to an agent may take, ms. */
  timeoutMs: number;
  tokens?: TokenVerifier | undefined;
  isConnected?: () => boolean;
  sendError(reply: FastifyReply, body: AskReplyError, requestId: string): FastifyReply;
}

/** A JSON-RPC error body without an id (the request could not be read as one). */
function rpcError(code: number, message: string) {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

/**
 * `POST /mcp`: an MCP server (Streamable HTTP, stateless, JSON responses) whose tools are the live
 * agents' tools, named `<agent>_<tool>`. The caller is checked first, like on every route: secure
 * mode needs a valid token (401 otherwise) and the tools run as its user; open mode trusts the
 * `Switchboard-User` header. `GET` and `DELETE /mcp` answer 405: a stateless server keeps no
 * sessions and sends nothing unasked (docs/mcp.md).
 */
export function registerMcpRoutes(app: FastifyInstance, deps: McpRouteDeps): void {
  app.post('/mcp', async (req, reply) => {
    const requestId = (req as { requestId?: string }).requestId!;
    let caller: AgentToolsCaller;
    try {
      caller = await callerOf(req, deps, requestId);
    } catch (err) {
      if (err instanceof SwitchboardError && err.code === 'unauthorized')
        reply.header('www-authenticate', 'Bearer');
      return deps.sendError(reply, errorReply(err), requestId);
    }
    let body: unknown;
    try {
      body = JSON.parse((req.body as Buffer | undefined)?.toString('utf8') ?? '');
    } catch {
      return reply
        .code(400)
        .header('x-request-id', requestId)
        .send(rpcError(-32700, 'Parse error: send one JSON-RPC message as JSON'));
    }
    return serveMcp(req, reply, caller, deps, body);
  });
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method,
      url: '/mcp',
      handler: async (_req, reply) =>
        reply
          .code(405)
          .header('allow', 'POST')
          .send(rpcError(-32000, 'Method not allowed: this MCP server is stateless; POST each request')),
    });
  }
}

/** The caller of an MCP request: token checked in secure mode; the bus must be up. */
async function callerOf(
  req: FastifyRequest,
  deps: McpRouteDeps,
  requestId: string,
): Promise<AgentToolsCaller> {
  const named = req.headers[HeaderNames.userId.toLowerCase()];
  if (named !== undefined && (typeof named !== 'string' || !UserId.safeParse(named).success)) {
    throw new SwitchboardError('invalid_request', `invalid ${HeaderNames.userId} header`);
  }
  const who = await identifyCaller(deps.tokens, req.headers.authorization, named);
  if (deps.isConnected && !deps.isConnected()) {
    throw new Failure('bus_unavailable', 'the message bus is unavailable; retry shortly', {
      retryAfterMs: 1000,
    });
  }
  return {
    nc: deps.nc,
    // Passed on only in secure mode: the agent verifies the token itself.
    authorization: deps.tokens ? req.headers.authorization : undefined,
    userId: who.userId,
    requestId,
    traceparent: (req as { traceparent?: string }).traceparent!,
    timeoutMs: deps.timeoutMs,
    log: deps.log.child({ requestId }),
  };
}

/** Runs one MCP request through a fresh server and stateless transport, and sends its response. */
async function serveMcp(
  req: FastifyRequest,
  reply: FastifyReply,
  caller: AgentToolsCaller,
  deps: McpRouteDeps,
  body: unknown,
): Promise<FastifyReply> {
  const server = createMcpServer(caller, deps.agents);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  try {
    await server.connect(transport);
    const res = await transport.handleRequest(webRequest(req), { parsedBody: body });
    reply.code(res.status).header('x-request-id', caller.requestId);
    res.headers.forEach((value, name) => {
      reply.header(name, value);
    });
    const text = await res.text();
    return reply.send(text === '' ? undefined : text);
  } finally {
    await transport.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  }
}

/** The request as the web-standard transport reads it (method, URL, headers; the body is passed parsed). */
function webRequest(req: FastifyRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  return new Request(new URL(req.url, 'http://gateway'), { method: req.method, headers });
}
