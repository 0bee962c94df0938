import { BaseEnv, loadConfig, portVar } from '@switchboard/runtime';
import { z } from 'zod';
import { EdgeDefaults } from './edge.js';

const commaList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
/** `*`, or an origin as browsers send it: `scheme://host[:port]`, nothing after. */
function isOrigin(s: string): boolean {
  if (s === '*') return true;
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s;
  } catch {
    return false;
  }
}
const ms = (min: number, max: number, dflt: number) =>
  z.coerce.number().int().min(min).max(max).default(dflt);

/** The gateway's environment. */
export const GatewayEnv = BaseEnv.extend({
  GATEWAY_PORT: portVar(8080),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  /**
   * A separate ops server (`/metrics`, `/healthz`, `/readyz`) on `OPS_HOST:OPS_PORT`. Unset: the
   * ops routes are served on the API port, as before.
   */
  OPS_PORT: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().int().min(0).max(65535).optional(),
  ),
  /** How long `POST /v1/ask` waits for the answer, in ms. */
  GATEWAY_TIMEOUT_MS: ms(100, 300_000, 30_000),
  /**
   * Comma-separated API keys. When set, every `/v1/*` route needs one, as `X-API-Key: <key>` or
   * `Authorization: Bearer <key>`; when empty, the API is open (local use).
   */
  GATEWAY_API_KEYS: commaList,
  /** Requests one caller (API key, else client address) may make per window; 0 turns the limit off. */
  GATEWAY_RATE_LIMIT_MAX: z.coerce.number().int().min(0).max(1_000_000).default(EdgeDefaults.rateLimitMax),
  /** The rate limit's window, in ms. */
  GATEWAY_RATE_LIMIT_WINDOW_MS: ms(1000, 3_600_000, EdgeDefaults.rateLimitWindowMs),
  /** Time for a whole request (headers and body) to arrive; a slower one gets 408 and is closed. */
  GATEWAY_REQUEST_TIMEOUT_MS: ms(500, 300_000, EdgeDefaults.requestTimeoutMs),
  /** Time for the request headers to arrive (at most `GATEWAY_REQUEST_TIMEOUT_MS`). */
  GATEWAY_HEADERS_TIMEOUT_MS: ms(500, 300_000, EdgeDefaults.headersTimeoutMs),
  /**
   * Comma-separated origins that browsers may call the API from (CORS). Empty (the default): no
   * CORS headers at all, so a browser page of another origin cannot read the answers.
   */
  GATEWAY_CORS_ORIGINS: commaList.refine((list) => list.every(isOrigin), {
    message: 'each entry must be an origin such as https://app.example.com (scheme, host, port), or *',
  }),
}).refine((c) => c.GATEWAY_HEADERS_TIMEOUT_MS <= c.GATEWAY_REQUEST_TIMEOUT_MS, {
  path: ['GATEWAY_HEADERS_TIMEOUT_MS'],
  message: 'must not be longer than GATEWAY_REQUEST_TIMEOUT_MS',
});
export type GatewayConfig = z.infer<typeof GatewayEnv>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): Readonly<GatewayConfig> {
  return loadConfig(GatewayEnv, env);
}
