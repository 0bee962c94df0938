// Finds a NATS server with JetStream for `npm start`: NATS_URL, else 127.0.0.1:4222, else a
// nats-server started here (store under .data/), else the official image through testcontainers.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { secureInit } from '@switchboard/runtime';
import { findNatsServer, freePort } from '@switchboard/runtime/testing';

/** True when `url` answers and has JetStream enabled. */
export async function hasJetStream(url, timeout = 1500) {
  let nc;
  try {
    nc = await connect({ servers: url, timeout, maxReconnectAttempts: 0, reconnect: false });
    const jsm = await jetstreamManager(nc, { timeout });
    await jsm.getAccountInfo();
    return true;
  } catch {
    return false;
  } finally {
    await nc?.close().catch(() => {});
  }
}

/**
 * Starts a nats-server on a free loopback port, store under the data directory. Secure (the
 * default): it runs the identities and TLS of `npm run secure:init`, written afresh into
 * `<data>/secure` (new keys and demo tokens each start); `secure` is then the result.
 */
async function startLocalServer(root, log, { secure = true } = {}) {
  const bin = findNatsServer();
  if (!bin) return undefined;
  const port = await freePort();
  const dataDir = process.env.SWITCHBOARD_DATA_DIR ?? join(root, '.data');
  const storeDir = join(dataDir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  const init = secure ? await secureInit({ dir: join(dataDir, 'secure'), port, force: true }) : undefined;
  // The secure config names its own store (<data>/secure/jetstream); nats-server refuses both.
  const args = init
    ? ['-c', init.serverConf]
    : ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`nats-server did not start:\n${out}`)), 15000);
    child.stderr.on('data', (b) => {
      out += b;
      if (out.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}:\n${out}`));
    });
  });
  log(
    `started nats-server (pid ${child.pid}) on port ${port}, ${init ? `with the identities, TLS and store of ${init.dir}` : `store ${storeDir}`}`,
  );
  return {
    url: `${init ? 'tls' : 'nats'}://127.0.0.1:${port}`,
    secure: init,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

async function startContainer(log) {
  let tc;
  try {
    tc = await import('testcontainers');
  } catch {
    return undefined;
  }
  try {
    const container = await new tc.GenericContainer('nats:2.10')
      .withCommand(['-js'])
      .withExposedPorts(4222)
      .withWaitStrategy(tc.Wait.forLogMessage(/Server is ready/))
      .start();
    const url = `nats://${container.getHost()}:${container.getMappedPort(4222)}`;
    log(`started the nats image in Docker at ${url}`);
    return { url, stop: () => container.stop() };
  } catch {
    return undefined;
  }
}

/**
 * Returns `{ url, stop?, secure? }`; `stop` is set only for a server this process started, and
 * `secure` (what `secureInit` wrote) when that server runs with identities and TLS. With `own`, a
 * server is started here even when one answers on 4222 (a shared server would get our streams).
 */
export async function findOrStartNats(root, log, { own = false, secure = true } = {}) {
  if (own) {
    if (process.env.NATS_URL) throw new Error('--own-nats and NATS_URL exclude each other: unset one');
    const started = (await startLocalServer(root, log, { secure })) ?? (await startContainer(log));
    if (started) return started;
    throw new Error('--own-nats: no nats-server could be started (install nats-server, or drop --own-nats)');
  }
  if (process.env.NATS_URL) {
    if (!(await hasJetStream(process.env.NATS_URL, 5000))) {
      throw new Error(`NATS_URL=${process.env.NATS_URL} does not answer with JetStream enabled`);
    }
    log(`using NATS_URL ${process.env.NATS_URL}`);
    return { url: process.env.NATS_URL };
  }
  const local = 'nats://127.0.0.1:4222';
  if (await hasJetStream(local)) {
    log(
      `using the JetStream server already running at ${local} (its streams and buckets are created there; npm start -- --own-nats starts a server of its own instead)`,
    );
    return { url: local };
  }
  const started = (await startLocalServer(root, log, { secure })) ?? (await startContainer(log));
  if (started) return started;
  throw new Error(
    [
      'No NATS server with JetStream found, and none could be started.',
      'Do one of these and run npm start again:',
      '  - install nats-server (Debian/Ubuntu: sudo apt-get install nats-server; macOS: brew install nats-server)',
      '  - run one yourself: nats-server -js, or docker run -p 4222:4222 nats -js',
      '  - point NATS_URL at a JetStream-enabled server',
    ].join('\n'),
  );
}
