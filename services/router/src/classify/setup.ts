import { createGuard, type Logger, type Metrics } from '@switchboard/runtime';
import type { RouterConfig } from '../config.js';
import { createEmbeddedRouterClassifier } from './embedded.js';
import type { Classifier } from './types.js';

/**
 * The router's classifier from its config: the embedded classifier, or, with `ANTHROPIC_API_KEY`
 * set, Claude behind a guard (timeout, bounded retry, breaker `llm`) with the embedded classifier
 * deciding whenever Claude cannot.
 */
export async function createClassifier(
  config: Readonly<RouterConfig>,
  metrics: Metrics,
  log: Logger,
): Promise<Classifier> {
  const embedded = createEmbeddedRouterClassifier();
  if (!config.ANTHROPIC_API_KEY) return embedded;
  // Loaded only with a key: the SDK costs ~20 MB of memory the embedded classifier does not need.
  const [{ default: Anthropic }, { createClaudeClassifier }] = await Promise.all([
    import('@anthropic-ai/sdk'),
    import('./claude.js'),
  ]);
  const client = new Anthropic({
    apiKey: config.ANTHROPIC_API_KEY,
    ...(config.ANTHROPIC_BASE_URL ? { baseURL: config.ANTHROPIC_BASE_URL } : {}),
    maxRetries: 0,
  });
  const guard = createGuard(
    {
      target: 'llm',
      timeoutMs: config.ROUTER_LLM_TIMEOUT_MS,
      attempts: 2,
      failureThreshold: 5,
      halfOpenAfterMs: 15_000,
    },
    metrics,
  );
  log.info({ model: config.ANTHROPIC_MODEL }, 'routing with Claude, embedded classifier as fallback');
  return createClaudeClassifier({
    client,
    model: config.ANTHROPIC_MODEL,
    guard,
    fallback: embedded,
    metrics,
    log,
    // Claude picks the agent; the embedded classifier still finds a second request in the message.
    parts: async (text, agents) => (await embedded.classify(text, agents)).parts,
  });
}
