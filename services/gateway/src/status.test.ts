// GET /v1/status against a real nats-server and `agents` bucket: the shape (the zod schema),
// liveness by the card TTL, the agents' breakers from their cards, and the edge (API key, secure
// mode, CORS, the bus down). The web page's routes: content types, the page's CSP, and 404s that
// stay typed.
import type { KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  AskReplyError,
  type CapabilityCard,
  encodeJson,
  GatewayStatus,
  Limits,
} from '@switchboard/contracts';
import {
  createGuard,
  createLogger,
  createMetrics,
  createSessionStore,
  createTokenVerifier,
  ensureBuckets,
  generateTokenKeys,
  issueToken,
  type SessionStore,
  type TokenVerifier,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from './app.js';
import { agentStatuses } from './status.js';
import { webDir, webPageCsp } from './web/routes.js';

let server: NatsServer;
let nc: NatsConnection;
let store: SessionStore;
let agentsKv: KV;
let tokens: TokenVerifier;
const keys = generateTokenKeys();
const apps: FastifyInstance[] = [];

function gateway(
  opts: {
    kv?: boolean;
    tokens?: TokenVerifier;
    apiKeys?: string[];
    connected?: () => boolean;
    corsOrigins?: string[];
  } = {},
): FastifyInstance {
  const metrics = createMetrics('gateway', { processMetrics: false });
  const app = buildGateway({
    nc,
    store,
    natsGuard: createGuard({ target: 'nats', timeoutMs: 2000, failureThreshold: 50 }, metrics),
    metrics,
    log: createLogger({ service: 'test', level: 'silent' }),
    timeoutMs: 1500,
    apiKeys: opts.apiKeys ?? [],
    isReady: () => true,
    tokens: opts.tokens,
    ...(opts.kv === false ? {} : { agentsKv }),
    ...(opts.connected ? { isConnected: opts.connected } : {}),
    ...(opts.corsOrigins ? { edge: { corsOrigins: opts.corsOrigins } } : {}),
  });
  apps.push(app);
  return app;
}

function card(name: string, instanceId: string, ageMs: number, extra: Partial<CapabilityCard> = {}) {
  return {
    name,
    description: `the ${name} agent`,
    intents: ['something'],
    examples: ['an example'],
    subject: `agents.${name}.ask`,
    version: '1.2.3',
    instanceId,
    startedAt: new Date(Date.now() - 60_000).toISOString(),
    heartbeatAt: new Date(Date.now() - ageMs).toISOString(),
    ...extra,
  } satisfies CapabilityCard;
}

const status = (app: FastifyInstance, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: '/v1/status', headers });

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  const buckets = await ensureBuckets(nc);
  store = createSessionStore(buckets.sessions);
  agentsKv = buckets.agents;
  tokens = await createTokenVerifier(keys.publicKeyPem);
  const put = (c: ReturnType<typeof card>, key = `${c.name}.${c.instanceId}`) =>
    agentsKv.put(key, encodeJson(c));
  // hr: one live instance with an open llm breaker, one whose heartbeat is older than the TTL.
  await put(
    card('hr', 'hr-1', 1000, {
      breakers: [
        { target: 'jetstream', state: 'closed' },
        { target: 'llm', state: 'open' },
      ],
    }),
  );
  await put(card('hr', 'hr-0', Limits.cardTtlSeconds * 1000 + 5000));
  // finance: only a stale card (crashed); legal: an older agent whose card has no breakers field.
  await put(card('finance', 'fin-1', Limits.cardTtlSeconds * 1000 + 5000));
  await put(card('legal', 'legal-1', 2000));
  // Ignored: not a card, and a card under another instance's key.
  await agentsKv.put('hr.broken', encodeJson({ name: 'hr' }));
  await put(card('hr', 'hr-9', 1000), 'hr.someone-else');
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await nc?.close();
  await server?.stop();
});

