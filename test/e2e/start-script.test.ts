// `node scripts/start.mjs` (what `npm start` runs after the build): starts the four services
// against NATS_URL, prints a working example, and on SIGINT stops everything it started, but not a
// NATS server it did not start.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { freePort, type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanEnv, http, repoRoot, sleep, spawnTracked, type TrackedProcess, waitFor } from './harness.js';

const run = promisify(execFile);
const { SERVICE_HEAP_OPTIONS } = (await import(
  pathToFileURL(join(repoRoot, 'scripts', 'lib', 'node-options.mjs')).href
)) as { SERVICE_HEAP_OPTIONS: string };
/** NODE_OPTIONS of the user who runs the script: the services get it after their heap limits. */
const USER_NODE_OPTIONS = '--max-http-header-size=32768';

let nats: NatsServer | undefined;
let script: TrackedProcess | undefined;
let servicePids: number[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
}, 30_000);

afterAll(async () => {
  // Whatever the test left behind: the script, then anything it started (services, a provisioner,
  // a nats-server; they run in their own process groups, so killing the script does not reach
  // them), by PID, even when the test failed before it listed them.
  const started = script?.isRunning() ? (await descendantsOf(script.pid)).map((p) => p.pid) : [];
  await script?.stop('SIGKILL', 5000);
  for (const pid of [...servicePids, ...started]) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  await nats?.stop();
}, 30_000);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** The `NODE_OPTIONS` a process was started with, from its environment. */
async function nodeOptionsOf(pid: number): Promise<string | undefined> {
  const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
  const entry = environ.split('\0').find((e) => e.startsWith('NODE_OPTIONS='));
  return entry?.slice('NODE_OPTIONS='.length);
}

/** The direct children of `pid` with their command lines. */
async function childrenOf(pid: number): Promise<{ pid: number; args: string }[]> {
  const { stdout } = await run('ps', ['-o', 'pid=,args=', '--ppid', String(pid)]).catch(
    (err: { code?: number }) => {
      // ps exits 1 when there are none
      if (err.code === 1) return { stdout: '' };
      throw err;
    },
  );
  return stdout
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), args: m[2]! }));
}

async function hasCurl(): Promise<boolean> {
  try {
    await run('curl', ['--version']);
    return true;
  } catch {
    return false;
  }
}

it('starts the system with the services heap limits in NODE_OPTIONS, prints a working example and stops everything on SIGINT', async () => {
  const server = nats!;
  const [gatewayPort, routerPort, hrPort, financePort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  let out = '';
  script = spawnTracked('start.mjs', process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], {
    env: cleanEnv({
      // start.mjs would otherwise probe 127.0.0.1:4222, which may or may not answer here.
      NATS_URL: server.url,
      GATEWAY_PORT: String(gatewayPort),
      ROUTER_OPS_PORT: String(routerPort),
      HR_OPS_PORT: String(hrPort),
      FINANCE_OPS_PORT: String(financePort),
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: USER_NODE_OPTIONS,
    }),
    onOutput: (s) => {
      out += s;
    },
  });
  const proc = script;

  const until = Date.now() + 45_000;
  while (!out.includes('Switchboard is running.')) {
    if (!proc.isRunning()) throw new Error(`start.mjs exited before its banner:\n${proc.output()}`);
    if (Date.now() > until) throw new Error(`no banner from start.mjs within 45 s:\n${proc.output()}`);
    await sleep(100);
  }
  // The banner is written in one piece; give the pipe a moment in case it was split.
  await sleep(200);

  // Joining a server it did not start runs open, and says so once.
  expect(out.match(/running UNAUTHENTICATED/g)).toHaveLength(1);
  const printedGateway = /Gateway\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
  expect(printedGateway?.[1], out).toBe(String(gatewayPort));
  expect(out).toContain(`NATS       ${server.url}`);
  // The printed web chat address serves the page.
  const webChat = /Web chat\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
  expect(webChat, out).toBe(`http://127.0.0.1:${gatewayPort}/`);
  const page = await fetch(webChat!);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);

  // The printed curl example, run as printed (or its equivalent with fetch where curl is missing).
  const curl = /curl -s (\S+) -H '([^']+)' \\\n\s+-d '([^']+)'/.exec(out);
  expect(curl, out).not.toBeNull();
  const [, target, header, data] = curl as unknown as [string, string, string, string];
  expect(target).toBe(`localhost:${gatewayPort}/v1/ask`);
  let answer: unknown;
  if (await hasCurl()) {
    const { stdout } = await run('curl', ['-s', '--max-time', '15', target, '-H', header, '-d', data]);
    answer = JSON.parse(stdout);
  } else {
    const [name, value] = header.split(/:\s*/) as [string, string];
    answer = (
      await http(`http://${target}`, { body: data, contentType: name === 'content-type' ? value : undefined })
    ).body;
  }
  expect(answer).toMatchObject({ ok: true, status: 'answered', agent: 'finance' });
  expect((answer as { text: string }).text).toMatch(/budget/i);

  const children = await childrenOf(proc.pid);
  servicePids = children.map((c) => c.pid);
  const names = children.map((c) => /services\/([a-z-]+)\/dist\/main\.js/.exec(c.args)?.[1]).sort();
  expect(names, JSON.stringify(children)).toEqual(['finance-agent', 'gateway', 'hr-agent', 'router']);
  // Heap limits at start, through NODE_OPTIONS (nothing changes V8 flags at run time); the user's
  // own NODE_OPTIONS come after them, so theirs win.
  for (const c of children)
    expect(await nodeOptionsOf(c.pid), c.args).toBe(`${SERVICE_HEAP_OPTIONS} ${USER_NODE_OPTIONS}`);
  expect(SERVICE_HEAP_OPTIONS).toMatch(/--max-old-space-size=\d+/);
  expect(SERVICE_HEAP_OPTIONS).toMatch(/--max-semi-space-size=\d+/);

  const sent = Date.now();
  proc.child.kill('SIGINT');
  const exit = await Promise.race([proc.exited, sleep(20_000).then(() => undefined)]);
  expect(exit, `start.mjs still running 20 s after SIGINT:\n${proc.output()}`).toBeDefined();
  expect(exit).toEqual({ code: 0, signal: null });
  await waitFor('the services to exit', () => (servicePids.some(isAlive) ? undefined : true), {
    timeoutMs: Math.max(0, 20_000 - (Date.now() - sent)),
    intervalMs: 100,
  });
  expect(Date.now() - sent).toBeLessThanOrEqual(20_000);

  // The script did not start this nats-server, so it must not have stopped it.
  expect(isAlive(server.pid()!)).toBe(true);
  const nc = await connect({ servers: server.url, timeout: 2000 });
  await nc.flush();
  await nc.close();
}, 90_000);

