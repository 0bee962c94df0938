import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Names } from '@switchboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAgentConsumer, ensureBuckets, ensureStreams, streamConfigs } from './provision.js';
import { createSessionStore, SessionConflictError } from './sessions.js';
import { type NatsServer, startNatsServer } from './testing/index.js';

let server: NatsServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('provisioning against a real nats-server', () => {
  it('creates streams, buckets and the agent consumer, and is idempotent', async () => {
    const jsm = await jetstreamManager(nc);
    await Promise.all([ensureStreams(jsm), ensureStreams(jsm)]);
    await ensureStreams(jsm);
    const names: string[] = [];
    for await (const s of jsm.streams.list()) names.push(s.config.name);
    expect(names).toEqual(
      expect.arrayContaining([Names.tasksStream, Names.eventsStream, Names.deadLetterStream]),
    );
    await ensureBuckets(nc);
    await ensureBuckets(nc);
    await ensureAgentConsumer(jsm, 'hr');
    await ensureAgentConsumer(jsm, 'hr', { maxDeliver: 7 });
    const ci = await jsm.consumers.info(Names.tasksStream, 'agent-hr');
    expect(ci.config.filter_subject).toBe('tasks.hr');
    expect(ci.config.max_deliver).toBe(7);
  });

  it('never captures a request subject', async () => {
    for (const cfg of streamConfigs()) {
      for (const s of cfg.subjects ?? []) expect(s).not.toMatch(/^(agents\.|_INBOX|>)/);
    }
    const jsm = await jetstreamManager(nc);
    for await (const s of jsm.streams.list()) {
      for (const subj of s.config.subjects ?? []) expect(subj).not.toMatch(/^(agents\.|_INBOX|>)/);
    }
  });
});

describe('session store', () => {
  const at = new Date().toISOString();
  it('creates once, updates against the revision, and reports races as conflicts', async () => {
    const { sessions } = await ensureBuckets(nc);
    const store = createSessionStore(sessions);
    const s = {
      sessionId: 'sess-1',
      agent: 'hr',
      status: 'open' as const,
      createdAt: at,
      updatedAt: at,
      turns: [],
    };
    const rev = await store.create(s);
    await expect(store.create(s)).rejects.toBeInstanceOf(SessionConflictError);
    const got = await store.get('sess-1');
    expect(got?.revision).toBe(rev);
    await store.update({ ...s, status: 'ended' }, rev);
    await expect(store.update({ ...s, status: 'open' }, rev)).rejects.toBeInstanceOf(SessionConflictError);
    expect((await store.get('sess-1'))?.session.status).toBe('ended');
    expect(await store.get('missing')).toBeNull();
  });
  it('caps history, dropping the oldest turns', async () => {
    const { sessions } = await ensureBuckets(nc);
    const store = createSessionStore(sessions);
    const turns = Array.from({ length: 60 }, (_, i) => ({ role: 'user' as const, text: `t${i}`, at }));
    const s = {
      sessionId: 'sess-2',
      agent: 'hr',
      status: 'open' as const,
      createdAt: at,
      updatedAt: at,
      turns: [],
    };
    const rev = await store.create(s);
    await store.update({ ...s, turns }, rev);
    const got = await store.get('sess-2');
    expect(got?.session.turns).toHaveLength(50);
    expect(got?.session.turns[0]?.text).toBe('t10');
  });
});
