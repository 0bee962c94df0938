// GET /v1/sagas/<id>: a saga's state and history over HTTP, 200 / 400 / 404, and in secure mode 401
// without a token and 403 for another user's saga; the route's request metric exists from start.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Saga } from '@switchboard/contracts';
import {
  createGuard,
  createLogger,
  createMetrics,
  createSagaStore,
  createSessionStore,
  createTokenVerifier,
  ensureBuckets,
  generateTokenKeys,
  issueToken,
  type Metrics,
  type SagaStore,
  type TokenVerifier,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from './app.js';

let server: NatsServer;
let nc: NatsConnection;
let sagas: SagaStore;
let open: FastifyInstance;
let secure: FastifyInstance;
let openMetrics: Metrics;
const keys = generateTokenKeys();

const saga: Saga = {
  sagaId: 'onb-0123456789abcdef0123',
  flow: 'onboarding',
  status: 'compensated',
  requester: 'bob',
  sessionId: 'bobs-session',
  taskId: 'task-1',
  subject: {
    employeeId: 'omar-haddad',
    name: 'Omar Haddad',
    department: 'marketing',
    startDate: '2027-01-04',
  },
  steps: [
    {
      step: 'employee_created',
      event: 'hr.employee_created',
      at: '2026-12-04T10:00:00.000Z',
      by: 'hr-agent',
    },
  ],
  startedAt: '2026-12-04T10:00:00.000Z',
  updatedAt: '2026-12-04T10:00:01.000Z',
  endedAt: '2026-12-04T10:00:01.000Z',
  reason: 'marketing has -$4,800 left of its 2026-Q4 budget',
};

function gateway(
  tokens: TokenVerifier | undefined,
  metrics: Metrics,
  buckets: Awaited<ReturnType<typeof ensureBuckets>>,
) {
  return buildGateway({
    nc,
    store: createSessionStore(buckets.sessions),
    sagas: createSagaStore(buckets.sagas),
    natsGuard: createGuard({ target: 'nats', timeoutMs: 2000, failureThreshold: 50 }, metrics),
    metrics,
    log: createLogger({ service: 'test', level: 'silent' }),
    timeoutMs: 1500,
    apiKeys: [],
    isReady: () => true,
    tokens,
  });
}

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  const buckets = await ensureBuckets(nc);
  sagas = createSagaStore(buckets.sagas);
  await sagas.create(saga);
  openMetrics = createMetrics('gateway', { processMetrics: false });
  open = gateway(undefined, openMetrics, buckets);
  secure = gateway(
    await createTokenVerifier(keys.publicKeyPem),
    createMetrics('gateway', { processMetrics: false }),
    buckets,
  );
});
afterAll(async () => {
  await open?.close();
  await secure?.close();
  await nc?.close();
  await server?.stop();
});

describe('GET /v1/sagas/<id>', () => {
  it('has its request metric at 0 before the first request', async () => {
    expect(await openMetrics.registry.metrics()).toContain(
      'switchboard_requests_total{endpoint="GET /v1/sagas/:id",outcome="ok",service="gateway"} 0',
    );
  });

  it('serves a saga (open mode), 404 unknown_saga for an unknown id, 400 for an unsafe one', async () => {
    const ok = await open.inject({ url: `/v1/sagas/${saga.sagaId}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ ok: true, saga });
    const unknown = await open.inject({ url: '/v1/sagas/onb-ffffffffffffffffffff' });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'unknown_saga']);
    for (const bad of ['a.b', '%2A', 'x'.repeat(65)]) {
      const r = await open.inject({ url: `/v1/sagas/${bad}` });
      expect([r.statusCode, r.json().error.code], bad).toEqual([400, 'invalid_request']);
    }
  });

  it('in secure mode: 401 without a token, 403 for another user, 200 for the requester', async () => {
    const bob = `Bearer ${await issueToken(keys.signingKeyPem, 'bob')}`;
    const alice = `Bearer ${await issueToken(keys.signingKeyPem, 'alice')}`;
    const url = `/v1/sagas/${saga.sagaId}`;
    const none = await secure.inject({ url });
    expect([none.statusCode, none.json().error.code]).toEqual([401, 'unauthorized']);
    const other = await secure.inject({ url, headers: { authorization: alice } });
    expect([other.statusCode, other.json().error.code]).toEqual([403, 'forbidden']);
    const mine = await secure.inject({ url, headers: { authorization: bob } });
    expect([mine.statusCode, mine.json()]).toEqual([200, { ok: true, saga }]);
    const missing = await secure.inject({
      url: '/v1/sagas/onb-ffffffffffffffffffff',
      headers: { authorization: bob },
    });
    expect(missing.statusCode).toBe(404);
  });
});
