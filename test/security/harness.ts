// A nats-server running the configuration `npm run secure:init` writes (nkey users with the
// permissions of libs/runtime/src/security/identities.ts, TLS), and connections as each identity.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  DeployedAgents,
  loadConfig,
  NatsSecurityEnv,
  natsSecurityOptions,
  provisionAll,
  type SecureInitResult,
  secureInit,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { allServices, type ServiceName, Stack } from '../e2e/harness.js';

/** A permission violation the server reported to one connection. */
export interface Violation {
  operation: 'publish' | 'subscription';
  subject: string;
  queue?: string | undefined;
}

/** A connection as one identity, with every permission violation the server reported to it. */
export interface IdentityConnection {
  identity: string;
  nc: NatsConnection;
  violations: Violation[];
}

/** The secured server, its files, and the connections opened through {@link SecureNats.connectAs}. */
export class SecureNats {
  readonly #connections: NatsConnection[] = [];

  constructor(
    readonly dir: string,
    readonly init: SecureInitResult,
    readonly server: NatsServer,
  ) {}

  /** `tls://127.0.0.1:<port>` */
  get url(): string {
    return `tls://127.0.0.1:${this.server.port}`;
  }

  /** The variables of `<identity>.env`, with `NATS_URL` pointing at this server. */
  env(identity: string): Record<string, string> {
    const file = this.init.identities[identity]?.envFile;
    if (!file) throw new Error(`no identity ${identity}`);
    const vars = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
    return { ...vars, NATS_URL: this.url };
  }

  /** Connects as `identity` with its env file's settings, the way the services do. */
  async connectAs(identity: string): Promise<IdentityConnection> {
    const env = this.env(identity);
    const security = natsSecurityOptions(loadConfig(NatsSecurityEnv, env), env.NATS_URL);
    const nc = await connect({
      ...security.options,
      servers: this.url,
      name: `security-test-${identity}`,
      maxReconnectAttempts: 0,
    });
    this.#connections.push(nc);
    const violations: Violation[] = [];
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type !== 'error') continue;
        const e = s.error as { name?: string; operation?: string; subject?: string; queue?: string };
        if (e.name === 'PermissionViolationError' && e.subject) {
          violations.push({
            operation: e.operation === 'subscription' ? 'subscription' : 'publish',
            subject: e.subject,
            queue: e.queue,
          });
        }
      }
    })();
    return { identity, nc, violations };
  }

  /** Closes every connection, stops the server and removes the directory. */
  async stop(): Promise<void> {
    await Promise.all(this.#connections.splice(0).map((nc) => nc.close().catch(() => undefined)));
    await this.server.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs `npm run secure:init`'s function into a temporary directory and starts a server with it. */
export async function startSecureNats(): Promise<SecureNats> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-secure-'));
  try {
    const init = await secureInit({ dir: join(dir, 'secure') });
    const server = await startNatsServer({ configFile: init.natsConf });
    return new SecureNats(dir, init, server);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The whole system on a secure server: what {@link startSecureStack} started. */
export interface SecureStack {
  secure: SecureNats;
  stack: Stack;
  /** The `admin` identity's connection (it provisioned the streams and buckets). */
  admin: IdentityConnection;
  /** The demo tokens by user (`alice`, `bob`, `carol`). */
  tokens: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A secure server, provisioned as `admin` (the services only check their streams and buckets), and
 * the four services, each as its own identity with `extraEnv(service)` added to its environment.
 */
export async function startSecureStack(
  extraEnv: (service: ServiceName) => Record<string, string> = () => ({}),
): Promise<SecureStack> {
  const secure = await startSecureNats();
  const stack = new Stack(secure.server);
  const stop = async () => {
    await stack.stop();
    await secure.stop();
  };
  try {
    const tokens: Record<string, string> = {};
    for (const [user, file] of Object.entries(secure.init.tokens.tokenFiles)) {
      tokens[user] = readFileSync(file, 'utf8').trim();
    }
    const admin = await secure.connectAs('admin');
    await provisionAll(admin.nc, await jetstreamManager(admin.nc), { agents: DeployedAgents });
    await Promise.all(allServices.map((s) => stack.start(s, { ...secure.env(s), ...extraEnv(s) })));
    return { secure, stack, admin, tokens, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
