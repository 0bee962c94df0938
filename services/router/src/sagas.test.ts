// `sagas.get`, served by the router: a saga's state and history over NATS, with the same typed
// errors as `GET /v1/sagas/<id>` (invalid id, unknown saga, another user's saga in secure mode).
import { connect, headers, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { HeaderNames, type Saga } from '@switchboard/contracts';
import {
  createLogger,
  createMetrics,
  createSagaStore,
  createTokenVerifier,
  ensureBuckets,
  generateTokenKeys,
  InFlight,
  issueToken,
  type SagaStore,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sagaIdOf, serveSagaGet } from './sagas.js';

let server: NatsServer;
let nc: NatsConnection;
let store: SagaStore;
const subs: Subscription[] = [];
const keys = generateTokenKeys();
const openMetrics = createMetrics('router', { processMetrics: false });

const saga: Saga = {
  sagaId: 'onb-0123456789abcdef0123',
  flow: 'onboarding',
  status: 'completed',
  requester: 'bob',
  sessionId: 'bobs-session',
  taskId: 'task-1',
  subject: { employeeId: 'dana-reyes', name: 'Dana Reyes', department: 'marketing', startDate: '2027-01-04' },
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
};

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  store = createSagaStore((await ensureBuckets(nc)).sagas);
  await store.create(saga);
  const log = createLogger({ service: 'router-test', level: 'silent' });
  // Open mode first; the secure-mode test replaces this responder with one that verifies tokens.
  subs.push(serveSagaGet({ nc, sagas: store, log, metrics: openMetrics, inFlight: new InFlight() }));
});
afterAll(async () => {
  for (const s of subs) s.unsubscribe();
  await nc?.close();
  await server?.stop();
});

async function get(payload: string, auth?: string) {
  const h = headers();
  if (auth) h.set(HeaderNames.authorization, auth);
  const m = await nc.request('sagas.get', payload, { timeout: 3000, headers: h });
  return { body: m.json<{ ok: boolean; saga?: Saga; error?: { code: string } }>(), headers: m.headers };
}

describe('sagas.get (open mode)', () => {
  it('answers a saga by {"sagaId"} and by the plain id', async () => {
    expect((await get(JSON.stringify({ sagaId: saga.sagaId }))).body).toEqual({ ok: true, saga });
    expect((await get(` ${saga.sagaId}\n`)).body).toEqual({ ok: true, saga });
  });

  it('answers unknown_saga (404) for an unknown id and invalid_request for an unsafe or malformed one', async () => {
    const unknown = await get('onb-ffffffffffffffffffff');
    expect(unknown.body.error?.code).toBe('unknown_saga');
    expect(unknown.headers?.get('Nats-Service-Error-Code')).toBe('404');
    for (const bad of ['a.b', '>', '{"sagaId": "x", "extra": 1}', '{not json', '']) {
      expect((await get(bad)).body.error?.code, bad).toBe('invalid_request');
    }
  });

  it('counts its requests by outcome', async () => {
    const text = await openMetrics.registry.metrics();
    expect(text).toMatch(
      /switchboard_requests_total\{endpoint="sagas.get",outcome="ok",service="router"\} [1-9]/,
    );
    expect(text).toMatch(/endpoint="sagas.get",outcome="unknown_saga",service="router"\} 1/);
  });
});

describe('sagas.get (secure mode)', () => {
  it('needs a token, and serves a saga only to its requester', async () => {
    for (const s of subs.splice(0)) s.unsubscribe();
    const tokens = await createTokenVerifier(keys.publicKeyPem);
    const log = createLogger({ service: 'router-test', level: 'silent' });
    const metrics = createMetrics('router', { processMetrics: false });
    subs.push(serveSagaGet({ nc, sagas: store, tokens, log, metrics, inFlight: new InFlight() }));
    const bob = `Bearer ${await issueToken(keys.signingKeyPem, 'bob')}`;
    const alice = `Bearer ${await issueToken(keys.signingKeyPem, 'alice')}`;
    expect((await get(saga.sagaId, bob)).body).toEqual({ ok: true, saga });
    const other = await get(saga.sagaId, alice);
    expect(other.body.error?.code).toBe('forbidden');
    expect(other.headers?.get('Nats-Service-Error-Code')).toBe('403');
    expect((await get(saga.sagaId)).body.error?.code).toBe('unauthorized');
    expect((await get('onb-ffffffffffffffffffff', alice)).body.error?.code).toBe('unknown_saga');
  });
});

describe('sagaIdOf', () => {
  it('reads JSON or plain text', () => {
    const enc = new TextEncoder();
    expect(sagaIdOf(enc.encode('{"sagaId":"onb-1"}'))).toBe('onb-1');
    expect(sagaIdOf(enc.encode('  onb-2 '))).toBe('onb-2');
  });
});
