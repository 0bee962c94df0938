// POST /mcp against a real nats-server, with the test playing the HR agent on agents.hr.tools (and
// no Finance agent running): what the gateway lists, how it maps each outcome of a call to MCP,
// and the edge (API key, bad JSON, a bad user header, the bus down) in front of it.
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  createGuard,
  createLogger,
  createMetrics,
  createSessionStore,
  ensureBuckets,
  type SessionStore,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../app.js';
import { splitToolName } from './server.js';

let server: NatsServer;
let nc: NatsConnection;
let store: SessionStore;
let hr: Subscription;
const log = createLogger({ service: 'test', level: 'silent' });

const echoSchema = { type: 'object', properties: { word: { type: 'string' } }, additionalProperties: false };

/** Plays the HR agent: one tool `echo` (answers its arguments and the caller), `boom` fails. */
function serveHrTools(): Subscription {
  return nc.subscribe('agents.hr.tools', {
    callback: (_err, msg) => {
      const req = msg.json<{ op: string; name?: string; arguments?: unknown; userId?: string }>();
      const reply = (result: unknown) => msg.respond(JSON.stringify({ ok: true, agent: 'hr', result }));
      if (req.op === 'list') {
        msg.respond(
          JSON.stringify({
            ok: true,
            agent: 'hr',
            tools: [{ name: 'echo', description: 'Echoes.', inputSchema: echoSchema }],
          }),
        );
      } else if (req.name === 'echo') {
        const auth = msg.headers?.get('Authorization') ?? '';
        reply({ ok: true, tool: 'echo', output: { args: req.arguments, userId: req.userId, auth } });
      } else if (req.name === 'boom') {
        reply({ ok: false, tool: 'boom', error: { code: 'tool_failed', message: 'boom failed' } });
      } else if (req.name === 'whoops') {
        msg.respond(JSON.stringify({ ok: false, error: { code: 'forbidden', message: 'not yours' } }));
      } else {
        reply({
          ok: false,
          tool: req.name,
          error: { code: 'unknown_tool', message: `no tool named ${req.name}` },
        });
      }
    },
  });
}

function app(opts: { apiKeys?: string[]; connected?: () => boolean } = {}): FastifyInstance {
  const metrics = createMetrics('gateway', { processMetrics: false });
  return buildGateway({
    nc,
    store,
    natsGuard: createGuard({ target: 'nats', timeoutMs: 1500, halfOpenAfterMs: 60_000 }, metrics),
    metrics,
    log,
    timeoutMs: 1000,
    apiKeys: opts.apiKeys ?? [],
    isReady: () => true,
    agents: ['hr', 'finance'],
    ...(opts.connected ? { isConnected: opts.connected } : {}),
  });
}

const mcp = (a: FastifyInstance, body: unknown, headers: Record<string, string> = {}) =>
  a.inject({
    method: 'POST',
    url: '/mcp',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'switchboard-user': 'alice',
      ...headers,
    },
    payload: typeof body === 'string' ? body : JSON.stringify({ jsonrpc: '2.0', id: 7, ...(body as object) }),
  });
const call = (a: FastifyInstance, name: string, args: Record<string, unknown> = {}) =>
  mcp(a, { method: 'tools/call', params: { name, arguments: args } });

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  store = createSessionStore((await ensureBuckets(nc)).sessions);
  hr = serveHrTools();
});
afterAll(async () => {
  hr?.unsubscribe();
  await nc?.close();
  await server?.stop();
});

describe('tools/list', () => {
  it('lists the tools of the agents that answer, prefixed with the agent; one not running is left out', async () => {
    const r = await mcp(app(), { method: 'tools/list' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { tools: [{ name: 'hr_echo', description: 'Echoes.', inputSchema: echoSchema }] },
    });
  });
});

describe('tools/call', () => {
  it("forwards the call with the caller's user (open mode: no token passed on)", async () => {
    const r = await call(app(), 'hr_echo', { word: 'hi' });
    const output = { args: { word: 'hi' }, userId: 'alice', auth: '' };
    expect(r.json().result).toEqual({
      content: [{ type: 'text', text: JSON.stringify(output) }],
      structuredContent: output,
    });
  });

  it("answers a tool's error as an isError result, and an agent not running as agent_unavailable", async () => {
    const failed = (await call(app(), 'hr_boom')).json().result;
    expect(failed.isError).toBe(true);
    expect(JSON.parse(failed.content[0].text)).toEqual({ code: 'tool_failed', message: 'boom failed' });
    const down = (await call(app(), 'finance_budget_status')).json().result;
    expect(down.isError).toBe(true);
    expect(JSON.parse(down.content[0].text)).toMatchObject({ code: 'agent_unavailable' });
  });

  it("answers an unknown tool and the agent's refusal of the caller as JSON-RPC errors", async () => {
    for (const name of ['hr_nothing', 'payroll_run', 'hr_']) {
      expect((await call(app(), name)).json().error).toMatchObject({
        code: -32602,
        message: expect.stringMatching(new RegExp(`unknown tool: ${name}$`)),
      });
    }
    expect((await call(app(), 'hr_whoops')).json().error).toMatchObject({
      code: -32600,
      message: expect.stringMatching(/forbidden: not yours$/),
    });
  });

  it('splits a name on the first agent prefix that fits', () => {
    expect(splitToolName(['hr', 'finance'], 'hr_leave_balance')).toEqual({
      agent: 'hr',
      tool: 'leave_balance',
    });
    expect(splitToolName(['hr', 'finance'], 'finance_x')).toEqual({ agent: 'finance', tool: 'x' });
    expect(splitToolName(['hr'], 'hrx_y')).toBeUndefined();
  });
});

describe('the edge in front of it', () => {
  it('needs the API key like /v1/ask when keys are configured', async () => {
    const a = app({ apiKeys: ['k-123'] });
    const refused = await mcp(a, { method: 'tools/list' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await mcp(a, { method: 'tools/list' }, { 'x-api-key': 'k-123' })).statusCode).toBe(200);
  });

  it('refuses a body that is not JSON (400, JSON-RPC parse error) and a malformed Switchboard-User (400)', async () => {
    const bad = await mcp(app(), '{"jsonrpc":');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 }, id: null });
    const who = await mcp(app(), { method: 'tools/list' }, { 'switchboard-user': 'a b' });
    expect(who.statusCode).toBe(400);
    expect(who.json()).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('fails fast with 503 while the bus is down, and answers GET with 405', async () => {
    const down = await mcp(app({ connected: () => false }), { method: 'tools/list' });
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBeDefined();
    const get = await app().inject({ method: 'GET', url: '/mcp' });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });
});
