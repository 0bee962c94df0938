import { runAgentMain } from '@switchboard/agent-kit';
import { hrProfile } from './card.js';
import { createHrEngine } from './engine/index.js';

await runAgentMain({
  profile: hrProfile,
  version: '0.1.0',
  defaultOpsPort: 9411,
  createEngine: ({ config, rt }) =>
    createHrEngine({
      nc: rt.nc,
      log: rt.log,
      metrics: rt.metrics,
      replicas: config.JS_REPLICAS,
      toolTimeoutMs: config.AGENT_TOOL_TIMEOUT_MS,
      llm: {
        apiKey: config.ANTHROPIC_API_KEY,
        baseURL: config.ANTHROPIC_BASE_URL,
        model: config.ANTHROPIC_MODEL,
        timeoutMs: config.AGENT_LLM_TIMEOUT_MS,
        halfOpenAfterMs: config.AGENT_LLM_HALF_OPEN_MS,
      },
    }),
});
