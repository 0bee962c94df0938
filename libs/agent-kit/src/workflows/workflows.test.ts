import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  encodeJson,
  Names,
  type Session,
  type SwitchboardEvent,
  type WorkflowConsumer,
  workflowConsumerName,
} from '@switchboard/contracts';
import {
  createLogger,
  createSessionStore,
  ensureBuckets,
  ensureStreams,
  type SessionStore,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEventConsumer } from './event-consumer.js';
import { appendNotice } from './notice.js';

let server: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let sessions: SessionStore;
const log = createLogger({ service: 'test', level: 'silent' });

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  sessions = createSessionStore((await ensureBuckets(nc)).sessions);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

const event = (type: string, eventId: string, data: Record<string, unknown> = {}): SwitchboardEvent => ({
  eventId,
  type,
  at: new Date().toISOString(),
  data,
});
const publish = (e: SwitchboardEvent) => js.publish(`events.${e.type}`, encodeJson(e), { msgID: e.eventId });

/** Resolves when `check` holds, polling every 50 ms for up to `ms`. */
async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('startEventConsumer', () => {
  it('hands each matching event to the handler, redelivers a failed one, and drops an invalid one', async () => {
    const c: WorkflowConsumer = { agent: 'finance', flow: 'test1', filter: 'events.t1.*' };
    await publish(event('t1.before_start', 'e0'));
    const seen: string[] = [];
    let failures = 0;
    const consumer = await startEventConsumer({
      js,
      jsm,
      log,
      consumer: c,
      handle: async (e, d) => {
        if (e.eventId === 'e2' && failures === 0) {
          failures++;
          throw new Error('step failed once');
        }
        seen.push(`${e.eventId}@${d.deliveryCount}`);
      },
    });
    try {
      await js.publish('events.t1.bad', new TextEncoder().encode('{not json'));
      await publish(event('t1.one', 'e1'));
      await publish(event('t1.two', 'e2'));
      await publish(event('other.x', 'e3'));
      await until(() => seen.length >= 3);
      // Published before the consumer existed, still handled (DeliverPolicy.All); e2 on its 2nd delivery.
      expect(seen).toEqual(['e0@1', 'e1@1', 'e2@2']);
      await until(() => false, 300).catch(() => undefined);
      const info = await jsm.consumers.info(Names.eventsStream, workflowConsumerName(c));
      expect(info.num_ack_pending).toBe(0);
      expect(info.num_pending).toBe(0);
    } finally {
      await consumer.stop();
    }
  });

  it('goes on after its consumer was deleted: creates it again', async () => {
    const c: WorkflowConsumer = { agent: 'hr', flow: 'test2', filter: 'events.t2.*' };
    const seen: string[] = [];
    const consumer = await startEventConsumer({
      js,
      jsm,
      log,
      consumer: c,
      handle: async (e) => {
        seen.push(e.eventId);
      },
    });
    try {
      await publish(event('t2.a', 'f1'));
      await until(() => seen.includes('f1'));
      await jsm.consumers.delete(Names.eventsStream, workflowConsumerName(c));
      await new Promise((r) => setTimeout(r, 500));
      await publish(event('t2.b', 'f2'));
      await until(() => seen.includes('f2'), 20_000);
      expect(seen.filter((id) => id === 'f2')).toHaveLength(1);
    } finally {
      await consumer.stop();
    }
  });
});

describe('appendNotice', () => {
  const session = (id: string): Session => ({
    sessionId: id,
    agent: 'hr',
    status: 'ended',
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    turns: [{ role: 'user', text: 'hello', at: '2026-12-01T10:00:00.000Z', taskId: 't1' }],
  });

  it('appends the notice once, even to an ended session, and says when there is no session', async () => {
    await sessions.create(session('n1'));
    const notice = {
      sessionId: 'n1',
      noticeId: 'saga-x-outcome',
      text: 'Dana is onboarded.',
      data: { sagaId: 'x' },
    };
    expect(await appendNotice(sessions, notice)).toBe('appended');
    expect(await appendNotice(sessions, notice)).toBe('duplicate');
    const stored = await sessions.get('n1');
    const notices = stored?.session.turns.filter((t) => t.taskId === 'saga-x-outcome') ?? [];
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      role: 'agent',
      text: 'Dana is onboarded.',
      data: { notice: true, sagaId: 'x' },
    });
    expect(await appendNotice(sessions, { ...notice, sessionId: 'missing' })).toBe('no_session');
  });

  it('keeps every notice when several are written at once', async () => {
    await sessions.create(session('n2'));
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const results = await Promise.all(
      ids.map((id) => appendNotice(sessions, { sessionId: 'n2', noticeId: `notice-${id}`, text: id })),
    );
    expect(results).toEqual(ids.map(() => 'appended'));
    const stored = await sessions.get('n2');
    expect(stored?.session.turns.map((t) => t.taskId).sort()).toEqual([
      'notice-a',
      'notice-b',
      'notice-c',
      'notice-d',
      'notice-e',
      't1',
    ]);
  });
});

describe('failpoint', () => {
  // The built module (`npm test` builds first), run in a child process that it may kill.
  const module = fileURLToPath(new URL('../../dist/workflows/failpoint.js', import.meta.url));
  const script = `const { failpoint } = await import(${JSON.stringify(module)}); failpoint('other'); console.log('passed other'); failpoint('here'); console.log('not reached');`;
  const run = (env: string | undefined) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, SWITCHBOARD_FAILPOINTS: env ?? '' },
      encoding: 'utf8',
    });

  it('kills the process at an armed point, and only there', () => {
    const armed = run('here, elsewhere');
    expect(armed.signal).toBe('SIGKILL');
    expect(armed.stdout).toContain('passed other');
    expect(armed.stdout).not.toContain('not reached');
    const unarmed = run(undefined);
    expect(unarmed.status).toBe(0);
    expect(unarmed.stdout).toContain('not reached');
  });
});
