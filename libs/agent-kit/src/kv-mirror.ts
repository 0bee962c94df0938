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
  /**
   * Forgets everything and stops the watch; the next read starts a new one. For a bucket that was
   * deleted and created again: its revisions start over, and a watch of the old stream is stuck.
   */
  reset(): void;
}

/** A value that failed to parse: the mirror does not answer for it (the bucket read reports it). */
const UNREADABLE = Symbol('unreadable');

/** A key's value as the mirror holds it: parsed, absent or deleted (`null`), or unreadable. */
type Held<T> = T | null | typeof UNREADABLE;

/**
 * Mirrors the keys of `kv` matching `filter` (a KV key with wildcards, e.g. `leave.>`): a watch
 * delivers the last value of every key, then every change, and reads are answered from memory with
 * no round trip. Reads may trail another process's write by the watch's delivery delay (about a
 * millisecond on one server), like a read replica: use the mirror for reads, and write with a
 * revision check, so that a stale read can never overwrite a newer value. Until the initial values
 * are loaded, and after the watch stops (it is restarted on the next read), `get` answers nothing.
 */
export function createKvMirror<T>(kv: KV, filter: string, parse: (value: Uint8Array) => T): KvMirror<T> {
  return new WatchedMirror(kv, filter, parse);
}

class WatchedMirror<T> implements KvMirror<T> {
  private readonly entries = new Map<string, { value: Held<T>; revision: number }>();
  /** The initial values are in, so a key the mirror does not hold is known to be absent. */
  private loaded = false;
  /** A watch is running (or being set up): reads do not start another. */
  private watching = false;
  /** Stopped for good: reads no longer restart the watch. */
  private stopped = false;
  private stopWatch: (() => void) | undefined;
  /** Counts resets: a watch of an earlier generation no longer touches the state. */
  private generation = 0;

  constructor(
    private readonly kv: KV,
    private readonly filter: string,
    private readonly parse: (value: Uint8Array) => T,
  ) {}

  get(key: string): MirroredEntry<T> | undefined {
    if (!this.watching && !this.stopped) void this.watch();
    if (!this.loaded) return undefined;
    const e = this.entries.get(key);
    if (!e) return { value: null, revision: 0 };
    return e.value === UNREADABLE ? undefined : { value: e.value, revision: e.revision };
  }

  saw(key: string, value: T | null, revision: number): void {
    this.record(key, value, revision);
  }

  stop(): void {
    this.stopped = true;
    this.stopWatch?.();
  }

  reset(): void {
    this.generation++;
    const stopWatch = this.stopWatch;
    this.stopWatch = undefined;
    this.entries.clear();
    this.loaded = false;
    this.watching = false;
    stopWatch?.();
  }

  private record(key: string, value: Held<T>, revision: number): void {
    const known = this.entries.get(key);
    // A write this process made may be recorded before the watch delivers it, or a newer one.
    if (!known || known.revision < revision) this.entries.set(key, { value, revision });
  }

  /** Follows the watch until it ends; the next read then starts a new one. */
  private async watch(): Promise<void> {
    const generation = this.generation;
    const current = () => generation === this.generation;
    this.watching = true;
    try {
      const updates = await this.kv.watch({ key: this.filter });
      // `stop()` or `reset()` may have come while the watch was being set up.
      if (this.stopped || !current()) {
        updates.stop();
        return;
      }
      this.stopWatch = () => updates.stop();
      for await (const e of updates) {
        if (!current()) break;
        this.record(e.key, this.held(e), e.revision);
        // The watch flags the last of the initial values (and every later change) as an update.
        if (e.isUpdate) this.loaded = true;
      }
    } catch {
      // The connection closed or the bucket went away: reads go to the bucket until a restart.
    } finally {
      if (current()) {
        this.loaded = false;
        this.watching = false;
        this.stopWatch = undefined;
      }
    }
  }

  private held(e: KvEntry): Held<T> {
    if (e.operation !== 'PUT' || e.value.length === 0) return null;
    try {
      return this.parse(e.value);
    } catch {
      return UNREADABLE;
    }
  }
}
