import type Anthropic from '@anthropic-ai/sdk';
import { SwitchboardError } from '@switchboard/contracts';
import { type Guard, type Logger, type Metrics, recordLlmCall } from '@switchboard/runtime';
import type { DomainEvent, Engine, EngineContext, EngineInput, EngineResult } from '../engine.js';
import type { ToolExecutor } from '../tools/executor.js';
import { toolContext } from '../tools/types.js';
import { classifyLlmError, LlmCallError } from './errors.js';
import { textOf, toAnthropicTools, toAssistantContent, toMessages } from './messages.js';

/** Why a turn was answered by the fallback engine (`data.fallbackReason`). */
export type FallbackReason =
  | 'circuit_open'
  | 'rate_limited'
  | 'llm_unavailable'
  | 'timeout'
  | 'llm_error'
  | 'max_steps'
  | 'empty_answer';

/** Settings of {@link createClaudeEngine}. */
export interface ClaudeEngineOptions {
  /** An Anthropic client; give it `maxRetries: 0` (see {@link createAnthropicClient}). */
  client: Anthropic;
  model: string;
  /** The agent's system prompt, or a function of the turn (e.g. to add today's date). */
  system: string | ((input: EngineInput) => string);
  /** The agent's tools; model-proposed inputs are parsed by it, a bad one goes back as `is_error`. */
  executor: ToolExecutor;
  /**
   * Timeout and circuit breaker of the LLM dependency; every Messages call runs through it. Create
   * it with `attempts: 1`: this engine does the bounded retry itself, because it honours the
   * server's `retry-after`, which the guard's exponential backoff cannot see.
   */
  guard: Guard;
  /** Answers when the LLM cannot (breaker open, failed for good, no usable answer). */
  fallback: Engine;
  /** Model calls per turn (each tool round trip is one), default 6. */
  maxSteps?: number;
  /** `max_tokens` of each call, default 1024. */
  maxTokens?: number;
  /** Calls per Messages request including the first, default 3. */
  attempts?: number;
  /** A `retry-after` longer than this (ms) is not waited for: the fallback answers. Default 10 s. */
  maxRetryAfterMs?: number;
  /** History turns sent with each call, default 20. */
  maxHistoryTurns?: number;
  metrics?: Metrics | undefined;
}

