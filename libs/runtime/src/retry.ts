import { isSwitchboardError } from '@switchboard/contracts';

/** How one kind of operation is retried: data, so the numbers live in one catalogue. */
export interface RetryPolicy {
  /** Attempts in all, including the first; `Infinity` retries until success or abort. */
  readonly attempts: number;
  /** `exponential` doubles from `baseMs`; `linear` waits `baseMs` × the retry's number. */
  readonly backoff: 'exponential' | 'linear';
  /** Wait before the first retry, ms. */
  readonly baseMs: number;
  /** Longest computed wait between two attempts, ms. */
  readonly maxMs: number;
  /** No retry starts later than this many ms after the first attempt (no limit when unset). */
  readonly totalMs?: number;
  /** A server's retry-after longer than this (ms) is not waited for: the retries end. Default `maxMs`. */
  readonly maxRetryAfterMs?: number;
}

/**
 * The retry policies of the system, one per kind of operation. Guards (`createGuard`) keep their
 * own timeouts, breaker settings and (for NATS calls) a short retry of their own.
 */
export const RetryPolicies = {
  /** Streams and buckets at start-up: rides out a cold cluster electing its leaders. */
  provision: { attempts: Infinity, backoff: 'exponential', baseMs: 100, maxMs: 2000, totalMs: 60_000 },
  /** An agent's first capability card write (the registry bucket may have no leader yet). */
  registryCard: { attempts: 16, backoff: 'exponential', baseMs: 100, maxMs: 2000 },
  /** Dead-lettering a task after its last delivery: waits 1, 2, 3, 4 s. */
  deadLetterWrite: { attempts: 5, backoff: 'linear', baseMs: 1000, maxMs: 4000 },
  /** The task puller's check of its consumer: until it answers or the puller stops. */
  consumerCheck: { attempts: Infinity, backoff: 'exponential', baseMs: 250, maxMs: 5000 },
  /** A pull request the server refused (409, 503): the next one waits this long. */
  pullRefused: { attempts: Infinity, backoff: 'exponential', baseMs: 250, maxMs: 5000 },
  /**
   * A failed task, redelivered by JetStream with a nak delay: 1, 2, 4, 8, then 15 s. `attempts` is
   * the consumer's default `max_deliver`; with it a task keeps trying for ~30 s, longer than a
   * JetStream leader election (4-8 s).
   */
  taskRedelivery: { attempts: 6, backoff: 'exponential', baseMs: 1000, maxMs: 15_000 },
  /** A session write that lost its revision race: re-read and run the turn again, at once. */
  sessionConflict: { attempts: 5, backoff: 'linear', baseMs: 0, maxMs: 0 },
  /** An event a workflow consumer failed to handle: redelivered after 1, 2, 4 ... up to 30 s, without end. */
  workflowEvent: { attempts: Infinity, backoff: 'exponential', baseMs: 1000, maxMs: 30_000 },
  /** One LLM request of an agent's turn; a longer retry-after lets the offline engine answer. */
  llm: { attempts: 3, backoff: 'exponential', baseMs: 200, maxMs: 2000, maxRetryAfterMs: 10_000 },
  /** One LLM routing request: on the request's path, so one quick retry, then the embedded classifier. */
  llmRouting: { attempts: 2, backoff: 'exponential', baseMs: 50, maxMs: 1000, maxRetryAfterMs: 1000 },
} as const satisfies Record<string, RetryPolicy>;

/** What {@link retry} asks about a failure, and tells about a retry. */
export interface RetryOptions {
  /** Whether a failure may succeed on another attempt. Default: all but non-retryable typed errors. */
  isRetryable?: (err: unknown) => boolean;
  /** The wait a failure asks for (a server's retry-after). Default: a typed error's `retryAfterMs`. */
  retryAfterMs?: (err: unknown) => number | undefined;
  /** Called before each wait, with the attempt about to come (2 for the first retry). */
  onRetry?: (err: unknown, next: { attempt: number; delayMs: number }) => void;
  /** Ends the retries: a wait is cut short and `retry` rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The computed wait before retry number `n` (1 for the first retry), capped at `maxMs`. */
export function backoffDelay(policy: RetryPolicy, n: number): number {
  const raw = policy.backoff === 'linear' ? policy.baseMs * n : policy.baseMs * 2 ** (n - 1);
  return Math.min(policy.maxMs, raw);
}

/** The longest server retry-after `policy` waits for: `maxRetryAfterMs`, else `maxMs`. */
export function retryAfterLimitMs(policy: RetryPolicy): number {
  return policy.maxRetryAfterMs ?? policy.maxMs;
}

const defaultRetryable = (err: unknown) => !(isSwitchboardError(err) && !err.retryable);
const defaultRetryAfter = (err: unknown) => (isSwitchboardError(err) ? err.retryAfterMs : undefined);

/**
 * Runs `fn` until it succeeds or `policy` says stop, then throws the last failure. A failure's
 * retry-after is waited instead of the backoff, and ends the retries when it is longer than
 * `policy.maxRetryAfterMs`. Hand-written rather than cockatiel's retry policy: that one cannot
 * stop on the wait a server asks for, and its wait cannot be cut short by the caller's signal (a
 * draining service must not sit out a 5 s backoff). Guards compose with it: `fn` may be
 * `() => guard.execute(...)`.
 */
export async function retry<T>(
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const isRetryable = opts.isRetryable ?? defaultRetryable;
  const retryAfterOf = opts.retryAfterMs ?? defaultRetryAfter;
  const maxRetryAfter = retryAfterLimitMs(policy);
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= policy.attempts || !isRetryable(err) || opts.signal?.aborted) throw err;
      const asked = retryAfterOf(err);
      if (asked !== undefined && asked > maxRetryAfter) throw err;
      const delayMs = asked ?? backoffDelay(policy, attempt);
      if (policy.totalMs !== undefined && Date.now() - started + delayMs > policy.totalMs) throw err;
      opts.onRetry?.(err, { attempt: attempt + 1, delayMs });
      await sleep(delayMs, opts.signal);
    }
  }
}

/** Resolves after `ms`; rejects with the signal's reason when it aborts first (no listener is left). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
