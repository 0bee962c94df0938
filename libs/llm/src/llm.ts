import type Anthropic from '@anthropic-ai/sdk';
import { APIError } from '@anthropic-ai/sdk';
import { isFailure } from '@switchboard/contracts';
import {
  createGuard,
  type Guard,
  type LlmOutcome,
  type Logger,
  type Metrics,
  primeLlmRequests,
  RetryPolicies,
  type RetryPolicy,
  recordLlmCall,
  retry,
  retryAfterLimitMs,
  sleep,
} from '@switchboard/runtime';
import { type ClassifyOptions, classifyLlmError, LlmError, redactSecrets } from './failure.js';

type Message = Anthropic.Messages.Message;
/** A Messages request without `model`: the layer's model is used. */
export type LlmRequest = Omit<Anthropic.Messages.MessageCreateParamsNonStreaming, 'model'>;

/** Settings of {@link createLlm}. */
export interface LlmOptions {
  /** An Anthropic client with `maxRetries: 0` (see `createAnthropicClient`). */
  client: Anthropic;
  /** The model of every request, and the `model` label of the LLM metrics. */
  model: string;
  /** Timeout of one attempt, ms. */
  timeoutMs: number;
  /** How a failed request is retried (default `RetryPolicies.llm`). */
  retry?: RetryPolicy;
  /** Consecutive failed attempts that open the `llm` breaker (default 5). */
  failureThreshold?: number;
  /** How long the breaker stays open before a trial call, ms (default 30 s). */
  halfOpenAfterMs?: number;
  metrics?: Metrics | undefined;
  log?: Logger | undefined;
}

/** Per-request options of {@link Llm.create}. */
export interface LlmCallOptions<T> {
  /** The caller gave up (a drained or expired turn): the request ends with kind `aborted`. */
  signal?: AbortSignal;
  /** Logs the retries (default the layer's logger). */
  log?: Logger | undefined;
  /**
   * Reads the answer; a throw marks it unusable: outcome `invalid_output`, not retried, and not a
   * failure of the API (the breaker does not count it).
   */
  accept?: (message: Message) => T;
}

/** Per-request options of {@link Llm.stream}. */
export interface LlmStreamOptions {
  signal?: AbortSignal;
  log?: Logger | undefined;
  /** Each text delta as it arrives; `block` is the index of its content block in the message. */
  onText(text: string, block: number): void;
  /**
   * The text handed to `onText` so far is void: an attempt failed after some text and another one
   * starts over. Not called when nothing had been handed on.
   */
  onRestart?(): void;
}

/** The LLM dependency of a service: one model behind one breaker. */
export interface Llm {
  readonly model: string;
  /** The `llm` breaker (its state is also the `switchboard_circuit_breaker_state{target="llm"}` gauge). */
  readonly guard: Guard;
  /**
   * One Messages request: each attempt with its timeout and through the breaker; transient failures
   * retried per the policy, waiting the server's `retry-after` (a longer one than the policy allows
   * ends the retries, and later requests skip the API until it has passed). Resolves with the
   * message (or what `accept` makes of it); rejects with an {@link LlmError}.
   */
  create<T = Message>(request: LlmRequest, opts?: LlmCallOptions<T>): Promise<T>;
  /**
   * The same request streamed (`messages.stream`): text deltas go to `onText` as they arrive; the
   * message, accumulated by the SDK (tool inputs, `message_delta` usage), resolves at the end. The
   * same timeouts, breaker, retries and metrics as {@link create}; an attempt that fails after some
   * text calls `onRestart` before the next one starts, so a caller never takes two attempts' text
   * for one. A stream that breaks off mid-way is a `network` failure (retryable).
   */
  stream(request: LlmRequest, opts: LlmStreamOptions): Promise<Message>;
}

/** Longest skip after a `retry-after` not waited for; the breaker covers longer outages. */
const maxCoolDownMs = 60_000;

/** The guard's own failures as LLM failures: its deadline, its open circuit. */
function fromGuard(err: unknown, secrets: ClassifyOptions['secrets']): LlmError {
  if (isFailure(err, 'dependency_timeout')) return new LlmError('timeout', err.message, { cause: err });
  if (isFailure(err, 'circuit_open')) return new LlmError('circuit_open', err.message, { cause: err });
  return classifyLlmError(err, { secrets });
}

/**
 * A signal aborted when either is, and a `dispose` that detaches it: a turn's signal lives as long
 * as the task worker, so listeners must not pile up on it (`AbortSignal.any` also needs Node 20.3).
 */
function eitherSignal(a: AbortSignal, b: AbortSignal | undefined): { signal: AbortSignal; dispose(): void } {
  if (!b) return { signal: a, dispose() {} };
  const c = new AbortController();
  const onA = () => c.abort(a.reason);
  const onB = () => c.abort(b.reason);
  if (a.aborted) onA();
  else if (b.aborted) onB();
  a.addEventListener('abort', onA, { once: true });
  b.addEventListener('abort', onB, { once: true });
  return {
    signal: c.signal,
    dispose() {
      a.removeEventListener('abort', onA);
      b.removeEventListener('abort', onB);
    },
  };
}

const aborted = (cause: unknown) =>
  cause instanceof LlmError && cause.kind === 'aborted'
    ? cause
    : new LlmError('aborted', 'the caller gave up on the LLM request', { cause });

