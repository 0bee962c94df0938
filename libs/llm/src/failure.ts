import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { LlmOutcome } from '@switchboard/runtime';
import { retryAfterMs } from './retry-after.js';

/** Why one Messages API request failed: an outcome of `switchboard_llm_requests_total` other than `ok`. */
export type LlmFailureKind = Exclude<LlmOutcome, 'ok'>;

/** Failures that may pass on another attempt; they are also the ones that count against the breaker. */
const transient: ReadonlySet<LlmFailureKind> = new Set([
  'rate_limited',
  'overloaded',
  'server_error',
  'timeout',
  'network',
]);

/**
 * A failed LLM request, typed by its {@link LlmFailureKind}. An internal error: callers decide what
 * it means for them (a fallback answer, a wire code); it carries the server's `retry-after`.
 */
export class LlmError extends Error {
  override readonly name = 'LlmError';
  readonly kind: LlmFailureKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: LlmFailureKind,
    message: string,
    opts: { status?: number | undefined; retryAfterMs?: number | undefined; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }

  /** True when another attempt may succeed (and so the failure counts against the breaker). */
  get retryable(): boolean {
    return transient.has(this.kind);
  }
}

function kindOfStatus(status: number): LlmFailureKind {
  if (status === 429) return 'rate_limited';
  if (status === 529) return 'overloaded';
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500 || status === 409) return 'server_error';
  return 'bad_request';
}

/**
 * Turns what the SDK threw into an {@link LlmError}: by HTTP status (429 rate_limited, 529
 * overloaded, 408 timeout, 401/403 auth, 409 and 5xx server_error, other 4xx bad_request), a
 * connection failure (network, or timeout when the SDK's own timeout fired), an abort (aborted).
 * Anything else came back in a form the SDK could not read: invalid_output.
 */
export function classifyLlmError(err: unknown): LlmError {
  if (err instanceof LlmError) return err;
  if (err instanceof APIUserAbortError)
    return new LlmError('aborted', 'the LLM request was aborted', { cause: err });
  if (err instanceof APIConnectionTimeoutError) {
    return new LlmError('timeout', 'the LLM request timed out', { cause: err });
  }
  if (err instanceof APIConnectionError || (err instanceof APIError && err.status === undefined)) {
    return new LlmError('network', `LLM API unreachable: ${err.message}`, { cause: err });
  }
  if (err instanceof APIError && err.status !== undefined) {
    const status: number = err.status;
    return new LlmError(kindOfStatus(status), `LLM API answered ${status}: ${err.message}`, {
      status,
      retryAfterMs: retryAfterMs(err.headers),
      cause: err,
    });
  }
  return new LlmError('invalid_output', `LLM request failed unexpectedly: ${String(err)}`, { cause: err });
}
