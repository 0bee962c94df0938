import { hostname } from 'node:os';
import { z } from 'zod';

/** A bad configuration: the service stops at start and prints every problem. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * How a service proves itself to NATS and checks the server: file paths, never the secret itself
 * (`npm run secure:init` writes them into `<identity>.env`). Nothing set: open mode (no credentials,
 * no TLS), as against a server without authorization.
 */
export const NatsSecurityEnv = z.object({
  /** The nkey seed file of this service's NATS identity (`<identity>.nk`, mode 0600). */
  NATS_NKEY_SEED_FILE: optionalString,
  /** A NATS user name, with its password in `NATS_PASSWORD_FILE` (instead of an nkey). */
  NATS_USER: optionalString,
  /** The file holding the password of `NATS_USER`. */
  NATS_PASSWORD_FILE: optionalString,
  /** The CA certificate (PEM) the server's TLS certificate must be signed by. Set: TLS is required. */
  NATS_CA_FILE: optionalString,
  /**
   * Prefix of this connection's reply subjects, `_INBOX.<identity>` where the server lets each
   * identity subscribe to its own inboxes only. Default `_INBOX`.
   */
  NATS_INBOX_PREFIX: optionalString.pipe(
    z
      .string()
      .regex(/^_INBOX(\.[A-Za-z0-9_-]{1,64})*$/, 'must be _INBOX or _INBOX.<token>, e.g. _INBOX.router')
      .optional(),
  ),
});
export type NatsSecurityEnv = z.infer<typeof NatsSecurityEnv>;

/** The cross-variable rules of {@link NatsSecurityEnv}: one way to authenticate, complete. */
export function natsSecurityProblems(env: Partial<NatsSecurityEnv>): string[] {
  const problems: string[] = [];
  if (env.NATS_USER && !env.NATS_PASSWORD_FILE) problems.push('NATS_USER: needs NATS_PASSWORD_FILE');
  if (env.NATS_PASSWORD_FILE && !env.NATS_USER) problems.push('NATS_PASSWORD_FILE: needs NATS_USER');
  if (env.NATS_USER && env.NATS_NKEY_SEED_FILE)
    problems.push('NATS_NKEY_SEED_FILE: set either an nkey seed or NATS_USER, not both');
  return problems;
}

/** A NATS URL list; credentials in it (`nats://user:pass@host`) are refused: they would be logged. */
const natsUrl = z
  .string()
  .min(1)
  .refine(
    (v) => !v.split(',').some((u) => /^[a-z]+:\/\/[^/]*@/i.test(u.trim()) || /^[^/]*@/.test(u.trim())),
    'must not hold credentials (user:password@): use NATS_USER with NATS_PASSWORD_FILE, or NATS_NKEY_SEED_FILE',
  );

/** Environment every service reads. Service config modules extend it with `.extend({...})`. */
export const BaseEnv = z.object({
  NATS_URL: natsUrl.default('nats://127.0.0.1:4222'),
  ...NatsSecurityEnv.shape,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Address the ops server (`/metrics`, `/healthz`, `/readyz`) listens on. Loopback by default:
   * metrics and readiness are for this machine's Prometheus and supervisor; set `0.0.0.0` (or an
   * interface's address) where a scraper or orchestrator reaches the service from elsewhere.
   */
  OPS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  /** Distinguishes instances of one service; defaults to `<host>-<pid>`. */
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default(
      `${hostname()
        .replace(/[^A-Za-z0-9_-]/g, '-')
        .slice(0, 40)}-${process.pid}`,
    ),
  /** Replicas of streams and buckets: 1 on one server, 3 in a cluster. */
  JS_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /**
   * Who creates streams and buckets. `self` (open mode): the service creates them at start and
   * again when one goes missing. `external` (with NATS identities): the `admin` identity does
   * (`npm run provision`); the service only checks and is not ready while one is missing.
   */
  SWITCHBOARD_PROVISION: z.enum(['self', 'external']).default('self'),
  /** How often a service checks that its streams, buckets and consumer exist (ms). */
  DEPENDENCY_CHECK_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalString,
  ANTHROPIC_MODEL: z.string().min(1).default('claude-sonnet-4-6'),
  /**
   * Price table overrides for request budgets: `<model prefix>=<input>/<output>` in USD per million
   * tokens, comma-separated (e.g. `claude-sonnet-4=3/15`), on top of the built-in table
   * (docs/workflows/budgets.md).
   */
  LLM_PRICES: optionalString,
  /**
   * The public key (PEM) that caller tokens are verified with (`token-verify.pub` of `npm run
   * secure:init`). Set: every request needs `Authorization: Bearer <token>` and its `userId` must be
   * the token's. Unset (open mode): the `userId` of a request is trusted.
   */
  SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE: optionalString,
});
export type BaseEnv = z.infer<typeof BaseEnv>;

/** An integer port variable with a default. */
export const portVar = (defaultPort: number) => port.default(defaultPort);

/**
 * Parses `env` with `schema` once and freezes the result. On failure throws {@link ConfigError}
 * listing every bad variable. Only config modules call this; nothing else reads `process.env`.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.infer<S>> {
  const r = schema.safeParse(env);
  if (!r.success) {
    throw new ConfigError(
      r.error.issues.map((i) => `${i.path.map(String).join('.') || '(env)'}: ${i.message}`),
    );
  }
  const problems = natsSecurityProblems(r.data as Partial<NatsSecurityEnv>);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(r.data);
}

/**
 * For a composition root: loads the config, or prints the list of problems as `<service>: ...` and
 * exits with code 2, so a bad value stops the service at start with a readable message.
 */
export function loadConfigOrExit<C>(service: string, load: () => C): C {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${service}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
