import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { SwitchboardError } from '@switchboard/contracts';

/** What went wrong with one Messages API call; also the `outcome` label of `llm_requests_total`. */
export type LlmFailureKind = 'rate_limited' | 'server_error' | 'connection_error' | 'client_error';

/**
 * A failed Messages API call, typed: 429 and 5xx (incl. 529 overloaded) and connection failures are
 * retryable and carry the server's `retry-after` as `retryAfterMs`; other 4xx are not retryable
 * (and so do not count against the circuit breaker).
 */
export class LlmCallError extends SwitchboardError {
  readonly kind: LlmFailureKind;
  readonly status: number | undefined;

  constructor(
    kind: LlmFailureKind,
    message: string,
    opts: { status?: number; retryAfterMs?: number; cause: unknown },
  ) {
    const code =
      kind === 'rate_limited'
        ? 'rate_limited'
        : kind === 'client_error'
          ? opts.status === 401 || opts.status === 403
            ? 'unauthorized'
            : 'invalid_request'
          : 'agent_unavailable';
    super(code, message, {
      cause: opts.cause,
      retryable: kind !== 'client_error',
      ...(opts.retryAfterMs !== undefined ? { retryAfterMs: opts.retryAfterMs } : {}),
    });
    this.name = 'LlmCallError';
    this.kind = kind;
    this.status = opts.status;
  }
}

/**
 * The delay a response asks for: `retry-after-ms` (milliseconds), else `retry-after` (seconds, or an
 * HTTP date). `undefined` when absent or unreadable.
 */
export function retryAfterMs(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Turns an SDK error into an {@link LlmCallError}; anything else (a bug, an abort) is returned as is. */
export function classifyLlmError(err: unknown): unknown {
  if (err instanceof APIUserAbortError || !(err instanceof APIError)) return err;
  if (err instanceof APIConnectionError || err.status === undefined) {
    return new LlmCallError('connection_error', `LLM API unreachable: ${err.message}`, { cause: err });
  }
  const status = err.status;
  const after = retryAfterMs(err.headers);
  const base = { status, cause: err, ...(after !== undefined ? { retryAfterMs: after } : {}) };
  if (status === 429) return new LlmCallError('rate_limited', 'LLM API rate limit reached', base);
  if (status >= 500 || status === 408 || status === 409) {
    return new LlmCallError('server_error', `LLM API failed with ${status}`, base);
  }
  return new LlmCallError('client_error', `LLM API refused the request with ${status}: ${err.message}`, base);
}