/** Every descendant of `pid`, deepest last. */
async function descendantsOf(pid: number): Promise<{ pid: number; args: string }[]> {
  const out: { pid: number; args: string }[] = [];
  for (const c of await childrenOf(pid)) out.push(c, ...(await descendantsOf(c.pid)));
  return out;
}

it('npm start -- --own-nats starts its own nats-server even when one answers on 4222, and SIGTERM to npm stops all of it', async () => {
  const [gatewayPort, routerPort, hrPort, financePort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-start-'));
  let out = '';
  const npm = spawnTracked('npm start', 'npm', ['start', '--', '--own-nats'], {
    cwd: repoRoot,
    env: cleanEnv({
      SWITCHBOARD_DATA_DIR: dataDir,
      GATEWAY_PORT: String(gatewayPort),
      ROUTER_OPS_PORT: String(routerPort),
      HR_OPS_PORT: String(hrPort),
      FINANCE_OPS_PORT: String(financePort),
      LOG_LEVEL: 'warn',
      TURBO_TELEMETRY_DISABLED: '1',
    }),
    onOutput: (s) => {
      out += s;
    },
  });
  script = npm;
  try {
    await waitFor(
      'the banner of npm start',
      () => (out.includes('Switchboard is running, secure') ? true : undefined),
      {
        timeoutMs: 120_000,
        intervalMs: 200,
      },
    ).catch((err: unknown) => {
      // Where it stopped: the last lines npm start printed.
      throw new Error(`${String(err)}\n--- npm start printed (last 4000 characters):\n${out.slice(-4000)}`);
    });
    expect(out).toMatch(/started nats-server \(pid \d+\) on port \d+/);
    expect(out).not.toContain('using the JetStream server already running');
    const tree = await descendantsOf(npm.pid);
    servicePids = tree.map((p) => p.pid);
    const server = tree.find((p) => /nats-server/.test(p.args));
    expect(server, JSON.stringify(tree)).toBeDefined();
    expect(server!.args).toContain(dataDir);
    const services = tree.filter((p) => /services\/[a-z-]+\/dist\/main\.js/.test(p.args));
    expect(services).toHaveLength(4);
    // Its own server is secure: TLS, an identity per service, and callers need a token.
    expect(out).toContain('Switchboard is running, secure');
    expect(out).toMatch(/NATS\s+tls:\/\/127\.0\.0\.1:\d+/);
    expect(out).not.toContain('running UNAUTHENTICATED');
    expect(
      tree.some((p) => /scripts\/provision\.mjs --watch/.test(p.args)),
      JSON.stringify(tree),
    ).toBe(true);
    const ask = { text: 'what is the remaining budget of engineering?' };
    const gateway = `http://127.0.0.1:${gatewayPort}/v1/ask`;
    expect((await http(gateway, { body: ask })).status).toBe(401);
    const token = (await readFile(join(dataDir, 'secure', 'carol.token'), 'utf8')).trim();
    const answered = await fetch(gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(ask),
    });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({ ok: true, agent: 'finance' });

    npm.child.kill('SIGTERM');
    const exit = await Promise.race([npm.exited, sleep(30_000).then(() => undefined)]);
    expect(exit, `npm start still running 30 s after SIGTERM:\n${npm.output()}`).toBeDefined();
    await waitFor(
      'every process npm start started to exit',
      () => (servicePids.some(isAlive) ? undefined : true),
      {
        timeoutMs: 20_000,
        intervalMs: 100,
      },
    );
    expect(npm.output()).toContain('stopping the nats-server started here');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}, 180_000);
