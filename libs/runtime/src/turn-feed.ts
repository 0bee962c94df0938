import { Kvm, type KvWatchEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { decodeJson, Names, parseWith, Session, type Turn, type TurnRecorded } from '@switchboard/contracts';

/**
 * The turns that one revision of a session holds and a reader has not seen yet: every agent turn
 * with a task id after the one whose task id is `after` (all of them when `after` is undefined, or
 * when the cap on a session's turns has dropped that turn, since everything still held is then
 * newer). A session write appends one task's turns at the end, so a reader that saw every revision
 * gets one turn per revision, and one that skipped revisions gets each turn it missed, in order.
 */
export function recordedTurns(session: Session, revision: number, after?: string): TurnRecorded[] {
  const { turns } = session;
  let start = 0;
  if (after !== undefined) {
    const seen = turns.findLastIndex((t) => t.role === 'agent' && t.taskId === after);
    start = seen + 1;
  }
  const out: TurnRecorded[] = [];
  for (let i = start; i < turns.length; i++) {
    const answer = turns[i] as Turn;
    if (answer.role !== 'agent' || answer.taskId === undefined) continue;
    const taskId = answer.taskId;
    const question = turns.findLast((t, j) => j < i && t.role === 'user' && t.taskId === taskId);
    out.push({
      sessionId: session.sessionId,
      agent: session.agent,
      ...(session.userId ? { userId: session.userId } : {}),
      taskId,
      status: answer.status ?? 'answered',
      opened: session.openedBy === taskId,
      turns: question ? [question, answer] : [answer],
      revision,
      at: answer.at,
    });
  }
  return out;
}

/** What {@link watchTurns} does with what it reads. */
export interface WatchTurnsOptions {
  /** Called once per turn, in the order the feed holds them. A throw ends the watch (`closed` rejects). */
  onTurn(turn: TurnRecorded): void;
  /** A revision that is not a valid session record: skipped, and reported here. */
  onInvalid?(sessionId: string, revision: number, err: unknown): void;
}

/** A running {@link watchTurns}. */
export interface TurnWatch {
  /**
   * Resolves once every session revision the bucket held when the watch started has been read and
   * its turns passed to `onTurn`, except revisions written over meanwhile: their newer revision,
   * which holds the same turns, follows as a change. Rejects if the watch ends first.
   */
  caughtUp: Promise<void>;
  /** Settles when the watch ends: `stop()`, the connection closed, or a throw of `onTurn`. */
  closed: Promise<void>;
  stop(): void;
}

/** How often forgotten sessions are swept from memory, at most. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

/**
 * Follows the turns of every session through the change feed of the `sessions` bucket (its stream
 * `KV_sessions`): each session write is a message there, and each agent turn it adds becomes one
 * {@link TurnRecorded}. The bucket keeps one revision per session, so the watch starts with the
 * latest revision of every session (which holds all its turns, up to the cap on turns) and then
 * reads each write as it happens. Within one watch every turn is passed once, in order per session;
 * a new watch reads the bucket again from the start, so a reader that must handle each turn once
 * across restarts keeps the task ids it has handled (`taskId` is unique per turn).
 *
 * Per open session the watch remembers the task id of its last turn: a session is forgotten when it
 * ends, when it is deleted, and when it has not been written for longer than the bucket keeps it.
 */
export async function watchTurns(nc: NatsConnection, opts: WatchTurnsOptions): Promise<TurnWatch> {
  const kv = await new Kvm(nc).open(Names.sessionsBucket);
  // The latest revision of every key, then every change (an ordered consumer on KV_sessions).
  const updates = await kv.watch({ key: '>' });
  // Read after the watch started. The starting revisions come in stream order, so the watch has
  // read them once it reaches the stream's last sequence: that message, or a newer revision of its
  // key, is sure to come. (The watch's own `isUpdate` flag comes after as many messages as were
  // pending when it started, a count that a message removed meanwhile leaves unreached.)
  const { streamInfo, ttl } = await kv.status().catch((err: unknown) => {
    updates.stop();
    throw err;
  });
  const { messages, last_seq: startSeq } = streamInfo.state;
  const last = new Map<string, { taskId: string; atMs: number }>();
  let swept = Date.now();

  const sweep = (now: number) => {
    swept = now;
    for (const [id, s] of last) if (now - s.atMs > ttl) last.delete(id);
  };

  const read = (e: KvWatchEntry) => {
    if (e.operation !== 'PUT' || e.value.length === 0) {
      last.delete(e.key);
      return;
    }
    let session: Session;
    try {
      session = parseWith(Session, decodeJson(e.value, 'session'), 'session');
    } catch (err) {
      opts.onInvalid?.(e.key, e.revision, err);
      return;
    }
    const turns = recordedTurns(session, e.revision, last.get(session.sessionId)?.taskId);
    for (const t of turns) opts.onTurn(t);
    const newest = turns.at(-1);
    // An ended session is written no more (a later task is refused): nothing to remember.
    if (session.status === 'ended') last.delete(session.sessionId);
    else if (newest) last.set(session.sessionId, { taskId: newest.taskId, atMs: Date.parse(newest.at) });
    const now = Date.now();
    if (ttl > 0 && now - swept > SWEEP_EVERY_MS) sweep(now);
  };

  let markCaughtUp = () => {};
  let failCaughtUp = (_err: Error) => {};
  const caughtUp = new Promise<void>((resolve, reject) => {
    markCaughtUp = resolve;
    failCaughtUp = reject;
  });
  if (messages === 0) markCaughtUp();

  const closed = (async () => {
    try {
      for await (const e of updates) {
        read(e);
        if (e.revision >= startSeq) markCaughtUp();
      }
    } finally {
      updates.stop();
      failCaughtUp(new Error('the turn watch ended before it caught up'));
    }
  })();
  // A caller that never awaits these must not get an unhandled rejection: the watch is just over.
  caughtUp.catch(() => undefined);
  closed.catch(() => undefined);
  return { caughtUp, closed, stop: () => updates.stop() };
}

/**
 * Every turn the `sessions` bucket holds now (the latest revision of each session): a
 * {@link watchTurns} read until it caught up, then stopped.
 */
export async function readTurns(nc: NatsConnection): Promise<TurnRecorded[]> {
  const out: TurnRecorded[] = [];
  const watch = await watchTurns(nc, { onTurn: (t) => out.push(t) });
  try {
    await watch.caughtUp;
  } finally {
    watch.stop();
  }
  await watch.closed;
  return out;
}
