import { isSwitchboardError, SwitchboardError } from '@switchboard/contracts';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import type { Metrics } from './metrics.js';

/** Settings of one guarded dependency. */
export interface GuardOptions {
  /** The dependency's name, the `target` label of the breaker metrics (e.g. `nats`, `llm`). */
  target: string;
  /** Per-attempt timeout in milliseconds. */
  timeoutMs: number;
  /** Attempts in all, including the first (1 = no retry). */
  attempts?: number;
  /** Longest wait between two attempts, in ms (exponential backoff from 50 ms). */
  maxBackoffMs?: number;
  /** Consecutive failed calls (after their retries) that open the breaker. */
  failureThreshold?: number;
  /** How long the breaker stays open before one trial call, in milliseconds. */
  halfOpenAfterMs?: number;
  /** Which errors count as failures of the dependency; others pass through untouched. */
  isFailure?: (err: Error) => boolean;
}

/** A dependency behind a timeout, a bounded retry and a circuit breaker. */
export interface Guard {
  readonly target: string;
  /** Runs `fn`; throws `agent_unavailable` while open and `timeout` when every attempt timed out. */
  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** 0 closed, 1 half-open, 2 open (the gauge's values). */
  state(): 0 | 1 | 2;
}

/** Cockatiel's states mapped to the gauge's values: 0 closed, 1 half-open, 2 open. */
export function gaugeValue(state: CircuitState): 0 | 1 | 2 {
  if (state === CircuitState.HalfOpen) return 1;
  if (state === CircuitState.Open || state === CircuitState.Isolated) return 2;
  return 0;
}

const stateName = ['closed', 'half_open', 'open'] as const;

/** Default failure test: anything but a non-retryable typed error counts against the dependency. */
function defaultIsFailure(err: Error): boolean {
  return !(isSwitchboardError(err) && !err.retryable);
}

/**
 * Wraps a dependency in circuit breaker → retry (exponential backoff) → timeout per attempt, with the breaker
 * state exported as `switchboard_circuit_breaker_state{target}`.
 */
export function createGuard(opts: GuardOptions, metrics?: Metrics): Guard {
  const isFailure = opts.isFailure ?? defaultIsFailure;
  const breaker = circuitBreaker(handleWhen(isFailure), {
    halfOpenAfter: opts.halfOpenAfterMs ?? 5000,
    breaker: new ConsecutiveBreaker(opts.failureThreshold ?? 5),
  });
  const retryPolicy = retry(
    handleWhen((err) => isFailure(err) && !(err instanceof BrokenCircuitError)),
    {
      maxAttempts: Math.max(0, (opts.attempts ?? 1) - 1),
      backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: opts.maxBackoffMs ?? 1000 }),
    },
  );
  // abortOnReturn: false — aborting every call's signal on return cost ~10% of router CPU and
  // piled up abort listeners; the signal is still aborted when the call times out.
  const timeoutPolicy = timeout(opts.timeoutMs, {
    strategy: TimeoutStrategy.Aggressive,
    abortOnReturn: false,
  });
  // The breaker counts calls, not attempts: a call whose retries ride out a short outage (a leader
  // election) is one success, and one that fails after all its retries is one failure.
  const policy = wrap(breaker, retryPolicy, timeoutPolicy);

  metrics?.breakerState.set({ target: opts.target }, 0);
  breaker.onStateChange((s) => {
    const v = gaugeValue(s);
    metrics?.breakerState.set({ target: opts.target }, v);
    metrics?.breakerTransitions.inc({ target: opts.target, state: stateName[v] });
  });

  return {
    target: opts.target,
    state: () => gaugeValue(breaker.state),
    async execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
      try {
        return await policy.execute(({ signal }) => fn(signal));
      } catch (err) {
        if (err instanceof BrokenCircuitError) {
          metrics?.breakerRejections.inc({ target: opts.target });
          throw new SwitchboardError('agent_unavailable', `${opts.target} is unavailable (circuit open)`, {
            cause: err,
            retryAfterMs: opts.halfOpenAfterMs ?? 5000,
          });
        }
        if (err instanceof TaskCancelledError) {
          throw new SwitchboardError('timeout', `${opts.target} did not answer within ${opts.timeoutMs} ms`, {
            cause: err,
          });
        }
        throw err;
      }
    },
  };
}
