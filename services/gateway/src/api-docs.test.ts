// GET /openapi.json and GET /asyncapi.json: the gateway serves the committed documents, without an
// API key, with their request metrics there from start; the OpenAPI document names only routes the
// gateway has, and the errors the gateway really answers are the ones it documents.
import { readFileSync } from 'node:fs';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AskReplyError, ErrorCodes } from '@switchboard/contracts';
import {
  createGuard,
  createLogger,
  createMetrics,
  createSagaStore,
  createSessionStore,
  ensureBuckets,
  type Metrics,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from './app.js';

let server: NatsServer;
let nc: NatsConnection;
let app: FastifyInstance;
let metrics: Metrics;
const apiDir = new URL('../../../libs/contracts/api/', import.meta.url);
const committed = (name: string) => readFileSync(new URL(name, apiDir), 'utf8');

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  const buckets = await ensureBuckets(nc);
  metrics = createMetrics('gateway', { processMetrics: false });
  app = buildGateway({
    nc,
    store: createSessionStore(buckets.sessions),
    natsGuard: createGuard(
      { target: 'nats', timeoutMs: 1500, failureThreshold: 5, halfOpenAfterMs: 60_000 },
      metrics,
    ),
    metrics,
    log: createLogger({ service: 'test', level: 'silent' }),
    timeoutMs: 1000,
    apiKeys: ['k-docs-test'],
    isReady: () => true,
    sagas: createSagaStore(buckets.sagas),
    // The streaming and A2A routes are documented too.
    js: jetstream(nc),
    agentsKv: buckets.agents,
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await nc?.close();
  await server?.stop();
});

const requests = async (endpoint: string) => {
  const text = await metrics.registry.metrics();
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith('switchboard_requests_total{') && l.includes(`endpoint="${endpoint}",outcome="ok"`),
    );
  return line === undefined ? undefined : Number(line.split(' ').pop());
};

describe('API documents served by the gateway', () => {
  it('serves both committed documents as JSON, without an API key, counting each request', async () => {
    for (const name of ['openapi.json', 'asyncapi.json']) {
      expect(await requests(`GET /${name}`), `${name} primed`).toBe(0);
      const res = await app.inject({ method: 'GET', url: `/${name}` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toBe(committed(name));
      expect(await requests(`GET /${name}`)).toBe(1);
    }
    expect(JSON.parse(committed('openapi.json')).openapi).toBe('3.1.0');
    expect(JSON.parse(committed('asyncapi.json')).asyncapi).toBe('3.0.0');
    // The API itself still needs the key.
    const refused = await app.inject({ method: 'GET', url: '/v1/sessions/s1' });
    expect(refused.statusCode).toBe(401);
  });

  it('documents only routes the gateway has', () => {
    const doc = JSON.parse(committed('openapi.json')) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({
        method: method.toUpperCase(),
        url: path.replace(/\{(\w+)\}/g, ':$1'),
      })),
    );
    expect(documented.length).toBeGreaterThanOrEqual(8);
    for (const route of documented)
      expect(app.hasRoute(route as Parameters<FastifyInstance['hasRoute']>[0]), JSON.stringify(route)).toBe(
        true,
      );
  });

  it('answers errors with a status and a body the document gives for that route', async () => {
    const doc = JSON.parse(committed('openapi.json')) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const key = { 'x-api-key': 'k-docs-test' };
    const cases = [
      { path: '/v1/ask', method: 'post', url: '/v1/ask', code: 'invalid_request', payload: '{"text": 1}' },
      { path: '/v1/sessions/{id}', method: 'get', url: '/v1/sessions/nobody-here', code: 'unknown_session' },
      { path: '/v1/sessions/{id}', method: 'get', url: '/v1/sessions/s1', code: 'unauthorized', noKey: true },
      { path: '/v1/sagas/{id}', method: 'get', url: '/v1/sagas/onb-0000', code: 'unknown_saga' },
    ] as const;
    for (const c of cases) {
      const res = await app.inject({
        method: c.method === 'post' ? 'POST' : 'GET',
        url: c.url,
        headers: { ...('noKey' in c ? {} : key), 'content-type': 'application/json' },
        ...('payload' in c ? { payload: c.payload } : {}),
      });
      const body = AskReplyError.parse(res.json());
      expect(body.error.code).toBe(c.code);
      expect(res.statusCode).toBe(ErrorCodes[c.code].httpStatus);
      expect(
        doc.paths[c.path]?.[c.method]?.responses[String(res.statusCode)],
        `${c.url} ${res.statusCode}`,
      ).toEqual({
        $ref: `#/components/responses/error-${res.statusCode}`,
      });
    }
  });
});