/** The turn cannot be answered by the LLM: the fallback engine answers. */
class UseFallback extends Error {
  constructor(
    readonly reason: FallbackReason,
    cause?: unknown,
  ) {
    super(`LLM not used: ${reason}`, { cause });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A signal aborted when either is, and a `dispose` that detaches it: the turn's signal lives as long
 * as the task worker, so listeners must not pile up on it (`AbortSignal.any` also needs Node 20.3).
 */
function eitherSignal(a: AbortSignal, b: AbortSignal): { signal: AbortSignal; dispose(): void } {
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

/** The task was given up (drain, deadline): a retryable failure, so the task is redelivered. */
function abandoned(cause: unknown): SwitchboardError {
  return new SwitchboardError('agent_unavailable', 'the turn was abandoned while waiting for the LLM', {
    cause,
  });
}

function reasonOf(err: unknown): FallbackReason {
  if (err instanceof LlmCallError) {
    if (err.kind === 'rate_limited') return 'rate_limited';
    if (err.kind === 'client_error') return 'llm_error';
    return 'llm_unavailable';
  }
  if (err instanceof SwitchboardError && err.code === 'timeout') return 'timeout';
  if (err instanceof SwitchboardError && err.code === 'agent_unavailable') return 'circuit_open';
  return 'llm_error';
}

/**
 * An engine that answers with Claude through a tool-use loop: the session history and this turn go
 * to the Messages API with the agent's system prompt and tools; each `tool_use` runs through the
 * executor (zod-validated; errors go back as `is_error` results) until the model answers in text or
 * `maxSteps` is reached. Tools always run as `EngineInput.userId`, whatever the model put in their
 * input, so a prompt-injected "do it for carol" meets the tool's own permission check.
 *
 * Failures: 429/5xx/connection errors and timeouts are retried up to `attempts` calls, waiting the
 * server's `retry-after` when given (SDK retries are off). When the breaker is open or the call
 * fails for good, the `fallback` engine answers and `data.engine` is `offline` with
 * `data.fallbackReason`; otherwise `data.engine` is `claude`.
 */
export function createClaudeEngine(opts: ClaudeEngineOptions): Engine {
  const { client, model, executor, guard, metrics } = opts;
  const tools = toAnthropicTools(executor.tools);
  const maxSteps = opts.maxSteps ?? 6;
  const attempts = Math.max(1, opts.attempts ?? 3);
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 10_000;
  const count = (outcome: string) => metrics?.llmRequests.inc({ model, outcome });

  const call = async (
    params: Anthropic.Messages.MessageCreateParamsNonStreaming,
    signal: AbortSignal,
    log: Logger,
  ): Promise<Anthropic.Messages.Message> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await guard.execute(async (attempt) => {
          const both = eitherSignal(attempt.signal, signal);
          const started = Date.now();
          try {
            const msg = await client.messages.create(params, { signal: both.signal, maxRetries: 0 });
            count('ok');
            recordLlmCall(metrics, model, started, msg.usage);
            return msg;
          } catch (err) {
            recordLlmCall(metrics, model, started);
            const typed = classifyLlmError(err);
            if (typed instanceof LlmCallError) count(typed.kind);
            throw typed;
          } finally {
            both.dispose();
          }
        });
      } catch (err) {
        if (signal.aborted) throw abandoned(err);
        const reason = reasonOf(err);
        if (reason === 'circuit_open') count('circuit_open');
        else if (reason === 'timeout') count('timeout');
        const retryable = err instanceof SwitchboardError && err.retryable && reason !== 'circuit_open';
        const delay =
          (err instanceof SwitchboardError ? err.retryAfterMs : undefined) ??
          Math.min(2000, 200 * 2 ** (attempt - 1));
        if (!retryable || attempt >= attempts || delay > maxRetryAfterMs) {
          log.warn({ err, attempt, reason }, 'LLM call failed; the offline engine answers');
          throw new UseFallback(reason, err);
        }
        log.info({ attempt, delay, reason }, 'LLM call failed; retrying');
        await sleep(delay, signal).catch((cause: unknown) => {
          throw abandoned(cause);
        });
      }
    }
  };

  const runLoop = async (
    input: EngineInput,
    ctx: EngineContext,
    events: DomainEvent[],
  ): Promise<EngineResult> => {
    const system = typeof opts.system === 'function' ? opts.system(input) : opts.system;
    const messages = toMessages(input.history, input.text, opts.maxHistoryTurns ?? 20);
    const toolCtx = toolContext(input, ctx, events);
    const toolCalls: { tool: string; ok: boolean; code?: string }[] = [];
    for (let step = 1; step <= maxSteps; step++) {
      const res = await call(
        { model, max_tokens: opts.maxTokens ?? 1024, system, messages, tools },
        ctx.signal,
        ctx.log,
      );
      const uses = res.content.filter((b): b is Anthropic.Messages.ToolUseBlock => b.type === 'tool_use');
      if (res.stop_reason !== 'tool_use' || uses.length === 0) {
        const text = textOf(res.content);
        if (!text) throw new UseFallback('empty_answer');
        return { text, data: { engine: 'claude', model, steps: step, toolCalls }, events };
      }
      messages.push({ role: 'assistant', content: toAssistantContent(res.content) });
      const results: Anthropic.Messages.ToolResultBlockParam[] = [];
      for (const use of uses) {
        const r = await executor.execute(use.name, use.input, toolCtx);
        toolCalls.push(r.ok ? { tool: r.tool, ok: true } : { tool: r.tool, ok: false, code: r.error.code });
        results.push({
          type: 'tool_result',
          tool_use_id: use.id,
          content: JSON.stringify(r.ok ? r.output : { error: r.error }),
          ...(r.ok ? {} : { is_error: true }),
        });
      }
      messages.push({ role: 'user', content: results });
    }
    throw new UseFallback('max_steps');
  };

  return {
    async respond(input, ctx) {
      const events: DomainEvent[] = [];
      try {
        return await runLoop(input, ctx, events);
      } catch (err) {
        if (!(err instanceof UseFallback)) throw err;
        const r = await opts.fallback.respond(input, ctx);
        return {
          ...r,
          data: { ...(r.data ?? {}), engine: 'offline', fallbackReason: err.reason },
          events: [...events, ...(r.events ?? [])],
        };
      }
    },
  };
}
