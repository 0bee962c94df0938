import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  createGuard,
  createLogger,
  createMetrics,
  createSessionStore,
  ensureBuckets,
  type SessionStore,
} from '@switchboard/runtime';
import {
  type NatsServer,
  openRaw,
  parseRawResponse,
  type RawResponse,
  rawHttp,
  rawRequest,
  slowBody,
  startNatsServer,
} from '@switchboard/runtime/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildGateway, type GatewayDeps } from './app.js';

// The edge of a real listening gateway (a real socket, a real nats-server, a stand-in router on
// `agents.ask`): what an attacker sends is what the server reads.

let server: NatsServer;
let nc: NatsConnection;
let store: SessionStore;
let responder: Subscription | undefined;
/** Requests that reached the stand-in router. */
let reached = 0;
const log = createLogger({ service: 'test', level: 'silent' });
const answer = { ok: true, status: 'answered', sessionId: 's1', agent: 'hr', text: 'You have 18 days.' };

/** Plays the router: answers every ask (after `delayMs`). */
function serveAsk(delayMs = 0) {
  responder?.unsubscribe();
  responder = nc.subscribe('agents.ask', {
    callback: (_err, msg) => {
      reached++;
      setTimeout(() => msg.respond(JSON.stringify(answer)), delayMs);
    },
  });
}

const running: FastifyInstance[] = [];

/** A gateway listening on 127.0.0.1 with `opts`; closed after the test. */
async function gateway(
  opts: Partial<Pick<GatewayDeps, 'apiKeys' | 'edge' | 'opsRoutes' | 'timeoutMs'>> = {},
) {
  const metrics = createMetrics('gateway', { processMetrics: false });
  const app = buildGateway({
    nc,
    store,
    natsGuard: createGuard({ target: 'nats', timeoutMs: 10_000, failureThreshold: 50 }, metrics),
    metrics,
    log,
    timeoutMs: opts.timeoutMs ?? 5000,
    apiKeys: opts.apiKeys ?? [],
    isReady: () => true,
    ...(opts.edge ? { edge: opts.edge } : {}),
    ...(opts.opsRoutes === undefined ? {} : { opsRoutes: opts.opsRoutes }),
  });
  running.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return { app, port, url: `http://127.0.0.1:${port}` };
}

const json = (body: unknown) => JSON.stringify(body);
const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(15_000),
  });
/** A raw POST of a small JSON ask to `target`, with `headers` lines. */
const rawAsk = (port: number, target: string, headers: string[] = []) =>
  rawRequest(port, { method: 'POST', target, body: json({ text: 'how many vacation days?' }), headers });

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  store = createSessionStore((await ensureBuckets(nc)).sessions);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});
beforeEach(() => {
  reached = 0;
  serveAsk();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.close()));
});

