// The LLM layer shared by the router and the agents. Loading it loads the Anthropic SDK (~20 MB):
// services import it only when an API key is set.
export type { default as Anthropic } from '@anthropic-ai/sdk';
export { createAnthropicClient } from './client.js';
export {
  type ClassifyOptions,
  classifyLlmError,
  LlmError,
  type LlmFailureKind,
  maxUpstreamMessageChars,
  redactSecrets,
} from './failure.js';
export { createLlm, type Llm, type LlmCallOptions, type LlmOptions, type LlmRequest } from './llm.js';
export {
  type BudgetMeter,
  type BudgetMeterOptions,
  type CallPlan,
  createBudgetMeter,
  estimateInputTokens,
} from './meter.js';
export {
  costOf,
  DefaultPrices,
  inputTokensOf,
  type ModelPrice,
  type PriceTable,
  parsePriceTable,
  priceOf,
  type Usage,
} from './prices.js';
export { retryAfterMs } from './retry-after.js';
