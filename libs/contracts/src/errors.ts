/**
 * The error-code catalogue. Every `{ ok: false }` reply carries one of these codes; the gateway maps
 * each to an HTTP status. `retryable` tells a caller whether the same request may succeed later.
 * A test keeps this table in step with README.md and docs/architecture.md.
 */
export const ErrorCodes = {
  /** The request is not valid JSON of the expected shape, or has unknown or wrongly typed fields. */
  invalid_request: { httpStatus: 400, retryable: false },
  /** The payload or its text is over the size limit. */
  payload_too_large: { httpStatus: 413, retryable: false },
  /** No session with that id exists (never existed, or expired). */
  unknown_session: { httpStatus: 404, retryable: false },
  /** No saga with that id exists (never started, or expired after 30 days). */
  unknown_saga: { httpStatus: 404, retryable: false },
  /** The session was ended with `END`; start a new one. */
  session_closed: { httpStatus: 409, retryable: false },
  /** No agent can take the request now and it could not be stored. */
  agent_unavailable: { httpStatus: 503, retryable: true },
  /** The answer did not arrive within the deadline. */
  timeout: { httpStatus: 504, retryable: true },
  /** Too many requests from this caller; retry after the given delay. */
  rate_limited: { httpStatus: 429, retryable: true },
  /** Missing or wrong credentials. */
  unauthorized: { httpStatus: 401, retryable: false },
  /** The caller is known but may not do this: another user's session, or a `userId` not its own. */
  forbidden: { httpStatus: 403, retryable: false },
  /**
   * The request's budget (`Switchboard-Budget` or `budget`) cannot pay for the next LLM call and
   * nothing was answered yet. Retrying the same request with the same budget fails the same way.
   */
  budget_exceeded: { httpStatus: 402, retryable: false },
  /** An unexpected failure inside Switchboard. */
  internal: { httpStatus: 500, retryable: true },
} as const satisfies Record<string, { httpStatus: number; retryable: boolean }>;

/** One of the stable error codes of {@link ErrorCodes}. */
export type ErrorCode = keyof typeof ErrorCodes;

/** All error codes, in catalogue order. */
export const errorCodeList = Object.keys(ErrorCodes) as ErrorCode[];

/** Options of {@link SwitchboardError}: retry behaviour is data on the error. */
export interface SwitchboardErrorOptions {
  /** Structured detail for the caller, e.g. the zod issues of an invalid request. */
  details?: unknown;
  /** Overrides the catalogue's default for this code. */
  retryable?: boolean;
  /** How long to wait before retrying, in milliseconds. */
  retryAfterMs?: number;
  /** The underlying error, kept for logs. */
  cause?: unknown;
}

/**
 * A typed failure with a stable code. Handlers throw it; the service wrapper turns it into an error
 * reply, a nak with a delay, or a dead letter, depending on `retryable`.
 */
export class SwitchboardError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message: string, options: SwitchboardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SwitchboardError';
    this.code = code;
    this.details = options.details;
    this.retryable = options.retryable ?? ErrorCodes[code].retryable;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** True when `err` is a {@link SwitchboardError}. */
export function isSwitchboardError(err: unknown): err is SwitchboardError {
  return err instanceof SwitchboardError;
}
