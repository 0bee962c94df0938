// The gateway's part in proving who is asking: POST /v1/ask passes the caller's token on to the
// router (which verifies it), and GET /v1/sessions/<id> serves a session only to the user it
// belongs to once the gateway has the token public key.
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { HeaderNames } from '@switchboard/contracts';
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

let server: NatsServer;
let nc: NatsConnection;
let store: SessionStore;
let tokens: TokenVerifier;
let secure: FastifyInstance;
let open: FastifyInstance;
let responder: Subscription | undefined;
const keys = generateTokenKeys();
const bearer: Record<string, string> = {};

function gateway(verifier: TokenVerifier | undefined): FastifyInstance {
  const metrics = createMetrics('gateway', { processMetrics: false });
  return buildGateway({
    nc,
    store,
    natsGuard: createGuard({ target: 'nats', timeoutMs: 2000, failureThreshold: 50 }, metrics),
    metrics,
    log: createLogger({ service: 'test', level: 'silent' }),
    timeoutMs: 1500,
    apiKeys: [],
    isReady: () => true,
    tokens: verifier,
  });
}

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  store = createSessionStore((await ensureBuckets(nc)).sessions);
  tokens = await createTokenVerifier(keys.publicKeyPem);
  for (const user of ['alice', 'bob']) bearer[user] = `Bearer ${await issueToken(keys.signingKeyPem, user)}`;
  secure = gateway(tokens);
  open = gateway(undefined);
  const at = new Date().toISOString();
  await store.create({
    sessionId: 'alices-session',
    agent: 'hr',
    status: 'open',
    createdAt: at,
    updatedAt: at,
    userId: 'alice',
    turns: [{ role: 'user', text: 'how many vacation days do I have?', at }],
  });
  await store.create({
    sessionId: 'nobodys-session',
    agent: 'hr',
    status: 'open',
    createdAt: at,
    updatedAt: at,
    turns: [],
  });
});
afterAll(async () => {
  responder?.unsubscribe();
  await secure?.close();
  await open?.close();
  await nc?.close();
  await server?.stop();
});

const read = (app: FastifyInstance, id: string, authorization?: string) =>
  app.inject({ method: 'GET', url: `/v1/sessions/${id}`, headers: authorization ? { authorization } : {} });

describe('GET /v1/sessions/:id with the token public key', () => {
  it('serves the session to the user it belongs to', async () => {
    const r = await read(secure, 'alices-session', bearer.alice);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ sessionId: 'alices-session', agent: 'hr', status: 'open' });
  });

  it.each([
    ['no token', undefined],
    ['a token that is not valid', 'Bearer eyJhbGciOiJFZERTQSJ9.e30.c2ln'],
    ['an API key in place of a token', 'Bearer sk-some-key'],
  ])('answers 401 unauthorized for %s, before looking the session up', async (_label, authorization) => {
    for (const id of ['alices-session', 'no-such-session', 'a.b']) {
      const r = await read(secure, id, authorization);
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
  });

  it("answers 403 forbidden to another user, without the session's content", async () => {
    for (const id of ['alices-session', 'nobodys-session']) {
      const r = await read(secure, id, bearer.bob);
      expect(r.statusCode).toBe(403);
      expect(r.json()).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'this session belongs to another user' },
      });
    }
  });

  it('answers 404 for a session that does not exist', async () => {
    const r = await read(secure, 'no-such-session', bearer.alice);
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'unknown_session' } });
  });
});

describe('GET /v1/sessions/:id in open mode', () => {
  it('serves any session without a token, as before', async () => {
    expect((await read(open, 'alices-session')).statusCode).toBe(200);
  });
});

describe('POST /v1/ask', () => {
  /** Plays the router: answers every ask and keeps the Authorization header it came with. */
  function captureAuthorization(): { value?: string } {
    const seen: { value?: string } = {};
    responder?.unsubscribe();
    responder = nc.subscribe('agents.ask', {
      callback: (_err, msg) => {
        seen.value = msg.headers?.get(HeaderNames.authorization) ?? '';
        msg.respond(
          JSON.stringify({ ok: true, status: 'answered', sessionId: 's1', agent: 'hr', text: 'x' }),
        );
      },
    });
    return seen;
  }
  const ask = (app: FastifyInstance, authorization?: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/ask',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      payload: JSON.stringify({ text: 'how many vacation days do I have?' }),
    });

  it("passes the caller's token on to the router in the Authorization header", async () => {
    const seen = captureAuthorization();
    for (const app of [secure, open]) {
      expect((await ask(app, bearer.alice)).statusCode).toBe(200);
      expect(seen.value).toBe(bearer.alice);
    }
  });

  it('never passes on anything that is not shaped like a token (an API key stays at the gateway)', async () => {
    const seen = captureAuthorization();
    expect((await ask(secure, 'Bearer sk-some-key')).statusCode).toBe(200);
    expect(seen.value).toBe('');
    expect((await ask(secure)).statusCode).toBe(200);
    expect(seen.value).toBe('');
  });

  it("maps the router's forbidden reply to 403", async () => {
    responder?.unsubscribe();
    responder = nc.subscribe('agents.ask', {
      callback: (_err, msg) => {
        msg.respond(
          JSON.stringify({
            ok: false,
            error: { code: 'forbidden', message: 'this session belongs to another user' },
          }),
        );
      },
    });
    const r = await ask(secure, bearer.bob);
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
