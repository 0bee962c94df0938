// The A2A task store over the `a2a_tasks` bucket of a real nats-server: tasks scoped to their
// caller (tenant and user), listed with the SDK's own filters, any id safe as a key; contexts kept;
// a queued task settled from its session; the reply subjects and interface URLs the binding accepts.
import { type Task, TaskState } from '@a2a-js/sdk';
import { ServerCallContext, type User } from '@a2a-js/sdk/server';
import type { KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Names, type Session } from '@switchboard/contracts';
import { a2aTasksBucketConfig, ensureBucket, listKeys } from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReplyToSubject } from './durable-inbox.js';
import { subjectOfUrl } from './nats-client-transport.js';
import { settleQueued } from './settle-queued.js';
import { KvTaskStore, kvContextSessions } from './task-store.js';

let server: NatsServer;
let nc: NatsConnection;
let kv: KV;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  kv = await ensureBucket(nc, { name: Names.a2aTasksBucket, config: a2aTasksBucketConfig() });
}, 30_000);
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

const as = (name: string, tenant?: string) =>
  new ServerCallContext({
    user: { isAuthenticated: true, userName: name } as User,
    ...(tenant ? { tenant } : {}),
  });

function task(
  id: string,
  state: TaskState,
  contextId = 'ctx-1',
  metadata: Record<string, unknown> = {},
): Task {
  return {
    id,
    contextId,
    status: { state, timestamp: new Date().toISOString(), message: undefined },
    artifacts: [],
    history: [],
    metadata,
  };
}

describe('KvTaskStore', () => {
  it('keeps a task for its caller only, under any id, and lists with the SDK filters', async () => {
    const store = new KvTaskStore(kv);
    const odd = 'a.b>*c d/../\u0000é';
    await store.save(task('t-1', TaskState.TASK_STATE_COMPLETED), as('alice'));
    await store.save(task(odd, TaskState.TASK_STATE_INPUT_REQUIRED, 'ctx-2'), as('alice'));
    expect((await store.load('t-1', as('alice')))?.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect((await store.load(odd, as('alice')))?.id).toBe(odd);
    expect(await store.load('t-1', as('bob'))).toBeUndefined();
    expect(await store.load('t-1', as('alice', 'other-tenant'))).toBeUndefined();
    expect(await store.load('missing', as('alice'))).toBeUndefined();
    // Every key is made of hashes: nothing a caller chose shows in it.
    for (const k of await listKeys(kv)) expect(k).toMatch(/^[tc]\.[A-Za-z0-9_-]{43}(\.[A-Za-z0-9_-]{43})?$/);

    const all = await store.list(
      {
        tenant: '',
        contextId: '',
        status: 0,
        pageSize: 10,
        pageToken: '',
        historyLength: undefined,
        statusTimestampAfter: undefined,
        includeArtifacts: false,
      },
      as('alice'),
    );
    expect(all.tasks.map((t) => t.id).sort()).toEqual([odd, 't-1'].sort());
    const inCtx = await store.list(
      {
        tenant: '',
        contextId: 'ctx-2',
        status: 0,
        pageSize: 10,
        pageToken: '',
        historyLength: undefined,
        statusTimestampAfter: undefined,
        includeArtifacts: false,
      },
      as('alice'),
    );
    expect(inCtx.tasks.map((t) => t.id)).toEqual([odd]);
    const bobs = await store.list(
      {
        tenant: '',
        contextId: '',
        status: 0,
        pageSize: 10,
        pageToken: '',
        historyLength: undefined,
        statusTimestampAfter: undefined,
        includeArtifacts: false,
      },
      as('bob'),
    );
    expect(bobs.tasks).toEqual([]);
  });

  it('keeps contexts: a key to its session', async () => {
    const contexts = kvContextSessions(kv);
    expect(await contexts.get('alice ctx-9')).toBeUndefined();
    await contexts.set('alice ctx-9', 'sess-9');
    expect(await contexts.get('alice ctx-9')).toBe('sess-9');
    expect(await contexts.get('bob ctx-9')).toBeUndefined();
  });

  it('settles a queued task once its answer is in the session, and saves it so', async () => {
    const at = new Date().toISOString();
    const session = (turns: Session['turns']) =>
      ({
        stored: {
          session: { sessionId: 's1', agent: 'hr', status: 'open', createdAt: at, updatedAt: at, turns },
        },
      }) as const;
    let current = session([{ role: 'user', text: 'how many days?', at, taskId: 'sb-1' }]);
    const store = new KvTaskStore(
      kv,
      settleQueued(async () => ({ ...current.stored, revision: 1 })),
    );
    const queued = task('q-1', TaskState.TASK_STATE_SUBMITTED, 'ctx-q', {
      switchboard: { sessionId: 's1', agent: 'hr', status: 'queued', taskId: 'sb-1' },
    });
    await store.save(queued, as('alice'));
    expect((await store.load('q-1', as('alice')))?.status?.state).toBe(TaskState.TASK_STATE_SUBMITTED);
    current = session([
      { role: 'user', text: 'how many days?', at, taskId: 'sb-1' },
      { role: 'agent', text: 'You have 18 days.', at, taskId: 'sb-1', status: 'answered' },
    ]);
    const settled = await store.load('q-1', as('alice'));
    expect(settled?.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(settled?.artifacts[0]?.parts[0]?.content).toEqual({ $case: 'text', value: 'You have 18 days.' });
    expect(settled?.metadata?.switchboard).toMatchObject({ status: 'answered', agent: 'hr' });
    // Saved so: read without the settling step, it is completed too.
    expect((await new KvTaskStore(kv).load('q-1', as('alice')))?.status?.state).toBe(
      TaskState.TASK_STATE_COMPLETED,
    );
  });
});

describe('what the NATS binding accepts', () => {
  it('answers durable requests only to an inbox or under a2a.replies.', () => {
    expect(isReplyToSubject('_INBOX.client-alice.abc')).toBe(true);
    expect(isReplyToSubject('a2a.replies.client-alice.x1')).toBe(true);
    for (const bad of [
      undefined,
      '',
      'a2a.replies.',
      'a2a.replies.>',
      'a2a.replies.a.*',
      'tasks.hr',
      'agents.ask',
    ])
      expect(isReplyToSubject(bad), String(bad)).toBe(false);
  });

  it("takes the subject from a card's NATS interface URL, and refuses a URL without one", () => {
    expect(subjectOfUrl('nats://127.0.0.1:4222/a2a.hr')).toBe('a2a.hr');
    expect(() => subjectOfUrl('nats://127.0.0.1:4222/')).toThrow(TypeError);
    expect(() => subjectOfUrl('nats://127.0.0.1:4222/a2a.*')).toThrow(TypeError);
  });
});
