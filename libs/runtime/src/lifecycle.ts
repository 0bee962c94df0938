import type { Logger } from './logger.js';

/** Something that can stop taking work and finish what it holds. */
export interface Stoppable {
  stop(): Promise<void>;
}

/** Settings of {@link onShutdownSignal}. */
export interface ShutdownOptions {
  /**
   * The longest a drain may take, ms (default 25 000): past it the process logs what it was doing
   * and exits 1, so a drain stuck on a lost connection cannot outlive an orchestrator's grace period.
   */
  timeoutMs?: number;
}

/**
 * Calls `stop` once on SIGTERM or SIGINT, then exits 0 (or 1 when stopping failed or took longer
 * than `timeoutMs`). A second signal exits at once. Returns a function that removes the handlers.
 */
export function onShutdownSignal(
  log: Logger,
  stop: () => Promise<void>,
  opts: ShutdownOptions = {},
): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'draining');
    const timeoutMs = opts.timeoutMs ?? 25_000;
    setTimeout(() => {
      log.error({ timeoutMs }, 'drain did not finish in time: exiting');
      log.flush();
      setImmediate(() => process.exit(1));
    }, timeoutMs).unref();
    stop().then(
      () => {
        log.info('stopped');
        log.flush();
        setImmediate(() => process.exit(0));
      },
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        log.flush();
        setImmediate(() => process.exit(1));
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}

/** Tracks in-flight work so a drain can wait for it. */
export class InFlight {
  #count = 0;
  #waiters: (() => void)[] = [];

  get size(): number {
    return this.#count;
  }

  /** Runs `fn` counted as in flight. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.#count++;
    try {
      return await fn();
    } finally {
      this.#count--;
      if (this.#count === 0) for (const w of this.#waiters.splice(0)) w();
    }
  }

  /** Resolves when nothing is in flight, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
