// End-to-end harness: a fresh nats-server per test file and the real service processes
// (`node services/<name>/dist/main.js`) on free ports. It stops exactly the processes it started,
// by PID, even when a test or the start-up itself fails.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, createInbox, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { freePort, type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** The repository root. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type ServiceName = 'router' | 'hr-agent' | 'finance-agent' | 'gateway';
export const allServices: readonly ServiceName[] = ['router', 'hr-agent', 'finance-agent', 'gateway'];

/** How a process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A process started by a test, with its output kept for diagnostics. */
export interface TrackedProcess {
  readonly label: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitInfo>;
  isRunning(): boolean;
  /** The last lines it printed (stdout and stderr). */
  output(): string;
  /** Sends `signal` (default SIGTERM) and waits for the exit; SIGKILL after `graceMs` (10 s). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<ExitInfo>;
}

/** A service process with its HTTP port (ops server; the gateway's API and ops). */
export interface ServiceProcess extends TrackedProcess {
  readonly name: ServiceName;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort: when the test worker exits with children still running, kill them. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
}

const OUTPUT_LIMIT = 64 * 1024;

/** Spawns `node <args>` (or another command) and tracks it until it exits. */
export function spawnTracked(
  label: string,
  command: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; onOutput?: (chunk: string) => void },
): TrackedProcess {
  installExitHook();
  const child = spawn(command, args, {
    cwd: opts.cwd ?? repoRoot,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${label}`);
  const pid = child.pid;
  live.add(child);
  let out = '';
  const onData = (b: Buffer) => {
    const s = b.toString();
    out += s;
    if (out.length > OUTPUT_LIMIT) out = out.slice(out.length - OUTPUT_LIMIT);
    opts.onOutput?.(s);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    label,
    pid,
    child,
    exited,
    isRunning,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000) {
      if (!isRunning()) return exited;
      child.kill(signal);
      const force = setTimeout(() => {
        if (isRunning()) child.kill('SIGKILL');
      }, graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(force);
      }
    },
  };
}

/** The environment of a child process: ours without the variables a test must set itself. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (
      /^(NATS_|OPS_PORT|OPS_HOST$|GATEWAY_|ROUTER_|HR_|FINANCE_|AGENT_|ANTHROPIC_|SWITCHBOARD_|INSTANCE_ID$|LOG_LEVEL$|JS_REPLICAS$)/.test(
        k,
      )
    ) {
      delete env[k];
    }
  }
  return { ...env, ...extra };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `fn` until it returns a value other than `undefined`, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const until = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await sleep(opts.intervalMs ?? 200);
  }
}

/** Waits until `url` answers 200; fails early when `proc` exits. */
export async function waitReady(url: string, proc: TrackedProcess, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!proc.isRunning()) {
      const info = await proc.exited;
      throw new Error(
        `${proc.label} exited (${info.signal ?? info.code}) before ${url} was ready:\n${proc.output()}`,
      );
    }
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms:\n${proc.output()}`);
}

/** One nats-server and the service processes started against it. */
export class Stack {
  readonly nats: NatsServer;
  readonly #current = new Map<ServiceName, ServiceProcess>();
  readonly #all: ServiceProcess[] = [];
  readonly #connections: NatsConnection[] = [];
  #count = 0;

  constructor(nats: NatsServer) {
    this.nats = nats;
  }

  /** The newest instance of `name`. */
  get(name: ServiceName): ServiceProcess {
    const p = this.#current.get(name);
    if (!p) throw new Error(`${name} was not started`);
    return p;
  }

  /** Every service process this stack started, including stopped ones. */
  processes(): readonly ServiceProcess[] {
    return this.#all;
  }

  /** Starts one instance of `name` and waits for its `/readyz`. */
  async start(name: ServiceName, extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await freePort();
    const n = ++this.#count;
    const env = cleanEnv({
      NATS_URL: this.nats.url,
      LOG_LEVEL: 'warn',
      INSTANCE_ID: `e2e-${name}-${n}`,
      ...(name === 'gateway'
        ? // No rate limit: these tests load the system on purpose (the limit has tests of its own).
          { GATEWAY_PORT: String(port), GATEWAY_HOST: '127.0.0.1', GATEWAY_RATE_LIMIT_MAX: '0' }
        : { OPS_PORT: String(port) }),
      ...extraEnv,
    });
    const proc = spawnTracked(
      `${name}#${n}`,
      process.execPath,
      [join(repoRoot, 'services', name, 'dist', 'main.js')],
      {
        env,
      },
    );
    const svc: ServiceProcess = { ...proc, name, port, baseUrl: `http://127.0.0.1:${port}` };
    this.#all.push(svc);
    this.#current.set(name, svc);
    await waitReady(`${svc.baseUrl}/readyz`, svc);
    return svc;
  }

  /** A NATS connection for the test, closed by {@link stop}. */
  async connect(): Promise<NatsConnection> {
    const nc = await connect({ servers: this.nats.url, name: 'e2e-test' });
    this.#connections.push(nc);
    return nc;
  }

  /** The gateway's base URL. */
  get gatewayUrl(): string {
    return this.get('gateway').baseUrl;
  }

  /** Stops every process this stack started (SIGTERM, SIGKILL after 10 s), then the nats-server. */
  async stop(): Promise<void> {
    await Promise.all(this.#connections.splice(0).map((nc) => nc.close().catch(() => undefined)));
    await Promise.all(this.#all.map((p) => p.stop('SIGTERM', 10_000)));
    await this.nats.stop();
  }

  /** Every process's recent output, for a failed test's log. */
  diagnostics(): string {
    const parts = this.#all.map((p) => {
      const state = p.isRunning() ? 'running' : `exited ${p.child.signalCode ?? p.child.exitCode}`;
      return `--- ${p.label} (pid ${p.pid}, port ${p.port}, ${state})\n${tail(p.output(), 60)}`;
    });
    parts.push(`--- nats-server (pid ${this.nats.pid()}, ${this.nats.url})\n${tail(this.nats.output(), 30)}`);
    return parts.join('\n');
  }
}

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** What a stack's services get besides the defaults, and what runs before they start. */
export interface StackOptions {
  /** Extra environment of every service. */
  env?: Record<string, string>;
  /** Runs once the nats-server is up, before the services start (e.g. provisioning). */
  before?: (stack: Stack) => Promise<void>;
}

/** Starts a nats-server and `services` (all four by default) in parallel; cleans up when that fails. */
export async function startStack(
  services: readonly ServiceName[] = allServices,
  opts: StackOptions = {},
): Promise<Stack> {
  const stack = new Stack(await startNatsServer());
  try {
    await opts.before?.(stack);
    await Promise.all(services.map((s) => stack.start(s, opts.env)));
  } catch (err) {
    const diag = stack.diagnostics();
    await stack.stop();
    throw new Error(
      `could not start the stack: ${err instanceof Error ? err.message : String(err)}\n${diag}`,
    );
  }
  return stack;
}

/**
 * Registers the hooks of a test file that runs against one stack: start it before all tests, print
 * every process's output when a test fails, stop everything after all tests.
 */
export function useStack(
  services: readonly ServiceName[] = allServices,
  opts: StackOptions = {},
): { readonly current: Stack } {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack(services, opts);
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      if (stack) process.stderr.write(`\n${stack.diagnostics()}\n`);
    });
  });
  return {
    get current(): Stack {
      if (!stack) throw new Error('the stack is not running');
      return stack;
    },
  };
}