/**
 * The LLM layer of the router and the agents: timeouts, retries, the `llm` breaker and the metrics
 * (`switchboard_llm_requests_total{outcome}` once per attempt, primed at 0 for the model; the
 * duration histogram and token counter per HTTP call).
 */
export function createLlm(opts: LlmOptions): Llm {
  const { client, model, metrics } = opts;
  const policy = opts.retry ?? RetryPolicies.llm;
  const longestWaitMs = retryAfterLimitMs(policy);
  const guard = createGuard(
    {
      target: 'llm',
      timeoutMs: opts.timeoutMs,
      // The retries are this layer's: the guard cannot see a retry-after.
      attempts: 1,
      failureThreshold: opts.failureThreshold ?? 5,
      halfOpenAfterMs: opts.halfOpenAfterMs ?? 30_000,
      isFailure: (err) => !(err instanceof LlmError) || err.retryable,
    },
    metrics,
  );
  if (metrics) primeLlmRequests(metrics, model);
  const count = (outcome: LlmOutcome) => metrics?.llmRequests.inc({ model, outcome });
  let coolUntil = 0;
  // The client's own credentials: cut out of any error message that echoes them.
  const secrets = [client.apiKey, client.authToken];

  /** One HTTP call of a request: the whole message, or its stream with the text handed on. */
  type Call = (signal: AbortSignal) => Promise<Message>;
  const plain =
    (request: LlmRequest): Call =>
    (signal) =>
      client.messages.create({ ...request, model }, { signal, maxRetries: 0 });
  const streamed =
    (request: LlmRequest, onText: LlmStreamOptions['onText'], onEvent: () => void): Call =>
    async (signal) => {
      const s = client.messages.stream({ ...request, model }, { signal, maxRetries: 0 });
      // An attempt given up (its deadline passed) hands nothing on after: the next one may have begun.
      let live = true;
      s.on('streamEvent', (ev) => {
        if (!live) return;
        onEvent();
        if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta')
          onText(ev.delta.text, ev.index);
      });
      try {
        return await s.finalMessage();
      } catch (err) {
        s.abort();
        throw err;
      } finally {
        live = false;
      }
    };

  const attempt = async <T>(call: Call, o: LlmCallOptions<T>, began?: () => boolean): Promise<T> => {
    const started = Date.now();
    let message: Message;
    try {
      message = await guard.execute(async ({ signal: deadline }) => {
        const both = eitherSignal(deadline, o.signal);
        try {
          return await call(both.signal);
        } catch (err) {
          const failure = classifyLlmError(err, { secrets });
          // Events came, then something that is no API error: the connection broke off mid-stream.
          if (failure.kind === 'invalid_output' && began?.() && !(err instanceof APIError)) {
            throw new LlmError('network', `the LLM stream broke off: ${failure.message}`);
          }
          throw failure;
        } finally {
          both.dispose();
        }
      });
    } catch (err) {
      const failure = fromGuard(err, secrets);
      if (failure.kind !== 'circuit_open') recordLlmCall(metrics, model, started);
      if (failure.retryAfterMs !== undefined) {
        coolUntil = Math.max(coolUntil, Date.now() + Math.min(failure.retryAfterMs, maxCoolDownMs));
      }
      count(failure.kind);
      throw failure;
    }
    recordLlmCall(metrics, model, started, message.usage);
    if (!o.accept) {
      count('ok');
      return message as T;
    }
    try {
      const out = o.accept(message);
      count('ok');
      return out;
    } catch (cause) {
      count('invalid_output');
      const why = redactSecrets(String((cause as Error)?.message), secrets);
      throw new LlmError('invalid_output', `unusable LLM answer: ${why}`, { cause });
    }
  };

  /** Runs attempts of a call under the retry policy, after any cool-down a `retry-after` asked for. */
  const run = async <T>(each: () => Promise<T>, o: { signal?: AbortSignal; log?: Logger | undefined }) => {
    const log = o.log ?? opts.log;
    const wait = coolUntil - Date.now();
    if (wait > longestWaitMs) {
      count('rate_limited');
      throw new LlmError('rate_limited', `the LLM API asked to wait ${wait} ms more`, {
        retryAfterMs: wait,
      });
    }
    try {
      if (wait > 0) await sleep(wait, o.signal);
      return await retry(policy, each, {
        isRetryable: (err) => err instanceof LlmError && err.retryable,
        retryAfterMs: (err) => (err instanceof LlmError ? err.retryAfterMs : undefined),
        onRetry: (err, next) =>
          log?.info({ kind: (err as LlmError).kind, ...next }, 'LLM request failed; retrying'),
        ...(o.signal ? { signal: o.signal } : {}),
      });
    } catch (err) {
      throw o.signal?.aborted ? aborted(err) : err;
    }
  };

  return {
    model,
    guard,
    create<T = Message>(request: LlmRequest, o: LlmCallOptions<T> = {}): Promise<T> {
      return run(() => attempt(plain(request), o), o);
    },
    stream(request: LlmRequest, o: LlmStreamOptions): Promise<Message> {
      let handedOn = false;
      let began = false;
      const onText = (text: string, block: number) => {
        handedOn = true;
        o.onText(text, block);
      };
      return run(() => {
        if (handedOn) o.onRestart?.();
        handedOn = false;
        began = false;
        const call = streamed(request, onText, () => {
          began = true;
        });
        return attempt(call, { ...(o.signal ? { signal: o.signal } : {}) }, () => began);
      }, o);
    },
  };
}
