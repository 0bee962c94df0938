import { Failure } from '@switchboard/contracts';
import {
  type Anthropic,
  type Llm,
  LlmError,
  type LlmFailureKind,
  type LlmRequest,
  type PriceTable,
} from '@switchboard/llm';
import type { Logger, Metrics } from '@switchboard/runtime';
import type { ChunkSink, DomainEvent, Engine, EngineContext, EngineInput, EngineResult } from '../engine.js';
import type { ToolExecutor } from '../tools/executor.js';
import { toolContext } from '../tools/types.js';
import { type Finding, partialAnswer, TurnBudget } from './budget.js';
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
  /** The LLM layer (`createLlm`): model, timeouts, retries, the `llm` breaker and the LLM metrics. */
  llm: Llm;
  /** The agent's system prompt, or a function of the turn (e.g. to add today's date). */
  system: string | ((input: EngineInput) => string);
  /** The agent's tools; model-proposed inputs are parsed by it, a bad one goes back as `is_error`. */
  executor: ToolExecutor;
  /** Answers when the LLM cannot (breaker open, failed for good, no usable answer). */
  fallback: Engine;
  /** Model calls per turn (each tool round trip is one), default 6. */
  maxSteps?: number;
  /** `max_tokens` of each call, default 1024. */
  maxTokens?: number;
  /** History turns sent with each call, default 20. */
  maxHistoryTurns?: number;
  /** The agent's name: the `agent` label of the spend metrics (default `agent`). */
  agent?: string;
  /** Where spend (`switchboard_llm_spend_*`) and stopped budgets (`switchboard_workflows_total`) count. */
  metrics?: Metrics | undefined;
  /** Prices of the models, to price spend against a budget's `usd` (default `DefaultPrices`). */
  prices?: PriceTable | undefined;
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

/** What the reply says about a failed LLM request (the metric has the precise kind). */
const reasons: Record<Exclude<LlmFailureKind, 'aborted'>, FallbackReason> = {
  circuit_open: 'circuit_open',
  rate_limited: 'rate_limited',
  timeout: 'timeout',
  overloaded: 'llm_unavailable',
  server_error: 'llm_unavailable',
  network: 'llm_unavailable',
  auth: 'llm_error',
  bad_request: 'llm_error',
  invalid_output: 'llm_error',
};

/**
 * An engine that answers with Claude through a tool-use loop: the session history and this turn go
 * to the Messages API with the agent's system prompt and tools; each `tool_use` runs through the
 * executor (zod-validated; errors go back as `is_error` results) until the model answers in text or
 * `maxSteps` is reached. Tools always run as `EngineInput.userId`, whatever the model put in their
 * input, so a prompt-injected "do it for carol" meets the tool's own permission check.
 *
 * Failures: the LLM layer retries transient ones, honouring `retry-after`. When a request fails for
 * good, the `fallback` engine answers and `data.engine` is `offline` with `data.fallbackReason`;
 * otherwise `data.engine` is `claude`. A turn abandoned meanwhile (drain, deadline) fails with a
 * retryable error, so its task is delivered again.
 */
export function createClaudeEngine(opts: ClaudeEngineOptions): Engine {
  return new ClaudeEngine(opts);
}

/**
 * The text deltas of one Messages call as the answer's text: text blocks joined by a line break,
 * as {@link textOf} joins them; a retried call voids what its failed attempt wrote.
 */
function textTo(sink: ChunkSink): { onText(text: string, block: number): void; onRestart(): void } {
  let lastBlock: number | undefined;
  return {
    onText(text, block) {
      if (lastBlock !== undefined && block !== lastBlock) sink.write('\n');
      lastBlock = block;
      sink.write(text);
    },
    onRestart() {
      lastBlock = undefined;
      sink.restart();
    },
  };
}

/** A tool call as the reply's `data.toolCalls` lists it. */
type ToolCallRecord = { tool: string; ok: boolean; code?: string };

/** What a turn gathered so far: for the answer's data, and for a partial answer. */
interface TurnState {
  toolCalls: ToolCallRecord[];
  findings: Finding[];
  /** The model's text alongside its tool calls. */
  said: string[];
}

class ClaudeEngine implements Engine {
  private readonly tools: Anthropic.Messages.Tool[];
  private readonly maxSteps: number;

  constructor(private readonly opts: ClaudeEngineOptions) {
    this.tools = toAnthropicTools(opts.executor.tools);
    this.maxSteps = opts.maxSteps ?? 6;
  }

  async respond(input: EngineInput, ctx: EngineContext): Promise<EngineResult> {
    const events: DomainEvent[] = [];
    const { opts } = this;
    const budget = new TurnBudget(ctx.message?.budget, opts.llm.model, {
      agent: opts.agent ?? 'agent',
      metrics: opts.metrics,
      prices: opts.prices,
    });
    try {
      const r = await this.runLoop(input, ctx, events, budget);
      if (!r.data?.budgetExceeded) budget.ended('completed');
      return { ...r, data: { ...r.data, spend: budget.spend() } };
    } catch (err) {
      if (!(err instanceof UseFallback)) throw err;
      // The offline engine spends nothing: the spend is what the LLM calls before it cost.
      budget.ended('completed');
      // Anything Claude streamed before it failed is not the answer: the fallback's text is.
      ctx.chunks?.restart();
      const r = await opts.fallback.respond(input, ctx);
      return {
        ...r,
        data: { ...(r.data ?? {}), engine: 'offline', fallbackReason: err.reason, spend: budget.spend() },
        events: [...events, ...(r.events ?? [])],
      };
    }
  }

