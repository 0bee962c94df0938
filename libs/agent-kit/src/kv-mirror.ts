import type { KV, KvEntry } from '@nats-io/kv';

/** What a mirror knows of one key: its parsed value (`null`: absent or deleted) at a revision. */
export interface MirroredEntry<T> {
  value: T | null;
  revision: number;
}

/** A read-through copy of the keys of a KV bucket that match one filter, kept by a watch. */
export interface KvMirror<T> {
  /**
   * What the mirror holds for `key`, or `undefined` when it cannot answer (still loading, the
   * watch stopped, or the stored value did not parse): the caller then reads the bucket.
   * Starts the watch on first use.
   */
  get(key: string): MirroredEntry<T> | undefined;
  /** Records a write this process made, so its own writes read back at once (read-your-writes). */
  saw(key: string, value: T | null, revision: number): void;
  /** Stops the watch for good: later reads answer nothing (the caller reads the bucket). */
  stop(): void;
}

/** A value that failed to parse: the mirror does not answer for it (the bucket read reports it). */
const UNREADABLE = Symbol('unreadable');

/**
 * Mirrors the keys of `kv` matching `filter` (a KV key with wildcards, e.g. `leave.>`): a watch
 * delivers the last value of every key, then every change, and reads are answered from memory with
 * no round trip. Reads may trail another process's write by the watch's delivery delay (about a
 * millisecond on one server), like a read replica: use the mirror for reads, and write with a
 * revision check, so that a stale read can never overwrite a newer value. Until the initial values
 * are loaded, and after the watch stops (it is restarted on the next read), `get` answers nothing.
 */
export function createKvMirror<T>(kv: KV, filter: string, parse: (value: Uint8Array) => T): KvMirror<T> {
  const entries = new Map<string, { value: T | null | typeof UNREADABLE; revision: number }>();
  let loaded = false;
  let watching = false;
  let stopped = false;
  let stopWatch: (() => void) | undefined;

  const record = (key: string, value: T | null | typeof UNREADABLE, revision: number) => {
    const known = entries.get(key);
    // A write this process made may be recorded before the watch delivers it, or a newer one.
    if (!known || known.revision < revision) entries.set(key, { value, revision });
  };

  const parsed = (e: KvEntry): T | null | typeof UNREADABLE => {
    if (e.operation !== 'PUT' || e.value.length === 0) return null;
    try {
      return parse(e.value);
    } catch {
      return UNREADABLE;
    }
  };

  const watch = async () => {
    watching = true;
    try {
      const updates = await kv.watch({ key: filter });
      stopWatch = () => updates.stop();
      if (stopped) updates.stop();
      for await (const e of updates) {
        record(e.key, parsed(e), e.revision);
        // The watch flags the last of the initial values (and every later change) as an update.
        if (e.isUpdate) loaded = true;
      }
    } catch {
      // The connection closed or the bucket went away: reads go to the bucket until a restart.
    } finally {
      loaded = false;
      watching = false;
      stopWatch = undefined;
    }
  };

  return {
    get(key) {
      if (!watching && !stopped) void watch();
      if (!loaded) return undefined;
      const e = entries.get(key);
      if (!e) return { value: null, revision: 0 };
      return e.value === UNREADABLE ? undefined : { value: e.value, revision: e.revision };
    },
    saw(key, value, revision) {
      record(key, value, revision);
    },
    stop() {
      stopped = true;
      stopWatch?.();
    },
  };
}
