import { BaseEnv, loadConfig, portVar } from '@switchboard/runtime';
import { z } from 'zod';

/** The gateway's environment. */
export const GatewayEnv = BaseEnv.extend({
  GATEWAY_PORT: portVar(8080),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  /** How long `POST /v1/ask` waits for the answer, in ms. */
  GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  /**
   * Comma-separated API keys. When set, every `/v1/*` call needs `Authorization: Bearer <key>`;
   * when empty, the API is open (local use).
   */
  GATEWAY_API_KEYS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
});
export type GatewayConfig = z.infer<typeof GatewayEnv>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): Readonly<GatewayConfig> {
  return loadConfig(GatewayEnv, env);
}
