import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Limits, Names, type Session, type Turn, type TurnRecorded } from '@switchboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuckets } from './provision.js';
import { capTurns, createSessionStore, type SessionStore } from './sessions.js';
import { type NatsServer, startNatsServer } from './testing/index.js';
import { readTurns, recordedTurns, type TurnWatch, watchTurns } from './turn-feed.js';

const at = (n: number) => new Date(Date.UTC(2026, 10, 21, 10, 0, n)).toISOString();
const question = (taskId: string, n: number): Turn => ({
  role: 'user',
  text: `q ${taskId}`,
  at: at(n),
  taskId,
});
const answer = (taskId: string, n: number, status: 'answered' | 'ended' = 'answered'): Turn => ({
  role: 'agent',
  text: `a ${taskId}`,
  at: at(n),
  taskId,
  status,
  data: {},
});
/** The two turns of task `t<i>`, answered at second `2i + 1`. */
const exchange = (i: number, status?: 'answered' | 'ended'): Turn[] => [
  question(`t${i}`, 2 * i),
  answer(`t${i}`, 2 * i + 1, status),
];
const session = (id: string, turns: Turn[], over: Partial<Session> = {}): Session => ({
  sessionId: id,
  agent: 'hr',
  status: 'open',
  userId: 'alice',
  createdAt: at(0),
  updatedAt: at(turns.length),
  turns,
  ...over,
});

describe('recordedTurns', () => {
  it('gives each answered task once, with its question, after the last turn the reader saw', () => {
    const s = session('s1', [...exchange(0), ...exchange(1), ...exchange(2)], { openedBy: 't0' });
    const all = recordedTurns(s, 9);
    expect(all.map((t) => t.taskId)).toEqual(['t0', 't1', 't2']);
    expect(all[0]).toEqual({
      sessionId: 's1',
      agent: 'hr',
      userId: 'alice',
      taskId: 't0',
      status: 'answered',
      opened: true,
      turns: exchange(0),
      revision: 9,
      at: at(1),
    });
    expect(all.map((t) => t.opened)).toEqual([true, false, false]);
    expect(recordedTurns(s, 9, 't1').map((t) => t.taskId)).toEqual(['t2']);
    expect(recordedTurns(s, 9, 't2')).toEqual([]);
  });

  it('says ended for the turn that closed the session', () => {
    const s = session('s1', [...exchange(0), ...exchange(1, 'ended')], { status: 'ended' });
    expect(recordedTurns(s, 3, 't0').map((t) => [t.taskId, t.status, t.opened])).toEqual([
      ['t1', 'ended', false],
    ]);
  });

  it('gives every turn held when the cap dropped the last one the reader saw', () => {
    const turns = capTurns(
      Array.from({ length: Limits.maxSessionTurns / 2 + 3 }, (_, i) => exchange(i)).flat(),
    );
    const s = session('s1', turns, { openedBy: 't0' });
    const got = recordedTurns(s, 60, 't1');
    expect(got.map((t) => t.taskId)).toEqual(turns.filter((t) => t.role === 'agent').map((t) => t.taskId));
    expect(got[0]?.taskId).toBe('t3');
    expect(got.some((t) => t.opened)).toBe(false);
  });

  it('gives the answer alone when its question was dropped, and skips turns without a task', () => {
    const s = session('s1', [
      answer('t0', 1),
      { role: 'agent', text: 'no task', at: at(2) },
      question('t1', 3),
      answer('t1', 4),
    ]);
    const got = recordedTurns(s, 5);
    expect(got.map((t) => t.turns.length)).toEqual([1, 2]);
    expect(got.map((t) => t.taskId)).toEqual(['t0', 't1']);
  });

  it('gives nothing for a session the router stored for a queued task, until it is answered', () => {
    const queued = session('s1', [question('t0', 0)]);
    expect(recordedTurns(queued, 1)).toEqual([]);
    const answered = recordedTurns(session('s1', [question('t0', 0), answer('t0', 1)]), 2);
    expect(answered).toMatchObject([
      { taskId: 't0', opened: false, turns: [question('t0', 0), answer('t0', 1)] },
    ]);
  });
});