describe('GET /v1/status', () => {
  it('lists every agent type with its live instances and their breakers, in the schema shape', async () => {
    const res = await status(gateway());
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = GatewayStatus.parse(res.json());
    expect(body.gateway).toEqual({ ready: true, breakers: [{ target: 'nats', state: 'closed' }] });
    expect(body.agents.map((a) => [a.agent, a.alive])).toEqual([
      ['finance', 0],
      ['hr', 1],
      ['legal', 1],
    ]);
    const hr = body.agents.find((a) => a.agent === 'hr')!;
    expect(hr.instances).toHaveLength(1);
    expect(hr.instances[0]).toMatchObject({ instanceId: 'hr-1', version: '1.2.3' });
    expect(hr.instances[0]!.heartbeatAgeMs).toBeGreaterThanOrEqual(1000);
    expect(hr.instances[0]!.heartbeatAgeMs).toBeLessThan(Limits.cardTtlSeconds * 1000);
    expect(hr.instances[0]!.breakers).toContainEqual({ target: 'llm', state: 'open' });
    expect(body.agents.find((a) => a.agent === 'finance')!.instances).toEqual([]);
    expect(body.agents.find((a) => a.agent === 'legal')!.instances[0]!.breakers).toEqual([]);
    // The open llm breaker of hr-1; the stale instance's breakers do not count.
    expect(body.breakersOpen).toBe(1);
  });

  it('lists the deployed agent types with 0 alive when it has no agents bucket', async () => {
    const body = GatewayStatus.parse((await status(gateway({ kv: false }))).json());
    expect(body.agents).toEqual([
      { agent: 'finance', alive: 0, instances: [] },
      { agent: 'hr', alive: 0, instances: [] },
    ]);
    expect(body.breakersOpen).toBe(0);
  });

  it('needs a valid token of any user in secure mode (401 otherwise)', async () => {
    const app = gateway({ tokens });
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }] as Record<string, string>[]) {
      const res = await status(app, headers);
      expect(res.statusCode).toBe(401);
      expect(AskReplyError.parse(res.json()).error.code).toBe('unauthorized');
    }
    const bob = await issueToken(keys.signingKeyPem, 'bob');
    const res = await status(app, { authorization: `Bearer ${bob}` });
    expect(res.statusCode).toBe(200);
    expect(GatewayStatus.parse(res.json()).agents.length).toBe(3);
  });

  it('needs the API key like /v1/ask, and answers CORS for an allowed origin', async () => {
    const app = gateway({ apiKeys: ['k-status'], corsOrigins: ['https://chat.example'] });
    expect((await status(app)).statusCode).toBe(401);
    const res = await status(app, { 'x-api-key': 'k-status', origin: 'https://chat.example' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://chat.example');
  });

  it('answers 503 agent_unavailable (the bus is down) while the NATS connection is down', async () => {
    const res = await status(gateway({ connected: () => false }));
    expect(res.statusCode).toBe(503);
    expect(AskReplyError.parse(res.json()).error).toMatchObject({
      code: 'agent_unavailable',
      message: expect.stringContaining('message bus'),
    });
  });
});

describe('agentStatuses', () => {
  it('judges liveness by the card TTL and keeps known types without a card', () => {
    const now = Date.now();
    const ttl = Limits.cardTtlSeconds * 1000;
    const at = (ageMs: number) => ({ heartbeatAt: new Date(now - ageMs).toISOString() });
    const cards = [card('hr', 'a', 0, at(0)), card('hr', 'b', 0, at(ttl - 1)), card('hr', 'c', 0, at(ttl))];
    const list = agentStatuses(cards, ['finance'], now);
    expect(list.map((a) => [a.agent, a.alive, a.instances.map((i) => i.instanceId)])).toEqual([
      ['finance', 0, []],
      ['hr', 2, ['a', 'b']],
    ]);
  });
});

describe('the web chat page', () => {
  it('serves the page at / and /chat with its own CSP (no inline script or style)', async () => {
    const app = gateway({ apiKeys: ['k-page'] });
    for (const url of ['/', '/chat']) {
      // No API key needed for the page itself: it sends the key with its own API calls.
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toBe(webPageCsp);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.body).toContain('<script type="module" src="/web/chat.js"></script>');
      expect(res.body).toContain('href="/web/chat.css"');
      expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(res.body).not.toMatch(/\sstyle=|\son[a-z]+=/);
    }
    expect(webPageCsp).not.toContain('unsafe');
    expect(webPageCsp).toContain("script-src 'self'");
    expect(webPageCsp).toContain("connect-src 'self'");
  });

  it('serves its scripts and style sheet with their content types', async () => {
    const app = gateway();
    const js = await app.inject({ method: 'GET', url: '/web/chat.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain("fetch('/v1/status'");
    const markdown = await app.inject({ method: 'GET', url: '/web/markdown.js' });
    expect(markdown.statusCode).toBe(200);
    expect(markdown.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(markdown.body).toContain('export function renderMarkdown');
    expect(js.body).toContain("from './markdown.js'");
    const css = await app.inject({ method: 'GET', url: '/web/chat.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('keeps the API CSP and typed 404s everywhere else', async () => {
    const app = gateway();
    for (const url of ['/web/other.js', '/chat/x', '/index.html', '/web/']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(AskReplyError.parse(res.json()).error.code).toBe('invalid_request');
    }
    const api = await status(app);
    expect(api.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
  });

  it('finds the same files from dist/ after the build', async () => {
    const built = (await import(new URL('../dist/web/routes.js', import.meta.url).href)) as {
      webDir: URL;
    };
    expect(built.webDir.href).toBe(webDir.href);
  });
});
