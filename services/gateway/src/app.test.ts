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
import { buildGateway } from './app.js';

let server: NatsServer;
let nc: NatsConnection;
let store: SessionStore;
let responder: Subscription | undefined;
const log = createLogger({ service: 'test', level: 'silent' });

/** Plays the router on agents.ask: answers with whatever `answer` returns for the request. */
function serveAsk(answer: (req: Record<string, unknown>) => unknown | undefined) {
  responder?.unsubscribe();
  responder = nc.subscribe('agents.ask', {
    callback: (_err, msg) => {
      const out = answer(msg.json());
      if (out !== undefined) msg.respond(JSON.stringify(out));
    },
  });
}

function app(
  opts: { apiKeys?: string[]; timeoutMs?: number; failureThreshold?: number; connected?: () => boolean } = {},
): FastifyInstance {
  const metrics = createMetrics('gateway', { processMetrics: false });
  return buildGateway({
    nc,
    store,
    natsGuard: createGuard(
      {
        target: 'nats',
        timeoutMs: (opts.timeoutMs ?? 1000) + 500,
        failureThreshold: opts.failureThreshold ?? 5,
        halfOpenAfterMs: 60_000,
      },
      metrics,
    ),
    metrics,
    log,
    timeoutMs: opts.timeoutMs ?? 1000,
    apiKeys: opts.apiKeys ?? [],
    isReady: () => true,
    ...(opts.connected ? { isConnected: opts.connected } : {}),
  });
}
const ask = (a: FastifyInstance, body: unknown, headers: Record<string, string> = {}) =>
  a.inject({
    method: 'POST',
    url: '/v1/ask',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  store = createSessionStore((await ensureBuckets(nc)).sessions);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('POST /v1/ask', () => {
  it('forwards the validated request to agents.ask and returns the reply', async () => {
    let seen: Record<string, unknown> | undefined;
    serveAsk((req) => {
      seen = req;
      return { ok: true, status: 'answered', sessionId: 's1', agent: 'hr', text: 'You have 18 days.' };
    });
    const r = await ask(app(), { text: '  how many days?  ', userId: 'alice' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ ok: true, agent: 'hr', text: 'You have 18 days.' });
    expect(seen).toEqual({ text: 'how many days?', userId: 'alice' });
    expect(r.headers['x-request-id']).toBeTruthy();
  });

  /** Plays the router: answers every ask, and keeps the value of header `name` of the last one. */
  function captureHeader(name: string): { value?: string } {
    const seen: { value?: string } = {};
    responder?.unsubscribe();
    responder = nc.subscribe('agents.ask', {
      callback: (_err, msg) => {
        seen.value = msg.headers?.get(name);
        msg.respond(
          JSON.stringify({ ok: true, status: 'answered', sessionId: 's1', agent: 'hr', text: 'x' }),
        );
      },
    });
    return seen;
  }

  it('passes the W3C trace context on to NATS and answers with the same trace id', async () => {
    const seen = captureHeader('traceparent');
    const r = await ask(
      app(),
      { text: 'hi' },
      { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    );
    expect(r.statusCode).toBe(200);
    expect(seen.value).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(r.headers.traceparent).toBe(seen.value);
  });

  it('tells the router until when it waits: a deadline header of now plus its timeout', async () => {
    const seen = captureHeader('Switchboard-Deadline');
    const before = Date.now();
    expect((await ask(app({ timeoutMs: 4000 }), { text: 'hi' })).statusCode).toBe(200);
    const deadline = Number(seen.value);
    expect(deadline).toBeGreaterThanOrEqual(before + 4000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 4000);
  });

  it('passes a Switchboard-Budget header on, and refuses a malformed one with 400 before NATS', async () => {
    const seen = captureHeader('Switchboard-Budget');
    const r = await ask(
      app(),
      { text: 'hi', budget: { tokens: 500 } },
      { 'switchboard-budget': 'usd=0.02;tokens=2000' },
    );
    expect(r.statusCode).toBe(200);
    expect(seen.value).toBe('tokens=2000;usd=0.02');
    const bad = await ask(app(), { text: 'hi' }, { 'switchboard-budget': 'tokens=many' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const badBody = await ask(app(), { text: 'hi', budget: { tokens: -1 } });
    expect(badBody.statusCode).toBe(400);
  });

  it('maps a request nobody answers to 503 agent_unavailable by the client error type', async () => {
    responder?.unsubscribe();
    responder = undefined;
    await nc.flush();
    const r = await ask(app(), { text: 'hi' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({
      ok: false,
      error: { code: 'agent_unavailable', message: 'no router is available' },
    });
  });

  it('answers 202 for queued', async () => {
    serveAsk(() => ({ ok: true, status: 'queued', sessionId: 's1', agent: 'hr', text: 'stored' }));
    expect((await ask(app(), { text: 'hi' })).statusCode).toBe(202);
  });

  it.each([
    ['unknown_session', 404],
    ['session_closed', 409],
    ['agent_unavailable', 503],
    ['rate_limited', 429],
    ['internal', 500],
  ])('maps the error code %s to HTTP %i', async (code, status) => {
    serveAsk(() => ({ ok: false, error: { code, message: 'x' } }));
    const r = await ask(app(), { text: 'hi' });
    expect(r.statusCode).toBe(status);
    expect(r.json()).toEqual({ ok: false, error: { code, message: 'x' } });
  });

  it.each([
    ['malformed JSON', '{"text": ', 400, 'invalid_request'],
    ['empty text', { text: '' }, 400, 'invalid_request'],
    ['wrong type', { text: 5 }, 400, 'invalid_request'],
    ['unknown field', { text: 'hi', admin: true }, 400, 'invalid_request'],
    ['unsafe session id', { text: 'hi', sessionId: 'a.>' }, 400, 'invalid_request'],
    ['text over the limit', { text: 'x'.repeat(4001) }, 413, 'payload_too_large'],
    ['body over the limit', { text: 'hi', pad: 'x'.repeat(40_000) }, 413, 'payload_too_large'],
  ])('refuses %s before anything reaches NATS', async (_label, body, status, code) => {
    let reached = false;
    serveAsk(() => {
      reached = true;
      return { ok: true, status: 'answered', sessionId: 's', agent: 'hr', text: 'x' };
    });
    const r = await ask(app(), body);
    expect(r.statusCode).toBe(status);
    expect(r.json()).toMatchObject({ ok: false, error: { code } });
    expect(reached).toBe(false);
  });

  it('refuses a JSON body with invalid UTF-8 instead of repairing it', async () => {
    let reached = false;
    serveAsk(() => {
      reached = true;
      return { ok: true, status: 'answered', sessionId: 's', agent: 'hr', text: 'x' };
    });
    const payload = Buffer.concat([
      Buffer.from('{"text":"hi '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const r = await app().inject({
      method: 'POST',
      url: '/v1/ask',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'invalid_request', message: 'payload is not valid UTF-8' });
    expect(reached).toBe(false);
  });

  it('refuses a body that is not JSON', async () => {
    const r = await app().inject({
      method: 'POST',
      url: '/v1/ask',
      headers: { 'content-type': 'text/plain' },
      payload: 'hi',
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('invalid_request');
  });

  it('answers 504 timeout when nobody answers in time, and 503 when no router listens', async () => {
    serveAsk(() => undefined);
    const slow = await ask(app({ timeoutMs: 200 }), { text: 'hi' });
    expect(slow.statusCode).toBe(504);
    expect(slow.json().error.code).toBe('timeout');
    responder?.unsubscribe();
    responder = undefined;
    const none = await ask(app(), { text: 'hi' });
    expect(none.statusCode).toBe(503);
    expect(none.json().error.code).toBe('agent_unavailable');
  });

  it('opens its breaker after repeated NATS failures and then fails fast', async () => {
    responder?.unsubscribe();
    responder = undefined;
    const a = app({ failureThreshold: 2 });
    await ask(a, { text: 'hi' });
    await ask(a, { text: 'hi' });
    const r = await ask(a, { text: 'hi' });
    expect(r.statusCode).toBe(503);
    expect(r.json().error.message).toMatch(/circuit open/);
    const metrics = await a.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/switchboard_circuit_breaker_state\{target="nats",service="gateway"\} 2/);
  });

  it('fails fast with 503 and retry-after while NATS is disconnected', async () => {
    let reached = false;
    serveAsk(() => {
      reached = true;
      return { ok: true, status: 'answered', sessionId: 's', agent: 'hr', text: 'x' };
    });
    const started = Date.now();
    const r = await ask(app({ connected: () => false }), { text: 'hi' });
    expect(Date.now() - started).toBeLessThan(500);
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.json().error.message).toMatch(/message bus/);
    expect(reached).toBe(false);
  });

  it('requires a bearer key when keys are configured', async () => {
    serveAsk(() => ({ ok: true, status: 'answered', sessionId: 's1', agent: 'hr', text: 'x' }));
    const a = app({ apiKeys: ['k1', 'k2'] });
    expect((await ask(a, { text: 'hi' })).statusCode).toBe(401);
    expect((await ask(a, { text: 'hi' }, { authorization: 'Bearer nope' })).json().error.code).toBe(
      'unauthorized',
    );
    expect((await ask(a, { text: 'hi' }, { authorization: 'Bearer k2' })).statusCode).toBe(200);
    expect((await a.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('GET /v1/sessions/:id', () => {
  it('returns the public view of a session', async () => {
    const at = new Date().toISOString();
    await store.create({
      sessionId: 'g1',
      agent: 'hr',
      status: 'open',
      createdAt: at,
      updatedAt: at,
      turns: [
        { role: 'user', text: 'hi', at, taskId: 't1' },
        { role: 'agent', text: 'hello', at, taskId: 't1', status: 'answered', data: { x: 1 } },
      ],
    });
    const r = await app().inject({ method: 'GET', url: '/v1/sessions/g1' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      sessionId: 'g1',
      agent: 'hr',
      status: 'open',
      turns: [
        { role: 'user', text: 'hi', at },
        { role: 'agent', text: 'hello', at },
      ],
    });
  });
  it('answers 404 for an unknown session, 400 for an unsafe id, 404 for an unknown route', async () => {
    const a = app();
    expect((await a.inject({ method: 'GET', url: '/v1/sessions/nope' })).statusCode).toBe(404);
    const unsafe = await a.inject({ method: 'GET', url: '/v1/sessions/a.b' });
    expect(unsafe.statusCode).toBe(400);
    expect(unsafe.json().error.code).toBe('invalid_request');
    expect((await a.inject({ method: 'GET', url: '/v2/nothing' })).statusCode).toBe(404);
  });
});
