import { BaseEnv, loadConfig, portVar } from '@switchboard/runtime';
import { z } from 'zod';

/** The router's environment. */
export const RouterEnv = BaseEnv.extend({
  OPS_PORT: portVar(9410),
  /** Timeout of one task publish to JetStream, in ms. */
  ROUTER_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** Attempts of one task publish; with backoff up to 2 s, 12 attempts ride out ~20 s of election. */
  ROUTER_PUBLISH_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(12),
  /** Timeout of one LLM classification call, in ms. */
  ROUTER_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(4000),
  /**
   * Scatter-gather: how long the router gathers the parts' answers for a caller that sent no
   * deadline (`Switchboard-Deadline`), in ms. Under `nats req`'s default 5 s timeout.
   */
  ROUTER_GATHER_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(4000),
  /** Kept back from the caller's deadline to send the combined answer in time, in ms. */
  ROUTER_GATHER_MARGIN_MS: z.coerce.number().int().min(0).max(10_000).default(250),
  /**
   * Added to the caller's deadline on each part's task, in ms: a part that misses the gather may
   * still be answered into its session this long after the caller stopped waiting (0: not at all).
   */
  ROUTER_GATHER_LATE_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
});
export type RouterConfig = z.infer<typeof RouterEnv>;

export function loadRouterConfig(env: NodeJS.ProcessEnv = process.env): Readonly<RouterConfig> {
  return loadConfig(RouterEnv, env);
}
