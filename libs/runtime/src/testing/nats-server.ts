import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './free-port.js';

/** A `nats-server` process started by a test; stop it with `stop()`. */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** HTTP monitoring port (`/varz`, `/jsz`). */
  monitorPort: number;
  storeDir: string;
  pid(): number | undefined;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its store unless `keepStore`. */
  stop(opts?: { keepStore?: boolean }): Promise<void>;
  /** Kills the process with `signal` and waits for it to exit (the store stays). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and store. */
  restart(): Promise<void>;
  /** The last lines the server printed, for diagnostics. */
  output(): string;
}

/** Finds `nats-server`: `$NATS_SERVER_BIN`, the PATH, then /usr/sbin and /usr/local/bin. */
export function findNatsServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NATS_SERVER_BIN) return env.NATS_SERVER_BIN;
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/bin', '/usr/bin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, 'nats-server');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

function waitForReady(child: ChildProcess, log: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`nats-server not ready within ${timeoutMs} ms:\n${log.join('')}`));
    }, timeoutMs);
    const onData = (b: Buffer) => {
      if (log.join('').includes('Server is ready')) {
        cleanup();
        resolve();
      }
      void b;
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`nats-server exited with ${code} before it was ready:\n${log.join('')}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * Starts a real `nats-server` with JetStream on a free loopback port and a temporary store.
 * `configFile` is loaded first (e.g. the `nats.conf` of `npm run secure:init`: users, permissions,
 * TLS), the port, address and store given here override it; `extraArgs` are passed through (e.g. a
 * config file for a cluster node).
 */
export async function startNatsServer(
  opts: {
    jetstream?: boolean;
    extraArgs?: string[];
    port?: number;
    storeDir?: string;
    configFile?: string;
  } = {},
): Promise<NatsServer> {
  const bin = findNatsServer();
  if (!bin) {
    throw new Error('nats-server not found: install it (apt-get install nats-server) or set NATS_SERVER_BIN');
  }
  const port = opts.port ?? (await freePort());
  const monitorPort = await freePort();
  const storeDir = opts.storeDir ?? mkdtempSync(join(tmpdir(), 'switchboard-nats-'));
  const args = [
    ...(opts.configFile ? ['-c', opts.configFile] : []),
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    '-m',
    String(monitorPort),
    ...(opts.extraArgs ?? []),
  ];
  if (opts.jetstream !== false) args.push('-js', '-sd', storeDir);
  let child: ChildProcess | undefined;
  const log: string[] = [];

  const launch = async () => {
    log.length = 0;
    const c = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    c.stderr?.on('data', (b: Buffer) => {
      log.push(b.toString());
      if (log.length > 200) log.splice(0, log.length - 200);
    });
    await waitForReady(c, log, 15_000);
  };

  const kill = (signal: NodeJS.Signals = 'SIGKILL') =>
    new Promise<void>((resolve) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      const force = setTimeout(() => c.kill('SIGKILL'), 5000);
      c.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      c.kill(signal);
    });

  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    monitorPort,
    storeDir,
    pid: () => child?.pid,
    output: () => log.join(''),
    kill,
    restart: launch,
    async stop(stopOpts = {}) {
      await kill('SIGTERM');
      if (!stopOpts.keepStore && !opts.storeDir) rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
