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

/** Environment every service reads. Service config modules extend it with `.extend({...})`. */
export const BaseEnv = z.object({
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalString,
  ANTHROPIC_MODEL: z.string().min(1).default('claude-sonnet-4-6'),
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