describe('watchTurns', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let store: SessionStore;
  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    store = createSessionStore((await ensureBuckets(nc)).sessions);
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  /** A watch that collects what it reads. */
  async function collect(): Promise<{ watch: TurnWatch; turns: TurnRecorded[]; invalid: string[] }> {
    const turns: TurnRecorded[] = [];
    const invalid: string[] = [];
    const watch = await watchTurns(nc, {
      onTurn: (t) => turns.push(t),
      onInvalid: (id, revision) => invalid.push(`${id}@${revision}`),
    });
    return { watch, turns, invalid };
  }

  async function until(what: string, ok: () => boolean, timeoutMs = 5000) {
    const end = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('reads every turn once as it is written, then a late reader finds them all in the latest revisions', async () => {
    const live = await collect();
    await live.watch.caughtUp; // an empty bucket: at once
    const revs: number[] = [];
    revs.push(await store.create(session('a', exchange(0), { openedBy: 't0' })));
    revs.push(
      await store.update(session('a', [...exchange(0), ...exchange(1)], { openedBy: 't0' }), revs[0]!),
    );
    // A queued task's session, stored by the router: no turn yet; then its answer.
    const q = await store.create(session('b', [question('u0', 0)]));
    revs.push(await store.update(session('b', [question('u0', 0), answer('u0', 1)]), q));
    const ended = session('a', [...exchange(0), ...exchange(1), ...exchange(2, 'ended')], {
      openedBy: 't0',
      status: 'ended',
    });
    revs.push(await store.update(ended, revs[1]!));
    await until('4 turns', () => live.turns.length === 4);
    const byTask = (list: TurnRecorded[]) => list.map((t) => [t.sessionId, t.taskId, t.status, t.opened]);
    expect(byTask(live.turns)).toEqual([
      ['a', 't0', 'answered', true],
      ['a', 't1', 'answered', false],
      ['b', 'u0', 'answered', false],
      ['a', 't2', 'ended', false],
    ]);
    // Live, each turn carries the revision that wrote it.
    expect(live.turns.map((t) => t.revision)).toEqual(revs);
    expect(live.turns.every((t) => t.userId === 'alice' && t.agent === 'hr')).toBe(true);

    const late = await collect();
    await late.watch.caughtUp;
    late.watch.stop();
    await late.watch.closed;
    // One revision per session is kept: the latest, which holds every turn.
    expect(byTask(late.turns).sort()).toEqual(
      [
        ['a', 't0', 'answered', true],
        ['a', 't1', 'answered', false],
        ['a', 't2', 'ended', false],
        ['b', 'u0', 'answered', false],
      ].sort(),
    );
    expect(late.turns.filter((t) => t.sessionId === 'a').map((t) => t.revision)).toEqual([
      revs[3],
      revs[3],
      revs[3],
    ]);
    // The same, read in one call.
    expect(await readTurns(nc)).toEqual(late.turns);

    // Nothing more is read twice by the live watch.
    await new Promise((r) => setTimeout(r, 200));
    expect(live.turns).toHaveLength(4);
    live.watch.stop();
    await live.watch.closed;
  });

  it('gives every turn once, in order, while many sessions are written at once', async () => {
    const w = await collect();
    await w.watch.caughtUp;
    const sessions = 20;
    const tasks = 10;
    const id = (i: number) => `many-${i}`;
    // Each session's writes in turn (revision checks), the sessions at once. A reader that falls
    // behind is not sent revisions already replaced (docs/jetstream.md): the next one holds the turns.
    await Promise.all(
      Array.from({ length: sessions }, async (_, i) => {
        let turns = exchange(0);
        let rev = await store.create(session(id(i), turns, { openedBy: 't0' }));
        for (let k = 1; k < tasks; k++) {
          turns = [...turns, ...exchange(k)];
          rev = await store.update(session(id(i), turns, { openedBy: 't0' }), rev);
        }
      }),
    );
    const mine = () => w.turns.filter((t) => t.sessionId.startsWith('many-'));
    await until('every turn', () => mine().length >= sessions * tasks);
    await new Promise((r) => setTimeout(r, 200));
    expect(mine()).toHaveLength(sessions * tasks);
    for (let i = 0; i < sessions; i++) {
      const list = mine().filter((t) => t.sessionId === id(i));
      expect(list.map((t) => t.taskId)).toEqual(Array.from({ length: tasks }, (_, k) => `t${k}`));
      expect(list.map((t) => t.opened)).toEqual(Array.from({ length: tasks }, (_, k) => k === 0));
      const revisions = list.map((t) => t.revision);
      expect([...revisions].sort((x, y) => x - y)).toEqual(revisions);
    }
    w.watch.stop();
    await w.watch.closed;
  });

  it('reports a revision that is not a session, forgets a deleted session, and stops', async () => {
    const w = await collect();
    await w.watch.caughtUp;
    const kv = await new Kvm(nc).open(Names.sessionsBucket);
    const bad = await kv.put('junk', new TextEncoder().encode('{"not":"a session"}'));
    const first = await store.create(session('c', exchange(0)));
    await kv.delete('c');
    // Written again after the delete: its turns are new to the watch.
    await store.create(session('c', exchange(5)));
    await until('two turns of c', () => w.turns.filter((t) => t.sessionId === 'c').length === 2);
    expect(w.invalid).toEqual([`junk@${bad}`]);
    expect(w.turns.filter((t) => t.sessionId === 'c').map((t) => [t.taskId, t.revision > first])).toEqual([
      ['t0', false],
      ['t5', true],
    ]);
    w.watch.stop();
    await expect(w.watch.closed).resolves.toBeUndefined();
  });

  it('ends with a rejection when the reader throws', async () => {
    const watch = await watchTurns(nc, {
      onTurn: () => {
        throw new Error('reader failed');
      },
    });
    await expect(watch.closed).rejects.toThrow('reader failed');
  });
});
