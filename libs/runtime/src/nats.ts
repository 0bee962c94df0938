import { readFileSync } from 'node:fs';
import {
  type Authenticator,
  connect,
  createInbox,
  type NatsConnection,
  type NodeConnectionOptions,
  nkeyAuthenticator,
  nkeys,
  usernamePasswordAuthenticator,
} from '@nats-io/transport-node';
import { ConfigError, type NatsSecurityEnv, natsSecurityProblems } from './config.js';
import type { Logger } from './logger.js';

export type { NatsConnection } from '@nats-io/transport-node';

/** How a connection authenticates and protects itself, as {@link natsSecurityOptions} builds it. */
export interface NatsSecurity {
  /** `secure`: credentials or TLS configured; `open`: neither (an unauthenticated connection). */
  mode: 'open' | 'secure';
  /** What is configured, for a log line: never a secret or a file's content. */
  summary: { auth: 'none' | 'nkey' | 'user'; tls: boolean; inboxPrefix: string };
  /** The nats.js connection options that carry it. */
  options: Pick<NodeConnectionOptions, 'authenticator' | 'tls' | 'inboxPrefix'>;
}

/** Reads a file when called: a seed or password is read again at each (re)connect, so it can be rotated. */
function fileText(variable: string, file: string): () => string {
  return () => {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new ConfigError([`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`]);
    }
  };
}

/** True for a well-formed user nkey seed (`SU...`, checksum included). */
function isUserSeed(seed: string): boolean {
  if (!/^SU[A-Z2-7]{56}$/.test(seed)) return false;
  try {
    nkeys.fromSeed(new TextEncoder().encode(seed)).clear();
    return true;
  } catch {
    return false;
  }
}

/**
 * The connection options of {@link NatsSecurityEnv}: an nkey authenticator (the seed read from its
 * file, never from the environment), or a user with a password file; TLS with the CA file (or with
 * the system's CAs for a `tls://` URL); the identity's inbox prefix. The files are checked here, so
 * a missing one stops the service at start with its variable's name.
 */
export function natsSecurityOptions(env: Partial<NatsSecurityEnv>, url = ''): NatsSecurity {
  const problems = natsSecurityProblems(env);
  if (problems.length > 0) throw new ConfigError(problems);
  let authenticator: Authenticator | undefined;
  let auth: NatsSecurity['summary']['auth'] = 'none';
  if (env.NATS_NKEY_SEED_FILE) {
    const seed = fileText('NATS_NKEY_SEED_FILE', env.NATS_NKEY_SEED_FILE);
    if (!isUserSeed(seed())) {
      throw new ConfigError([
        `NATS_NKEY_SEED_FILE: ${env.NATS_NKEY_SEED_FILE} does not hold a user nkey seed`,
      ]);
    }
    authenticator = nkeyAuthenticator(() => new TextEncoder().encode(seed()));
    auth = 'nkey';
  } else if (env.NATS_USER && env.NATS_PASSWORD_FILE) {
    const password = fileText('NATS_PASSWORD_FILE', env.NATS_PASSWORD_FILE);
    if (password() === '') throw new ConfigError([`NATS_PASSWORD_FILE: ${env.NATS_PASSWORD_FILE} is empty`]);
    authenticator = usernamePasswordAuthenticator(env.NATS_USER, password);
    auth = 'user';
  }
  const wantsTls = Boolean(env.NATS_CA_FILE) || /(^|,)\s*tls:\/\//i.test(url);
  if (env.NATS_CA_FILE) fileText('NATS_CA_FILE', env.NATS_CA_FILE)();
  const inboxPrefix = env.NATS_INBOX_PREFIX ?? '_INBOX';
  return {
    mode: authenticator || wantsTls ? 'secure' : 'open',
    summary: { auth, tls: wantsTls, inboxPrefix },
    options: {
      ...(authenticator ? { authenticator } : {}),
      ...(wantsTls ? { tls: env.NATS_CA_FILE ? { caFile: env.NATS_CA_FILE } : {} } : {}),
      ...(env.NATS_INBOX_PREFIX ? { inboxPrefix: env.NATS_INBOX_PREFIX } : {}),
    },
  };
}

/**
 * A new reply subject under the connection's inbox prefix (`NATS_INBOX_PREFIX`): the only inboxes
 * its identity may subscribe to. Use it instead of nats.js's `createInbox()` for hand-made inboxes.
 */
export function newInbox(nc: NatsConnection): string {
  const prefix = (nc as unknown as { options?: { inboxPrefix?: string } }).options?.inboxPrefix;
  return createInbox(prefix || undefined);
}

/**
 * Connects to NATS as `<service>@<instance>`, reconnecting forever, and logs connection status
 * changes. `waitOnFirstConnect` lets a service start before the server is up.
 */
export async function connectNats(opts: {
  url: string;
  service: string;
  instance: string;
  log: Logger;
  /** Credentials, TLS and inbox prefix (file paths); none: open mode, warned about once. */
  security?: Partial<NatsSecurityEnv>;
  /** Give up the first connection after this long (ms); reconnects after that are unbounded. */
  firstConnectTimeoutMs?: number;
}): Promise<NatsConnection> {
  const security = natsSecurityOptions(opts.security ?? {}, opts.url);
  if (security.mode === 'open') {
    opts.log.warn(
      'running unauthenticated (open mode): no NATS credentials and no TLS, so anyone on the bus can ' +
        'read, forge or delete messages, and callers are trusted unless SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE ' +
        'is set; npm run secure:init writes an identity per service and demo tokens',
    );
  }
  const nc = await connect({
    ...security.options,
    servers: opts.url.split(',').map((s) => s.trim()),
    name: `${opts.service}@${opts.instance}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    waitOnFirstConnect: true,
    timeout: opts.firstConnectTimeoutMs ?? 20_000,
    pingInterval: 10_000,
    noAsyncTraces: true,
  });
  opts.log.info({ server: nc.getServer(), ...security.summary }, 'connected to NATS');
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnecting')
        opts.log.warn({ status: s.type }, 'NATS connection lost');
      else if (s.type === 'reconnect') opts.log.info({ status: s.type }, 'NATS connection restored');
      else if (s.type === 'error') opts.log.error({ err: s.error }, 'NATS connection error');
    }
  })();
  return nc;
}

/**
 * Makes the next messages start a new socket write when the connection's buffer is close to the
 * size at which nats.js writes it out in the middle of a publish (32 KB). A reply and its ack
 * published next then leave in one write: were they split, a process killed between the two
 * writes would have answered without acking, and the task's redelivery would answer again.
 * Uses nats.js internals; does nothing if their shape changes.
 */
export function startNewWrite(nc: NatsConnection, roomBytes = 8 * 1024): void {
  const p = (
    nc as unknown as {
      protocol?: { outbound?: { size(): number }; pendingLimit?: number; flushPending?: () => void };
    }
  ).protocol;
  if (!p?.outbound || typeof p.pendingLimit !== 'number' || typeof p.flushPending !== 'function') return;
  if (p.outbound.size() + roomBytes >= p.pendingLimit) p.flushPending();
}
