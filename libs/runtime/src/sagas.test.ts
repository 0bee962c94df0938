import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Saga } from '@switchboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuckets } from './provision.js';
import { createSagaStore, readSagaFor, type SagaStore, workflowAckWaitMs } from './sagas.js';
import { type NatsServer, startNatsServer } from './testing/index.js';

let server: NatsServer;
let nc: NatsConnection;
let store: SagaStore;
beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  store = createSagaStore((await ensureBuckets(nc)).sagas);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

const saga = (sagaId: string): Saga => {
  const at = new Date().toISOString();
  return {
    sagaId,
    flow: 'onboarding',
    status: 'started',
    requester: 'bob',
    sessionId: 'session-1',
    taskId: 'task-1',
    subject: {
      employeeId: 'dana-reyes',
      name: 'Dana Reyes',
      department: 'marketing',
      startDate: '2027-01-04',
    },
    steps: [{ step: 'employee_created', event: 'hr.employee_created', at, by: 'hr-agent' }],
    startedAt: at,
    updatedAt: at,
  };
};

describe('saga store', () => {
  it('creates a saga once', async () => {
    expect(await store.create(saga('onb-create'))).toBe(true);
    expect(await store.create({ ...saga('onb-create'), requester: 'mallory' })).toBe(false);
    expect((await store.get('onb-create'))?.saga.requester).toBe('bob');
  });

  it('records each step once, even when many writers race', async () => {
    await store.create(saga('onb-race'));
    const at = new Date().toISOString();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.recordStep(
          'onb-race',
          { step: i % 2 ? 'funded' : 'completed', at, by: `writer-${i}` },
          i % 2 ? {} : { status: 'completed', endedAt: at },
        ),
      ),
    );
    expect(outcomes.filter((o) => o.recorded)).toHaveLength(2);
    const stored = (await store.get('onb-race'))!.saga;
    expect(stored.steps.map((s) => s.step).sort()).toEqual(['completed', 'employee_created', 'funded']);
    expect(stored.status).toBe('completed');
    expect(stored.endedAt).toBe(at);
  });

  it('refuses a step for a saga that does not exist', async () => {
    await expect(
      store.recordStep('onb-missing', { step: 'funded', at: new Date().toISOString(), by: 'x' }),
    ).rejects.toMatchObject({ code: 'internal' });
  });
});

describe('reading a saga for a caller', () => {
  it('gives the saga to its requester, and to anyone in open mode', async () => {
    await store.create(saga('onb-read'));
    expect((await readSagaFor(store, 'onb-read', { userId: 'bob', verified: true })).sagaId).toBe('onb-read');
    expect((await readSagaFor(store, 'onb-read', undefined)).requester).toBe('bob');
    expect((await readSagaFor(store, 'onb-read', { userId: 'alice', verified: false })).sagaId).toBe(
      'onb-read',
    );
  });

  it('refuses another verified user (forbidden), an unknown id (unknown_saga) and an unsafe id', async () => {
    await expect(readSagaFor(store, 'onb-read', { userId: 'alice', verified: true })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(readSagaFor(store, 'onb-nope', undefined)).rejects.toMatchObject({ code: 'unknown_saga' });
    for (const bad of ['a.b', '*', '', 'x'.repeat(65), 42]) {
      await expect(readSagaFor(store, bad, undefined)).rejects.toMatchObject({ code: 'invalid_request' });
    }
  });
});

describe('workflow ack wait', () => {
  it('defaults to 30 s and takes a valid setting', () => {
    expect(workflowAckWaitMs({})).toBe(30_000);
    expect(workflowAckWaitMs({ AGENT_WORKFLOW_ACK_WAIT_MS: '1500' })).toBe(1500);
    expect(() => workflowAckWaitMs({ AGENT_WORKFLOW_ACK_WAIT_MS: '10' })).toThrow(/1000-600000/);
  });
});
