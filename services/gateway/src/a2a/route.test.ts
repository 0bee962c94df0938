// The A2A routes of a real gateway (a real nats-server, a capability card in the `agents` bucket, a
// stand-in router on `agents.ask`): cards made from the registry and public; the JSON-RPC routes
// behind the API key like every API route; Switchboard replies mapped onto A2A task states.
import { TaskState } from '@a2a-js/sdk';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { AskReply, CapabilityCard } from '@switchboard/contracts';
import {
  type Buckets,
  createGuard,
  createLogger,
  createMetrics,
  createSessionStore,
  ensureBuckets,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../app.js';
import { stateOf } from './executor.js';

let server: NatsServer;
let nc: NatsConnection;
let buckets: Buckets;
let router: Subscription;
let app: FastifyInstance;
const asked: unknown[] = [];

const card: CapabilityCard = {
  name: 'hr',
  description: 'Leave, holidays and HR policy.',
  intents: ['leave_balance', 'holidays'],
  examples: ['how many vacation days do I have?', 'when is the next public holiday?'],
  subject: 'agents.hr.ask',
  version: '1.2.3',
  instanceId: 'i1',
  startedAt: new Date().toISOString(),
  heartbeatAt: new Date().toISOString(),
};

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  buckets = await ensureBuckets(nc);
  await buckets.agents.put('hr.i1', JSON.stringify(card));
  router = nc.subscribe('agents.ask', {
    callback: (_err, msg) => {
      asked.push(msg.json());
      msg.respond(
        JSON.stringify({
          ok: true,
          status: 'answered',
          sessionId: 's-a2a',
          agent: 'hr',
          text: 'You have 18 days.',
        }),
      );
    },
  });
  const metrics = createMetrics('gateway', { processMetrics: false });
  app = buildGateway({
    nc,
    store: createSessionStore(buckets.sessions),
    natsGuard: createGuard({ target: 'nats', timeoutMs: 5000, failureThreshold: 50 }, metrics),
    metrics,
    log: createLogger({ service: 'test', level: 'silent' }),
    timeoutMs: 5000,
    apiKeys: ['k-a2a-test'],
    isReady: () => true,
    agentsKv: buckets.agents,
    agents: ['hr'],
  });
  await app.ready();
});
afterAll(async () => {
  router?.unsubscribe();
  await app?.close();
  await nc?.close();
  await server?.stop();
});

const send = (url: string, headers: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'message/send',
      params: {
        message: { kind: 'message', messageId: 'm1', role: 'user', parts: [{ kind: 'text', text: 'days?' }] },
      },
    }),
  });

describe('A2A routes', () => {
  it('serves the cards without an API key, made from the capability cards', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/.well-known/agent-card.json',
      headers: { host: 'gw:8080' },
    });
    expect(res.statusCode).toBe(200);
    const gw = res.json();
    expect(gw.name).toBe('Switchboard');
    expect(
      gw.supportedInterfaces.map((i: { url: string; protocolVersion: string }) => i.protocolVersion),
    ).toEqual(['1.0', '0.3']);
    expect(gw.supportedInterfaces[0].url).toBe('http://gw:8080/a2a');
    expect(gw.skills.map((s: { id: string }) => s.id)).toEqual(['hr.leave_balance', 'hr.holidays']);
    expect(gw.capabilities.streaming).toBe(false);

    const hr = (await app.inject({ method: 'GET', url: '/a2a/hr/.well-known/agent-card.json' })).json();
    expect(hr).toMatchObject({ name: 'switchboard-hr', description: card.description, version: '1.2.3' });
    expect(hr.skills[0]).toMatchObject({
      id: 'hr.leave_balance',
      examples: card.examples,
      tags: ['hr', 'leave_balance'],
    });
    expect(
      (await app.inject({ method: 'GET', url: '/a2a/nobody/.well-known/agent-card.json' })).statusCode,
    ).toBe(404);
  });

  it('needs the API key for JSON-RPC, then answers a message as a completed task', async () => {
    const before = asked.length;
    const refused = await send('/a2a', {});
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('unauthorized');
    expect(asked.length).toBe(before);

    const res = await send('/a2a', { 'x-api-key': 'k-a2a-test', 'switchboard-user': 'alice' });
    expect(res.statusCode).toBe(200);
    const task = res.json().result;
    expect(task).toMatchObject({ kind: 'task', status: { state: 'completed' } });
    expect(task.status.message.parts).toEqual([{ kind: 'text', text: 'You have 18 days.' }]);
    // The API key stays at the gateway; the user and the text go on to the router.
    expect(asked.at(-1)).toEqual({ text: 'days?', userId: 'alice' });
  });

  it('answers 404 for an agent the gateway does not serve', async () => {
    expect((await send('/a2a/payroll', { 'x-api-key': 'k-a2a-test' })).statusCode).toBe(404);
  });

  it('maps every Switchboard reply onto an A2A task state', () => {
    const ok = (
      status: 'answered' | 'queued' | 'clarify' | 'ended',
      data?: Record<string, unknown>,
    ): AskReply => ({
      ok: true,
      status,
      sessionId: 's',
      agent: status === 'clarify' ? null : 'hr',
      text: 't',
      ...(data ? { data } : {}),
    });
    const err = (
      code: 'invalid_request' | 'forbidden' | 'agent_unavailable' | 'internal' | 'rate_limited',
    ): AskReply => ({
      ok: false,
      error: { code, message: 'm' },
    });
    expect(
      [
        ok('answered'),
        ok('ended'),
        ok('queued'),
        ok('clarify'),
        ok('answered', { awaitingAnswer: true }),
        err('invalid_request'),
        err('forbidden'),
        err('agent_unavailable'),
        err('internal'),
        err('rate_limited'),
      ].map((r) => TaskState[stateOf(r)]),
    ).toEqual([
      'TASK_STATE_COMPLETED',
      'TASK_STATE_COMPLETED',
      'TASK_STATE_SUBMITTED',
      'TASK_STATE_INPUT_REQUIRED',
      'TASK_STATE_INPUT_REQUIRED',
      'TASK_STATE_REJECTED',
      'TASK_STATE_REJECTED',
      'TASK_STATE_FAILED',
      'TASK_STATE_FAILED',
      'TASK_STATE_FAILED',
    ]);
  });
});
