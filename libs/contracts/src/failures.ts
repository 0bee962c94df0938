import type { ErrorCode } from './errors.js';

/**
 * Why something failed inside Switchboard, as the code that handles it needs to know: internal,
 * never sent. The wire's `ErrorCode` is chosen at the edge only, by {@link wireCode} (through
 * `errorReply`), so one code on the wire (`agent_unavailable`) no longer has to stand for many
 * causes that code then decodes back by guesswork.
 */
export const FailureKinds = {
  /** A dependency's circuit breaker is open: calls fail at once until it tries again. */
  circuit_open: 'agent_unavailable',
  /** A dependency (JetStream, a KV bucket, NATS) did not answer within its timeout. */
  dependency_timeout: 'timeout',
  /** The task store refused or lost the task before it was stored. */
  task_store_unavailable: 'agent_unavailable',
  /** The service's own data is not loaded yet (a mirror still catching up). */
  not_ready: 'agent_unavailable',
  /** A record kept changing under concurrent writers; a later try will get through. */
  contended: 'agent_unavailable',
  /** The NATS connection is down. */
  bus_unavailable: 'agent_unavailable',
  /** Nobody serves the subject (no router connected). */
  no_responders: 'agent_unavailable',
  /** The answer did not come before the caller's deadline. */
  deadline_passed: 'timeout',
  /** This instance is stopping; another will take the work. */
  stopping: 'agent_unavailable',
} as const satisfies Record<string, ErrorCode>;

/** One of the internal failure kinds of {@link FailureKinds}. */
export type FailureKind = keyof typeof FailureKinds;

/**
 * A transient internal failure: another try (a redelivery, a retry after `retryAfterMs`) may
 * succeed. `target` names the dependency when there is one.
 */
export class Failure extends Error {
  override readonly name = 'Failure';
  readonly kind: FailureKind;
  readonly target: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly retryable = true;

  constructor(
    kind: FailureKind,
    message: string,
    opts: { target?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.target = opts.target;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** The error code a failure kind is shown as on the wire. */
export function wireCode(kind: FailureKind): ErrorCode {
  return FailureKinds[kind];
}

/** True when `err` is a {@link Failure} (of `kind`, when given). */
export function isFailure(err: unknown, kind?: FailureKind): err is Failure {
  return err instanceof Failure && (kind === undefined || err.kind === kind);
}
