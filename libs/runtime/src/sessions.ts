import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { decodeJson, encodeJson, Limits, parseWith, Session, type Turn } from '@switchboard/contracts';
import { defaultIsFailure, type Guard } from './breaker.js';

/** A session as stored, with the KV revision to update it against. */
export interface StoredSession {
  session: Session;
  revision: number;
}

/** A write lost a race with another writer of the same session: re-read and try again. */
export class SessionConflictError extends Error {
  constructor(sessionId: string, cause?: unknown) {
    super(`session ${sessionId} changed concurrently`, { cause });
    this.name = 'SessionConflictError';
  }
}

/** True when a KV create/update lost a revision check: the key exists, or another writer moved it on. */
export function isRevisionConflict(err: unknown): boolean {
  if (err instanceof JetStreamApiError) {
    return (
      err.code === JetStreamApiCodes.StreamWrongLastSequence ||
      err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown
    );
  }
  return err instanceof Error && /wrong last sequence|key exists/i.test(err.message);
}

/** Keeps the newest `Limits.maxSessionTurns` turns. */
export function capTurns(turns: Turn[]): Turn[] {
  return turns.length > Limits.maxSessionTurns ? turns.slice(turns.length - Limits.maxSessionTurns) : turns;
}

/** Reads and writes session records in the `sessions` bucket, with revision checks on every write. */
export function createSessionStore(kv: KV) {
  return {
    async get(sessionId: string): Promise<StoredSession | null> {
      const e = await kv.get(sessionId);
      if (e?.operation !== 'PUT' || e.value.length === 0) return null;
      return { session: parseWith(Session, decodeJson(e.value, 'session'), 'session'), revision: e.revision };
    },
    /** Creates the record; throws {@link SessionConflictError} when it exists already. */
    async create(session: Session): Promise<number> {
      try {
        return await kv.create(session.sessionId, encodeJson(session));
      } catch (err) {
        if (isRevisionConflict(err)) throw new SessionConflictError(session.sessionId, err);
        throw err;
      }
    },
    /** Replaces the record if it is still at `revision`; throws {@link SessionConflictError} otherwise. */
    async update(session: Session, revision: number): Promise<number> {
      try {
        return await kv.update(
          session.sessionId,
          encodeJson({ ...session, turns: capTurns(session.turns) }),
          revision,
        );
      } catch (err) {
        if (isRevisionConflict(err)) throw new SessionConflictError(session.sessionId, err);
        throw err;
      }
    },
  };
}
export type SessionStore = ReturnType<typeof createSessionStore>;

/**
 * Failure test of a guard in front of JetStream that also carries session writes: a lost revision
 * race ({@link SessionConflictError}) is the store working, not failing, so it does not count.
 */
export function isJetStreamFailure(err: Error): boolean {
  return !(err instanceof SessionConflictError) && defaultIsFailure(err);
}

/**
 * The same store with every read and write behind `guard` (the service's `jetstream` breaker,
 * created with {@link isJetStreamFailure}): while it is open, calls fail at once with
 * `agent_unavailable` instead of each waiting out its timeout.
 */
export function guardSessionStore(store: SessionStore, guard: Guard): SessionStore {
  return {
    get: (sessionId) => guard.execute(() => store.get(sessionId)),
    create: (session) => guard.execute(() => store.create(session)),
    update: (session, revision) => guard.execute(() => store.update(session, revision)),
  };
}
