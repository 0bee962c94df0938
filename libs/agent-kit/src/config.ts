import { BaseEnv, DeliveryDefaults, loadConfig, portVar } from '@switchboard/runtime';
import { z } from 'zod';

/** Environment of an agent service; `defaultOpsPort` differs per agent type. */
export function agentEnv(defaultOpsPort: number) {
  return BaseEnv.extend({
    OPS_PORT: portVar(defaultOpsPort),
    /** Tasks one instance handles at once. */
    AGENT_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(DeliveryDefaults.concurrency),
    /** Deliveries of a task before it is dead-lettered. */
    AGENT_MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(DeliveryDefaults.maxDeliver),
    /** How long a task may be held without an ack or in-progress signal, in ms. */
    AGENT_ACK_WAIT_MS: z.coerce.number().int().min(1000).max(600_000).default(DeliveryDefaults.ackWaitMs),
    /** Timeout of one LLM call, in ms. */
    AGENT_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    /** How long the LLM breaker stays open before a trial call, in ms. */
    AGENT_LLM_HALF_OPEN_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    /** Timeout of one tool call against the agent's domain store, in ms. */
    AGENT_TOOL_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5000),
    /**
     * Which tool outputs are checked against their schema: `sample` (the first 100 calls of each
     * tool, then one in 100) or `all`. Outputs are built from records validated when read.
     */
    AGENT_TOOL_OUTPUT_CHECK: z.enum(['sample', 'all']).default('sample'),
  });
}
export type AgentConfig = z.infer<ReturnType<typeof agentEnv>>;

/** Loads an agent service's config once, frozen. */
export function loadAgentConfig(
  defaultOpsPort: number,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<AgentConfig> {
  return loadConfig(agentEnv(defaultOpsPort), env);
}
