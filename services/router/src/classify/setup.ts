import { type Logger, type Metrics, RetryPolicies } from '@switchboard/runtime';
import type { RouterConfig } from '../config.js';
import { createEmbeddedRouterClassifier } from './embedded.js';
import type { Classifier } from './types.js';

/**
 * The router's classifier from its config: the embedded classifier, or, with `ANTHROPIC_API_KEY`
 * set, Claude through the LLM layer (timeout, one quick retry, breaker `llm`) with the embedded
 * classifier deciding whenever Claude cannot.
 */
export async function createClassifier(
  config: Readonly<RouterConfig>,
  metrics: Metrics,
  log: Logger,
): Promise<Classifier> {
  const embedded = createEmbeddedRouterClassifier({ log });
  if (!config.ANTHROPIC_API_KEY) return embedded;
  // Loaded only with a key: the SDK costs ~20 MB of memory the embedded classifier does not need.
  const [{ createAnthropicClient, createLlm, parsePriceTable }, { createClaudeClassifier }] =
    await Promise.all([import('@switchboard/llm'), import('./claude.js')]);
  const timeoutMs = config.ROUTER_LLM_TIMEOUT_MS;
  const llm = createLlm({
    client: createAnthropicClient({
      apiKey: config.ANTHROPIC_API_KEY,
      baseURL: config.ANTHROPIC_BASE_URL,
      timeoutMs,
    }),
    model: config.ANTHROPIC_MODEL,
    timeoutMs,
    retry: RetryPolicies.llmRouting,
    failureThreshold: 5,
    halfOpenAfterMs: 15_000,
    metrics,
    log,
  });
  log.info({ model: config.ANTHROPIC_MODEL }, 'routing with Claude, embedded classifier as fallback');
  return createClaudeClassifier({
    llm,
    fallback: embedded,
    log,
    metrics,
    prices: parsePriceTable(config.LLM_PRICES),
    // Claude picks the agent; the embedded classifier still finds a second request in the message.
    parts: async (text, agents) => (await embedded.classify(text, agents)).parts,
  });
}
