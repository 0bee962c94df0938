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
 *
 * Safe to log as it is: one made from an SDK error (see {@link classifyLlmError}) holds the kind,
 * the HTTP status, the provider's request id and a short message with anything that looks like a
 * credential removed, never the SDK error itself (whose message and fields are the provider's
 * response body, which may echo the API key).
 */
export class LlmError extends Error {
  override readonly name = 'LlmError';
  readonly kind: LlmFailureKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** The provider's id of the failed request (its `request-id` header), for support tickets. */
  readonly requestId: string | undefined;

  constructor(
    kind: LlmFailureKind,
    message: string,
    opts: {
      status?: number | undefined;
      retryAfterMs?: number | undefined;
      requestId?: string | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.requestId = opts.requestId;
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

/** Longest piece of an upstream message kept in an {@link LlmError} (and so in a log line). */
export const maxUpstreamMessageChars = 200;

/** What credentials look like in an error text; each match is replaced by `[redacted]`. */
const credentialPatterns: readonly RegExp[] = [
  // Anthropic keys, then other providers' `sk-...` keys.
  /sk-ant-[A-Za-z0-9_-]+/g,
  /\bsk-[A-Za-z0-9_-]{12,}/g,
  // A header or field that carries a key or token, with whatever value follows it.
  /\b(x-api-key|api[_-]?key|authorization|access[_-]?token|auth[_-]?token)(["']?\s*[:=]\s*["']?)(?:bearer\s+)?[^\s"',;}]+/gi,
  // Bearer tokens and JWTs wherever they stand.
  /\bbearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
];

/**
 * `text` with the given secrets (the client's own key) and anything that looks like a credential
 * replaced by `[redacted]`, cut to `maxChars`.
 */
export function redactSecrets(
  text: string,
  secrets: readonly (string | null | undefined)[] = [],
  maxChars = maxUpstreamMessageChars,
): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 8) out = out.split(s).join('[redacted]');
  for (const p of credentialPatterns) {
    out = out.replace(p, (match, name?: string, sep?: string) =>
      typeof name === 'string' && typeof sep === 'string' && match.startsWith(name)
        ? `${name}${sep}[redacted]`
        : '[redacted]',
    );
  }
  return out.length > maxChars ? `${out.slice(0, maxChars)}…` : out;
}

/** An error's message and those of its causes, `a: b: c`. */
function messages(err: unknown): string {
  const parts: string[] = [];
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) parts.push(e.message);
  return parts.join(': ');
}

/** Options of {@link classifyLlmError}. */
export interface ClassifyOptions {
  /** Secrets to cut out of messages wherever they appear (the client's API key or token). */
  secrets?: readonly (string | null | undefined)[];
}

/**
 * Turns what the SDK threw into an {@link LlmError}: by HTTP status (429 rate_limited, 529
 * overloaded, 408 timeout, 401/403 auth, 409 and 5xx server_error, other 4xx bad_request), a
 * connection failure (network, or timeout when the SDK's own timeout fired), an abort (aborted).
 * Anything else came back in a form the SDK could not read: invalid_output.
 *
 * The SDK error is not kept (not even as `cause`): its message and fields are the provider's
 * response body. The LlmError has the status, the provider's request id and a redacted, truncated
 * message ({@link redactSecrets}).
 */
export function classifyLlmError(err: unknown, opts: ClassifyOptions = {}): LlmError {
  if (err instanceof LlmError) return err;
  const safe = (text: string) => redactSecrets(text, opts.secrets);
  if (err instanceof APIUserAbortError) return new LlmError('aborted', 'the LLM request was aborted');
  if (err instanceof APIConnectionTimeoutError) {
    return new LlmError('timeout', 'the LLM request timed out');
  }
  if (err instanceof APIConnectionError || (err instanceof APIError && err.status === undefined)) {
    return new LlmError('network', `LLM API unreachable: ${safe(messages(err))}`);
  }
  if (err instanceof APIError && err.status !== undefined) {
    const status: number = err.status;
    const type = typeof err.type === 'string' ? ` (${safe(err.type)})` : '';
    const upstream = typeof err.apiMessage === 'string' ? err.apiMessage : err.message;
    return new LlmError(kindOfStatus(status), `LLM API answered ${status}${type}: ${safe(upstream)}`, {
      status,
      retryAfterMs: retryAfterMs(err.headers),
      requestId: typeof err.requestID === 'string' ? err.requestID : undefined,
    });
  }
  return new LlmError(
    'invalid_output',
    `LLM request failed unexpectedly: ${safe(err instanceof Error ? `${err.name}: ${messages(err)}` : String(err))}`,
  );
}
