// agents.<agent>.tools against a real nats-server: the tools listed with the JSON Schema of their
// input, calls run through the executor as the caller (proven by a token in secure mode, the
// request's userId in open mode), a fresh task id per call, typed errors, and the domain events of
// a call published like a turn's.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { HeaderNames, type ToolsReply } from '@switchboard/contracts';
import {
  createLogger,
  createMetrics,
  createTokenVerifier,
  ensureStreams,
  generateTokenKeys,
  InFlight,
  issueToken,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createToolExecutor } from './tools/executor.js';
import { defineTool } from './tools/types.js';
import { serveToolsEndpoint } from './tools-endpoint.js';

let server: NatsServer;
let nc: NatsConnection;
const endpoints: Subscription[] = [];
const keys = generateTokenKeys();
const bearer: Record<string, string> = {};
const log = createLogger({ service: 'test', level: 'silent' });
const metrics = createMetrics('agent', { processMetrics: false });

const tools = [
  defineTool({
    name: 'whoami',
    description: 'The user and task id the call runs with.',
    input: z.strictObject({}),
    output: z.strictObject({ userId: z.string().optional(), taskId: z.string() }),
    run: async (_input, ctx) => ({ ...(ctx.userId ? { userId: ctx.userId } : {}), taskId: ctx.taskId }),
  }),
  defineTool({
    name: 'add_note',
    description: 'Adds a note (a change: keyed by the task id, and an event).',
    input: z.strictObject({ text: z.string().min(1), priority: z.number().int().default(1) }),
    output: z.strictObject({ noteId: z.string(), priority: z.number() }),
    run: async (input, ctx) => {
      ctx.emit({ kind: 'note_added', data: { text: input.text } });
      return { noteId: ctx.taskId, priority: input.priority };
    },
  }),
];
const executor = (agent: string) => createToolExecutor({ agent, tools, metrics, log });

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  await ensureStreams(await jetstreamManager(nc));
  for (const user of ['alice', 'bob']) bearer[user] = `Bearer ${await issueToken(keys.signingKeyPem, user)}`;
  const deps = { nc, js: jetstream(nc), log, metrics };
  // hr: secure mode; finance: open mode.
  endpoints.push(
    serveToolsEndpoint({
      ...deps,
      agent: 'hr',
      executor: executor('hr'),
      inFlight: new InFlight(),
      tokens: await createTokenVerifier(keys.publicKeyPem),
    }),
    serveToolsEndpoint({
      ...deps,
      agent: 'finance',
      executor: executor('finance'),
      inFlight: new InFlight(),
    }),
  );
});
afterAll(async () => {
  for (const e of endpoints) e.unsubscribe();
  await nc?.close();
  await server?.stop();
});

/** A request on `agents.<agent>.tools`, as `user` (with their token) or with no token. */
async function request(agent: string, body: unknown, user?: string): Promise<ToolsReply> {
  const h = headers();
  if (user) h.set(HeaderNames.authorization, bearer[user]!);
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  return (await nc.request(`agents.${agent}.tools`, data, { timeout: 5000, headers: h })).json<ToolsReply>();
}

describe('op: list', () => {
  it('answers every tool with its description and the JSON Schema of its input (input side)', async () => {
    const r = await request('finance', { op: 'list' });
    expect(r.ok && 'tools' in r).toBe(true);
    if (!r.ok || !('tools' in r)) return;
    expect(r.agent).toBe('finance');
    expect(r.tools.map((t) => t.name)).toEqual(['whoami', 'add_note']);
    const note = r.tools[1]!;
    expect(note.description).toMatch(/Adds a note/);
    expect(note.inputSchema).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string', minLength: 1 }, priority: { type: 'integer', default: 1 } },
      required: ['text'],
      additionalProperties: false,
    });
    expect(note.inputSchema).not.toHaveProperty('$schema');
  });

  it('needs a valid token in secure mode', async () => {
    const r = await request('hr', { op: 'list' });
    expect(r).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await request('hr', { op: 'list' }, 'alice')).toMatchObject({ ok: true, agent: 'hr' });
  });
});

describe('op: call', () => {
  it("runs the tool as the token's user in secure mode, and refuses a userId that is not the token's", async () => {
    const r = await request('hr', { op: 'call', name: 'whoami' }, 'alice');
    expect(r).toMatchObject({ ok: true, agent: 'hr', result: { ok: true, output: { userId: 'alice' } } });
    const posing = await request('hr', { op: 'call', name: 'whoami', userId: 'bob' }, 'alice');
    expect(posing).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const none = await request('hr', { op: 'call', name: 'whoami', userId: 'alice' });
    expect(none).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it("trusts the request's userId in open mode, and gives each call a fresh task id", async () => {
    const first = await request('finance', { op: 'call', name: 'whoami', arguments: {}, userId: 'carol' });
    const second = await request('finance', { op: 'call', name: 'whoami', arguments: {}, userId: 'carol' });
    const idOf = (r: ToolsReply) =>
      r.ok && 'result' in r && r.result.ok ? (r.result.output as { taskId: string }).taskId : '';
    expect(first).toMatchObject({ ok: true, result: { ok: true, output: { userId: 'carol' } } });
    expect(idOf(first)).toMatch(/^[0-9a-f]{32}$/);
    expect(idOf(second)).toMatch(/^[0-9a-f]{32}$/);
    expect(idOf(second)).not.toBe(idOf(first));
  });

  it("answers the executor's typed errors: invalid arguments and an unknown tool", async () => {
    const invalid = await request('finance', { op: 'call', name: 'add_note', arguments: { text: '' } });
    expect(invalid).toMatchObject({
      ok: true,
      result: {
        ok: false,
        tool: 'add_note',
        error: { code: 'invalid_request', message: 'invalid input for add_note' },
      },
    });
    expect(JSON.stringify(invalid)).toContain('text');
    const unknown = await request('finance', { op: 'call', name: 'drop_tables', arguments: {} });
    expect(unknown).toMatchObject({ ok: true, result: { ok: false, error: { code: 'unknown_tool' } } });
  });

  it('refuses a request that is not the contract: bad JSON, an unknown op, a bad tool name', async () => {
    for (const body of [
      '{not json',
      { op: 'delete' },
      { op: 'call', name: '../x' },
      { op: 'list', extra: 1 },
    ]) {
      expect(await request('finance', body)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
  });

  it("publishes a call's domain events on events.<agent>.<kind>, with the call's task id and user", async () => {
    const sub = nc.subscribe('events.finance.>', { max: 1 });
    const r = await request('finance', {
      op: 'call',
      name: 'add_note',
      arguments: { text: 'hi' },
      userId: 'bob',
    });
    expect(r).toMatchObject({ ok: true, result: { ok: true, output: { priority: 1 } } });
    const noteId = r.ok && 'result' in r && r.result.ok ? (r.result.output as { noteId: string }).noteId : '';
    for await (const m of sub) {
      expect(m.subject).toBe('events.finance.note_added');
      expect(m.json()).toMatchObject({
        eventId: `${noteId}.finance.note_added.0`,
        type: 'finance.note_added',
        agent: 'finance',
        taskId: noteId,
        userId: 'bob',
        data: { text: 'hi' },
      });
    }
  });

  it('counts every request in switchboard_requests_total under agents.<agent>.tools', async () => {
    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /switchboard_requests_total\{[^}]*endpoint="agents\.finance\.tools"[^}]*outcome="ok"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(
      /switchboard_requests_total\{[^}]*endpoint="agents\.hr\.tools"[^}]*outcome="unauthorized"[^}]*\} [1-9]/,
    );
  });
});
