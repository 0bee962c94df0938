import { type Logger, type Metrics, RetryPolicies } from '@switchboard/runtime';
import type { Engine } from '../engine.js';
import type { ToolExecutor } from '../tools/executor.js';
import type { ClaudeEngineOptions } from './engine.js';
import { withZeroSpend } from './zero-spend.js';

/** LLM settings from an agent's config; without an API key the offline engine answers. */
export interface LlmSettings {
  apiKey?: string | undefined;
  baseURL?: string | undefined;
  model: string;
  /** Per-call timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** How long the `llm` breaker stays open before a trial call, in ms (default 30 s). */
  halfOpenAfterMs?: number;
  /**
   * Price table overrides (`LLM_PRICES`): `<model prefix>=<input>/<output>` in USD per million
   * tokens, comma-separated; added to the built-in table (docs/workflows/budgets.md).
   */
  prices?: string | undefined;
}

/**
 * The engine an agent answers with: its offline engine when no API key is set; otherwise Claude on
 * the same tools, behind the `llm` breaker, with the offline engine standing in whenever Claude
 * cannot answer. Async because the Anthropic SDK is imported only when a key is set.
 */
export async function withClaude(opts: {
  agent: string;
  llm?: LlmSettings | undefined;
  offline: Engine;
  executor: ToolExecutor;
  system: ClaudeEngineOptions['system'];
  metrics?: Metrics | undefined;
  log: Logger;
}): Promise<Engine> {
  const { llm } = opts;
  if (!llm?.apiKey) {
    opts.log.info(`no ANTHROPIC_API_KEY: the offline ${opts.agent} engine answers`);
    return withZeroSpend(opts.offline);
  }
  opts.log.info({ model: llm.model }, `the ${opts.agent} engine answers with Claude (offline fallback)`);
  // Loaded only with a key: the SDK costs ~20 MB of memory that offline agents do not need.
  const [{ createAnthropicClient, createLlm, parsePriceTable }, { createClaudeEngine }] = await Promise.all([
    import('@switchboard/llm'),
    import('./engine.js'),
  ]);
  const timeoutMs = llm.timeoutMs ?? 30_000;
  return createClaudeEngine({
    llm: createLlm({
      client: createAnthropicClient({ apiKey: llm.apiKey, baseURL: llm.baseURL, timeoutMs }),
      model: llm.model,
      timeoutMs,
      retry: RetryPolicies.llm,
      failureThreshold: 5,
      halfOpenAfterMs: llm.halfOpenAfterMs ?? 30_000,
      metrics: opts.metrics,
      log: opts.log,
    }),
    system: opts.system,
    executor: opts.executor,
    fallback: opts.offline,
    agent: opts.agent,
    metrics: opts.metrics,
    prices: parsePriceTable(llm.prices),
  });
}
