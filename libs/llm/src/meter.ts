import { type Budget, budgetLeft, type Spend } from '@switchboard/contracts';
import type { LlmRequest } from './llm.js';
import { costOf, inputTokensOf, type ModelPrice, type PriceTable, priceOf, type Usage } from './prices.js';

/** Settings of {@link createBudgetMeter}. */
export interface BudgetMeterOptions {
  /** What the request may still spend; absent: unlimited (spend is still counted). */
  budget?: Budget | undefined;
  /** The model the calls go to (priced by its prefix in `prices`). */
  model: string;
  prices?: PriceTable | undefined;
  /**
   * The smallest `max_tokens` worth a call: when what is left allows less, the call is not made
   * (default 256, or the request's own `max_tokens` when smaller).
   */
  minOutputTokens?: number;
}

/** What {@link BudgetMeter.plan} decides for the next call. */
export type CallPlan =
  | { ok: true; maxTokens: number }
  /** The call's worst case does not fit what is left: `need` is that worst case at its smallest. */
  | { ok: false; need: { tokens: number; usd: number }; left: Budget };

/**
 * Keeps one request's LLM spend against its budget: before each Messages call {@link plan} checks the
 * call's worst case (estimated input plus `max_tokens`, in tokens and priced in dollars) against what
 * is left, lowering `max_tokens` to fit when that still leaves a useful answer; after each call
 * {@link record} deducts the real usage the API reported.
 */
export interface BudgetMeter {
  plan(request: LlmRequest): CallPlan;
  record(usage: Usage | null | undefined): void;
  /** The spend so far, with what is left of the budget (`left`, absent without a budget). */
  spend(): Spend;
  /** The budget left now (`undefined` without a budget). */
  left(): Budget | undefined;
}

/** Tokens the API adds for tool use (its tool-use system prompt) when a request has tools. */
const TOOL_OVERHEAD_TOKENS = 350;
/** Framing tokens per message. */
const MESSAGE_OVERHEAD_TOKENS = 8;
/** Characters per token assumed by the estimate: 3 overestimates English and JSON, on purpose. */
const CHARS_PER_TOKEN = 3;

/**
 * A deliberately high estimate of a request's input tokens, without a tokenizer or an API call:
 * one token per 3 characters of its system prompt, messages and tools, plus framing.
 */
export function estimateInputTokens(request: LlmRequest): number {
  const chars =
    JSON.stringify(request.system ?? '').length +
    JSON.stringify(request.messages).length +
    (request.tools ? JSON.stringify(request.tools).length : 0);
  return (
    Math.ceil(chars / CHARS_PER_TOKEN) +
    request.messages.length * MESSAGE_OVERHEAD_TOKENS +
    (request.tools?.length ? TOOL_OVERHEAD_TOKENS : 0)
  );
}

/** A meter for one request (one turn of an agent, one routing decision). */
export function createBudgetMeter(opts: BudgetMeterOptions): BudgetMeter {
  const price: ModelPrice = priceOf(opts.model, opts.prices);
  const spent = { inputTokens: 0, outputTokens: 0, usd: 0, llmCalls: 0 };
  const left = () => budgetLeft(opts.budget, spent);
  return {
    plan(request) {
      const estIn = estimateInputTokens(request);
      const wanted = request.max_tokens;
      const l = left();
      let allowed = wanted;
      if (l?.tokens !== undefined) allowed = Math.min(allowed, l.tokens - estIn);
      if (l?.usd !== undefined) {
        const afterInput = l.usd - (estIn * price.input) / 1_000_000;
        allowed = Math.min(allowed, Math.floor((afterInput * 1_000_000) / price.output));
      }
      const floor = Math.min(opts.minOutputTokens ?? 256, wanted);
      if (allowed >= floor) return { ok: true, maxTokens: allowed };
      const usd = (estIn * price.input + floor * price.output) / 1_000_000;
      return { ok: false, need: { tokens: estIn + floor, usd }, left: l ?? {} };
    },
    record(usage) {
      spent.llmCalls += 1;
      if (!usage) return;
      spent.inputTokens += inputTokensOf(usage);
      spent.outputTokens += usage.output_tokens ?? 0;
      spent.usd += costOf(usage, price);
    },
    spend() {
      const l = left();
      return { ...spent, usd: Math.round(spent.usd * 1_000_000) / 1_000_000, ...(l ? { left: l } : {}) };
    },
    left,
  };
}