describe('API keys are checked on the routed path', () => {
  // Every target that Fastify routes to a /v1 route, written the ways that fooled a raw-URL check.
  const routed = [
    ['percent-encoded path', 'POST', '/%76%31/ask'],
    ['percent-encoded last segment', 'POST', '/v1/%61%73%6b'],
    ['absolute-form target', 'POST', 'http://127.0.0.1:{port}/v1/ask'],
    ['absolute-form target naming another host', 'POST', 'http://evil.example/v1/ask'],
    ['query string', 'POST', '/v1/ask?admin=1'],
    ['encoded session route', 'GET', '/%76%31/sessions/abc'],
    ['absolute-form session route', 'GET', 'http://x/v1/sessions/abc'],
    ['HEAD of the session route', 'HEAD', '/v1/sessions/abc'],
  ] as const;

  it.each(routed)('refuses a %s without a key (401) and serves it with one', async (_what, method, t) => {
    const { port } = await gateway({ apiKeys: ['k1'] });
    const target = t.replace('{port}', String(port));
    const send = (headers: string[]) =>
      method === 'POST' ? rawAsk(port, target, headers) : rawRequest(port, { method, target, headers });
    const refused = await send([]);
    expect(refused.status).toBe(401);
    if (method !== 'HEAD')
      expect(JSON.parse(refused.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(reached).toBe(0);
    // The same target with the key does reach the route: so the 401 above was the route's check.
    const served = await send(['x-api-key: k1']);
    expect(served.status).toBe(method === 'POST' ? 200 : 404);
    if (method === 'POST') expect(reached).toBe(1);
  });

  it.each([
    ['double-encoded', '/%2576%2531/ask'],
    ['doubled slash', '//v1/ask'],
    ['upper case', '/V1/ask'],
    ['dot segment', '/v1/./ask'],
    ['backslash', '/v1\\ask'],
  ])('answers a %s target that routes nowhere with an error, never the router', async (_w, target) => {
    const { port } = await gateway({ apiKeys: ['k1'] });
    const r = await rawAsk(port, target);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(reached).toBe(0);
  });

  it('takes the key as X-API-Key or as a bearer token, refuses a wrong one, and leaves ops routes open', async () => {
    const { url } = await gateway({ apiKeys: ['k1', 'k2'] });
    const ask = json({ text: 'hi' });
    expect((await post(url, ask)).status).toBe(401);
    expect((await post(url, ask, { 'x-api-key': 'k2' })).status).toBe(200);
    expect((await post(url, ask, { authorization: 'Bearer k1' })).status).toBe(200);
    expect((await post(url, ask, { 'x-api-key': 'k1x' })).status).toBe(401);
    expect((await post(url, ask, { authorization: 'Basic k1' })).status).toBe(401);
    // X-API-Key decides when present: a key in Authorization does not rescue a wrong one.
    expect((await post(url, ask, { 'x-api-key': 'nope', authorization: 'Bearer k1' })).status).toBe(401);
    for (const path of ['/healthz', '/readyz', '/metrics'])
      expect((await fetch(`${url}${path}`)).status).toBe(200);
    expect(reached).toBe(2);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After and a typed body past the limit, per key', async () => {
    const { url } = await gateway({
      apiKeys: ['k1', 'k2'],
      edge: { rateLimitMax: 50, rateLimitWindowMs: 60_000 },
    });
    const ask = json({ text: 'hi' });
    const results = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const r = await post(url, ask, { 'x-api-key': 'k1' });
        return { status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.json() };
      }),
    );
    const limited = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200)).toHaveLength(50);
    expect(limited).toHaveLength(150);
    for (const r of limited) {
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(r.retryAfter)).toBeLessThanOrEqual(60);
      expect(r.body).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    }
    expect(reached).toBe(50);
    // Another key has its own budget; ops routes have none.
    expect((await post(url, ask, { 'x-api-key': 'k2' })).status).toBe(200);
    for (let i = 0; i < 60; i++) expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      /switchboard_requests_total\{endpoint="POST \/v1\/ask",outcome="rate_limited",service="gateway"\} 150/,
    );
  });

  it('limits guesses of the key per client address', async () => {
    const { url } = await gateway({ apiKeys: ['k1'], edge: { rateLimitMax: 5, rateLimitWindowMs: 60_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await post(url, json({ text: 'hi' }), { 'x-api-key': `guess${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
  });

  it('counts per client address when no keys are configured, and not at all with a limit of 0', async () => {
    const limited = await gateway({ edge: { rateLimitMax: 3, rateLimitWindowMs: 60_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(limited.url, json({ text: 'hi' }))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const open = await gateway({ edge: { rateLimitMax: 0 } });
    for (let i = 0; i < 20; i++) {
      const r = await post(open.url, json({ text: 'hi' }));
      expect(r.status).toBe(200);
      expect(r.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });
});

describe('slow clients', () => {
  const edge = { requestTimeoutMs: 1000, headersTimeoutMs: 600 };

  it('cuts off a client trickling its body: 408 with a typed body, connection closed', async () => {
    const { port } = await gateway({ edge });
    const c = await openRaw(port);
    c.write(
      `POST /v1/ask HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"text":"`,
    );
    const timer = setInterval(() => c.write('a'), 100);
    const closedAfter = await c.closed;
    clearInterval(timer);
    expect(closedAfter).toBeLessThan(2500);
    const r = parseRawResponse(c.received());
    expect(r?.status).toBe(408);
    expect(JSON.parse(r!.body)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(reached).toBe(0);
  });

  it('cuts off a client trickling its headers', async () => {
    const { port } = await gateway({ edge });
    const c = await openRaw(port);
    c.write('POST /v1/ask HTTP/1.1\r\nhost: x\r\n');
    const timer = setInterval(() => c.write('x-slow: 1\r\n'), 100);
    const closedAfter = await c.closed;
    clearInterval(timer);
    expect(closedAfter).toBeLessThan(2000);
    expect(parseRawResponse(c.received())?.status).toBe(408);
  });

  it('still waits for an answer longer than the request timeout, and takes a body in pauses', async () => {
    serveAsk(1500);
    const { url, port } = await gateway({ edge });
    const slowAnswer = await post(url, json({ text: 'hi' }));
    expect(slowAnswer.status).toBe(200);
    serveAsk();
    const c = await openRaw(port);
    const body = json({ text: 'how many days?' });
    c.write(
      `POST /v1/ask HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`,
    );
    c.write(body.slice(0, 5));
    await new Promise((r) => setTimeout(r, 300));
    c.write(body.slice(5));
    await c.closed;
    expect(parseRawResponse(c.received())?.status).toBe(200);
  });
});

describe('oversized bodies get a 413 the client can read', () => {
  const nearMax = 1024 * 1024 - 2048;

  it('answers a plain body near 1 MB sent with fetch: 413 payload_too_large, readable', async () => {
    const { url } = await gateway();
    const r = await post(url, 'how many vacation days '.padEnd(nearMax, 'z'), {
      'content-type': 'text/plain',
    });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    expect(reached).toBe(0);
  });

  /** POSTs a slow stream of `bytes` (with a content-length, or chunked); its status and error code. */
  const postStream = async (url: string, bytes: number, declared: boolean) => {
    const r = await fetch(`${url}/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...(declared ? { 'content-length': String(bytes) } : {}) },
      body: slowBody(bytes, 5),
      duplex: 'half',
      signal: AbortSignal.timeout(15_000),
    } as RequestInit);
    return { status: r.status, code: ((await r.json()) as { error: { code: string } }).error.code };
  };

  it('answers a client still sending a body near 1 MB (declared or chunked) with the 413, not a broken pipe', async () => {
    // Answering at once and closing, as Fastify does by itself, failed some of these with EPIPE.
    const { url } = await gateway();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => postStream(url, nearMax, i % 2 === 0)),
    );
    expect(results).toEqual(Array(10).fill({ status: 413, code: 'payload_too_large' }));
  });

  it('answers JSON near 1 MB, ten at once, and goes on serving', async () => {
    const { url } = await gateway();
    const padded = json({ text: 'hi', pad: 'p'.repeat(nearMax - 30) });
    const all = await Promise.all(Array.from({ length: 10 }, () => post(url, padded)));
    for (const r of all) {
      expect(r.status).toBe(413);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    }
    // The server reads on: a normal request right after is answered.
    expect((await post(url, json({ text: 'hi' }))).status).toBe(200);
  });

  it('answers a declared body beyond what it drains at once, without waiting for it', async () => {
    const { port, url } = await gateway();
    const started = Date.now();
    const r: RawResponse = await rawHttp(
      port,
      'POST /v1/ask HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 50000000\r\n\r\n{"text":',
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error.code).toBe('payload_too_large');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe('response headers', () => {
  it('sends the security headers on answers and on refusals', async () => {
    const { url } = await gateway({ apiKeys: ['k1'], edge: { rateLimitMax: 1 } });
    const responses = [
      await post(url, json({ text: 'hi' }), { 'x-api-key': 'k1' }), // 200
      await post(url, json({ text: 'hi' }), { 'x-api-key': 'k1' }), // 429
      await post(url, json({ text: 'hi' })), // 401 (its own budget: the client address)
      await fetch(`${url}/nowhere`), // 404
      await fetch(`${url}/healthz`), // 200, ops
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 429, 401, 404, 200]);
    for (const r of responses) {
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(r.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
      expect(r.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('x-powered-by')).toBeNull();
    }
    expect(responses[0]!.headers.get('cache-control')).toBe('no-store');
  });

  it('sends no CORS headers unless origins are configured', async () => {
    const { url } = await gateway();
    const preflight = await fetch(`${url}/v1/ask`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const r = await post(url, json({ text: 'hi' }), { origin: 'https://evil.example' });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins, preflight without a key', async () => {
    const { url } = await gateway({ apiKeys: ['k1'], edge: { corsOrigins: ['https://app.example'] } });
    const preflight = (origin: string) =>
      fetch(`${url}/v1/ask`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-api-key',
        },
      });
    const ok = await preflight('https://app.example');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/x-api-key/);
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const r = await post(url, json({ text: 'hi' }), { origin: 'https://app.example', 'x-api-key': 'k1' });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(r.headers.get('access-control-expose-headers')).toMatch(/retry-after/);
  });
});

describe('ops routes', () => {
  it('are not served on the API port when an ops server serves them', async () => {
    const { url } = await gateway({ opsRoutes: false });
    for (const path of ['/metrics', '/healthz', '/readyz'])
      expect((await fetch(`${url}${path}`)).status).toBe(404);
    expect((await post(url, json({ text: 'hi' }))).status).toBe(200);
  });
});