// ---- NATS and HTTP helpers ----

const encoder = new TextEncoder();

/** A successful ask reply (docs/architecture.md "Request and reply"). */
export interface OkReply {
  ok: true;
  status: 'answered' | 'queued' | 'clarify' | 'ended';
  sessionId: string;
  agent: string | null;
  text: string;
  data?: Record<string, unknown>;
}

/** A failed ask reply. */
export interface ErrorReply {
  ok: false;
  error: { code: string; message: string; details?: unknown };
}

export type Reply = OkReply | ErrorReply;

/** A reply with the headers it came with. */
export interface NatsReply {
  body: Reply;
  headers: MsgHdrs | undefined;
}

/** Sends a request (a string is sent as is; anything else as JSON) and parses the JSON reply. */
export async function ask(
  nc: NatsConnection,
  subject: string,
  payload: unknown,
  timeoutMs = 10_000,
): Promise<NatsReply> {
  const data =
    typeof payload === 'string' ? encoder.encode(payload) : encoder.encode(JSON.stringify(payload));
  const msg: Msg = await nc.request(subject, data, { timeout: timeoutMs });
  return { body: msg.json<Reply>(), headers: msg.headers };
}

/**
 * Every message published to one reply inbox for a request sent without waiting: the first within
 * `waitMs`, then whatever follows within `settleMs` (a second message would come right behind).
 */
