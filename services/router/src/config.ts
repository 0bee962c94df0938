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
});
export type RouterConfig = z.infer<typeof RouterEnv>;

export function loadRouterConfig(env: NodeJS.ProcessEnv = process.env): Readonly<RouterConfig> {
  return loadConfig(RouterEnv, env);
}