  /** Model calls until an answer in text; each tool round trip is one step. */
  /**
   * Model calls until an answer in text; each tool round trip is one step. Before each call the
   * budget must cover its worst case: when it cannot, the first call fails with `budget_exceeded`
   * (nothing was done), a later one ends the turn with a partial answer (tools have run).
   */
  private async runLoop(
    input: EngineInput,
    ctx: EngineContext,
    events: DomainEvent[],
    budget: TurnBudget,
  ): Promise<EngineResult> {
    const { opts } = this;
    const system = typeof opts.system === 'function' ? opts.system(input) : opts.system;
    const messages = toMessages(input.history, input.text, opts.maxHistoryTurns ?? 20);
    const toolCtx = toolContext(input, ctx, events);
    const state: TurnState = { toolCalls: [], findings: [], said: [] };
    const data = (step: number) => ({
      engine: 'claude',
      model: opts.llm.model,
      steps: step,
      toolCalls: state.toolCalls,
    });
    for (let step = 1; step <= this.maxSteps; step++) {
      const request = { max_tokens: opts.maxTokens ?? 1024, system, messages, tools: this.tools };
      const plan = budget.plan(request);
      if (!plan.ok && step === 1) throw budget.exceeded(plan);
      if (!plan.ok) {
        budget.ended('exceeded');
        ctx.log.info({ step, left: plan.left }, 'budget ran out after a tool round: partial answer');
        const text = partialAnswer(state.said, state.findings);
        return { text, data: { ...data(step - 1), budgetExceeded: true, partial: true }, events };
      }
      // A new round's text replaces what the model said alongside its tool calls (docs/streaming.md).
      if (step > 1) ctx.chunks?.restart();
      const res = await this.call({ ...request, max_tokens: plan.maxTokens }, ctx, budget);
      const uses = res.content.filter((b): b is Anthropic.Messages.ToolUseBlock => b.type === 'tool_use');
      if (res.stop_reason !== 'tool_use' || uses.length === 0) {
        const text = textOf(res.content);
        if (!text) throw new UseFallback('empty_answer');
        return { text, data: data(step), events };
      }
      const said = textOf(res.content);
      if (said) state.said.push(said);
      messages.push({ role: 'assistant', content: toAssistantContent(res.content) });
      messages.push({ role: 'user', content: await this.runTools(uses, toolCtx, state) });
    }
    throw new UseFallback('max_steps');
  }

  /** Runs the model's tool calls in order; each result goes back, an error as `is_error`. */
  private async runTools(
    uses: Anthropic.Messages.ToolUseBlock[],
    toolCtx: ReturnType<typeof toolContext>,
    state: TurnState,
  ): Promise<Anthropic.Messages.ToolResultBlockParam[]> {
    const results: Anthropic.Messages.ToolResultBlockParam[] = [];
    for (const use of uses) {
      const r = await this.opts.executor.execute(use.name, use.input, toolCtx);
      state.toolCalls.push(
        r.ok ? { tool: r.tool, ok: true } : { tool: r.tool, ok: false, code: r.error.code },
      );
      state.findings.push({ tool: r.tool, ok: r.ok, output: r.ok ? r.output : { error: r.error.message } });
      results.push({
        type: 'tool_result',
        tool_use_id: use.id,
        content: JSON.stringify(r.ok ? r.output : { error: r.error }),
        ...(r.ok ? {} : { is_error: true }),
      });
    }
    return results;
  }

  /**
   * One request through the LLM layer, streamed when the turn has a chunk sink (its text deltas go
   * there as they come); a failure for good means the fallback answers.
   */
  private async call(
    request: LlmRequest,
    ctx: { signal: AbortSignal; log: Logger; chunks?: ChunkSink | undefined },
    budget: TurnBudget,
  ): Promise<Anthropic.Messages.Message> {
    const { signal, log, chunks } = ctx;
    try {
      const res = chunks
        ? await this.opts.llm.stream(request, { signal, log, ...textTo(chunks) })
        : await this.opts.llm.create(request, { signal, log });
      budget.record(res.usage);
      return res;
    } catch (err) {
      if (!(err instanceof LlmError)) throw err;
      if (err.kind === 'aborted') {
        // Why it was abandoned (drain, deadline) is the signal's reason when the worker gave one.
        if (signal.reason instanceof Failure) throw signal.reason;
        throw new Failure('stopping', 'the turn was abandoned while waiting for the LLM', { cause: err });
      }
      log.warn({ err, kind: err.kind }, 'LLM request failed; the offline engine answers');
      throw new UseFallback(reasons[err.kind], err);
    }
  }
}