export async function repliesTo(
  nc: NatsConnection,
  subject: string,
  body: unknown,
  { waitMs = 15_000, settleMs = 1000 } = {},
): Promise<OkReply[]> {
  const inbox = createInbox();
  const sub = nc.subscribe(inbox);
  const got: OkReply[] = [];
  const done = (async () => {
    for await (const m of sub) got.push(m.json<OkReply>());
  })();
  nc.publish(subject, JSON.stringify(body), { reply: inbox });
  const until = Date.now() + waitMs;
  while (got.length === 0 && Date.now() < until) await sleep(50);
  await sleep(settleMs);
  sub.unsubscribe();
  await done;
  return got;
}

/** True when a NATS request failed because no answer came within its timeout. */
export function isRequestTimeout(err: unknown): boolean {
  return (
    err instanceof Error &&
    (err.name === 'TimeoutError' || (err.cause instanceof Error && err.cause.name === 'TimeoutError'))
  );
}

/** Narrows a reply to a success, with a readable failure. */
export function asOk(r: Reply | NatsReply): OkReply {
  const body = 'body' in r ? r.body : r;
  if (!body.ok) throw new Error(`expected ok reply, got ${JSON.stringify(body)}`);
  return body;
}

/** Narrows a reply to an error, with a readable failure. */
export function asError(r: Reply | NatsReply): ErrorReply {
  const body = 'body' in r ? r.body : r;
  if (body.ok) throw new Error(`expected error reply, got ${JSON.stringify(body)}`);
  return body;
}

/** A parsed HTTP response. */
export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** Calls the gateway; a string body is sent as is, anything else as JSON. */
export async function http<T = unknown>(
  url: string,
  opts: { method?: string; body?: unknown; contentType?: string } = {},
): Promise<HttpResult<T>> {
  const init: RequestInit = { method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST') };
  if (opts.body !== undefined) {
    init.body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    init.headers = { 'content-type': opts.contentType ?? 'application/json' };
  }
  init.signal = AbortSignal.timeout(15_000);
  const r = await fetch(url, init);
  const text = await r.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: r.status, body: body as T, text, headers: r.headers };
}

/** Info of the durable consumer of one agent type on `AGENT_TASKS`. */
export async function taskConsumerBacklog(nc: NatsConnection, agent: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const ci = await jsm.consumers.info('AGENT_TASKS', `agent-${agent}`);
  return ci.num_pending + ci.num_ack_pending;
}

/** The `AGENT_TASKS` stream's message count and last sequence. */
export async function taskStreamState(nc: NatsConnection): Promise<{ messages: number; lastSeq: number }> {
  const jsm = await jetstreamManager(nc);
  const si = await jsm.streams.info('AGENT_TASKS');
  return { messages: si.state.messages, lastSeq: si.state.last_seq };
}

// ---- Prometheus text format ----

/** One sample of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format: the `# TYPE` names and every sample. */
export function parseMetrics(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\"/g, '"').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
    }
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

/** The samples of `name` whose labels include `labels`. */
export function findSamples(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): Sample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}
