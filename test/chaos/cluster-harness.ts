// Chaos harness: a three-node nats-server cluster on loopback (one generated config per node in a
// temporary directory, started in parallel, ready when `/jsz` shows a meta leader and every peer
// current, stopped by PID), plus the request tracker the chaos tests share: requests published
// with a reply subject of our own, so every reply to every request is seen and counted (a plain
// `nc.request` keeps only the first and hides duplicates).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MsgHdrs, type NatsConnection, nuid, type Subscription } from '@nats-io/transport-node';
import { findNatsServer, freePort, type NatsServer } from '@switchboard/runtime/testing';
import { type ExitInfo, sleep, spawnTracked, type TrackedProcess } from '../e2e/harness.js';

/** True when the chaos tests run at full size (`CHAOS_FULL=1`), else the CI size. */
export const chaosFull = process.env.CHAOS_FULL === '1';

/** `ci` normally, `full` with `CHAOS_FULL=1`. */
export function scaled<T>(ci: T, full: T): T {
  return chaosFull ? full : ci;
}

/** Prints one JSON line of figures, easy to grep from the test output (`CHAOS {...}`). */
export function printFigures(figures: Record<string, unknown>): void {
  process.stdout.write(`CHAOS ${JSON.stringify(figures)}\n`);
}

// ---- the cluster ----

/** The parts of `/jsz` the harness reads (nats-server 2.9). */
export interface Jsz {
  server_id: string;
  meta_cluster?: {
    name?: string;
    leader?: string;
    cluster_size?: number;
    replicas?: { name: string; current: boolean; offline?: boolean; active: number }[];
  };
  account_details?: {
    name: string;
    stream_detail?: {
      name: string;
      cluster?: { leader?: string; replicas?: { name: string; current: boolean }[] };
      consumer_detail?: { name: string; cluster?: { leader?: string } }[];
    }[];
  }[];
}

/** One node of a {@link NatsCluster}. */
export interface ClusterNode {
  /** `server_name`, e.g. `n1`. */
  readonly name: string;
  readonly port: number;
  readonly clusterPort: number;
  readonly monitorPort: number;
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly storeDir: string;
  readonly configPath: string;
  pid(): number | undefined;
  isRunning(): boolean;
  /** Starts the node (again) with its config and store; no-op while it runs. */
  start(): void;
  /** Sends `signal` and waits for the exit; SIGKILL after 5 s. */
  kill(signal?: NodeJS.Signals): Promise<ExitInfo | undefined>;
  /** `GET /jsz` with `query` (e.g. `streams=true&consumers=true`). */
  jsz(query?: string): Promise<Jsz>;
  output(): string;
}

/**
 * A cluster of `nats-server` processes. It satisfies the harness's `NatsServer` so the e2e `Stack`
 * can run services against it: `url` is the comma-separated list of every node (`NATS_URL`).
 */
export interface NatsCluster extends NatsServer {
  readonly name: string;
  readonly nodes: readonly ClusterNode[];
  /** Every node's client URL. */
  readonly urls: string[];
  node(name: string): ClusterNode;
  /** Nodes currently running. */
  running(): ClusterNode[];
  /** Waits until a running node reports a meta leader and every running peer current. */
  waitReady(timeoutMs?: number): Promise<number>;
}

function nodeConfig(o: {
  name: string;
  cluster: string;
  port: number;
  clusterPort: number;
  monitorPort: number;
  storeDir: string;
  routes: number[];
}): string {
  return [
    `server_name: ${o.name}`,
    `listen: 127.0.0.1:${o.port}`,
    `http: 127.0.0.1:${o.monitorPort}`,
    'max_payload: 1MB',
    'cluster {',
    `  name: ${o.cluster}`,
    `  listen: 127.0.0.1:${o.clusterPort}`,
    '  routes: [',
    ...o.routes.map((p) => `    nats-route://127.0.0.1:${p}`),
    '  ]',
    '}',
    'jetstream {',
    `  store_dir: ${JSON.stringify(o.storeDir)}`,
    '  max_memory_store: 256MB',
    '  max_file_store: 2GB',
    '}',
    '',
  ].join('\n');
}

async function getJson<T>(url: string, timeoutMs = 2000): Promise<T> {
  const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

/**
 * Starts a cluster of `size` nodes (default 3) on loopback, in parallel, and waits until it is
 * ready (meta leader elected, every peer current). Each node gets a generated config file with
 * `server_name`, `cluster { name, listen, routes }`, `jetstream { store_dir }` and an `http` port.
 */
export async function startNatsCluster(
  opts: { size?: number; readyTimeoutMs?: number } = {},
): Promise<NatsCluster> {
  // Free ports are only free a moment ago: a node that loses its port to another process (or to
  // an outbound route socket) exits at once; start the whole cluster again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startClusterOnce(opts);
    } catch (err) {
      if (attempt >= 3 || !/address already in use/.test(String(err))) throw err;
    }
  }
}

async function startClusterOnce(opts: { size?: number; readyTimeoutMs?: number }): Promise<NatsCluster> {
  const bin = findNatsServer();
  if (!bin) throw new Error('nats-server not found: install it or set NATS_SERVER_BIN');
  const size = opts.size ?? 3;
  const clusterName = `chaos_${nuid.next().slice(-8)}`;
  const root = mkdtempSync(join(tmpdir(), 'switchboard-cluster-'));
  const taken = new Set<number>();
  const distinctPort = async () => {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  const ports: { port: number; clusterPort: number; monitorPort: number }[] = [];
  for (let i = 0; i < size; i++) {
    ports.push({
      port: await distinctPort(),
      clusterPort: await distinctPort(),
      monitorPort: await distinctPort(),
    });
  }
  const routes = ports.map((p) => p.clusterPort);
  /** Nodes that should be running: started and not deliberately stopped. */
  const expected = new Set<ClusterNode>();

  const nodes: ClusterNode[] = ports.map((p, i) => {
    const name = `n${i + 1}`;
    const storeDir = join(root, name, 'store');
    mkdirSync(storeDir, { recursive: true });
    const configPath = join(root, name, 'nats.conf');
    writeFileSync(configPath, nodeConfig({ name, cluster: clusterName, ...p, storeDir, routes }));
    let proc: TrackedProcess | undefined;
    let earlier = '';
    const node: ClusterNode = {
      name,
      ...p,
      url: `nats://127.0.0.1:${p.port}`,
      storeDir,
      configPath,
      pid: () => proc?.pid,
      isRunning: () => proc?.isRunning() ?? false,
      start() {
        expected.add(node);
        if (proc?.isRunning()) return;
        if (proc) earlier += proc.output();
        proc = spawnTracked(`nats-${name}`, bin, ['-c', configPath], { env: process.env, cwd: root });
      },
      async kill(signal: NodeJS.Signals = 'SIGKILL') {
        expected.delete(node);
        if (!proc) return undefined;
        return proc.stop(signal, 5000);
      },
      jsz: (query = '') => getJson<Jsz>(`http://127.0.0.1:${p.monitorPort}/jsz${query ? `?${query}` : ''}`),
      output: () => `${earlier}${proc?.output() ?? ''}`.slice(-32 * 1024),
    };
    return node;
  });

  const running = () => nodes.filter((n) => n.isRunning());

  const waitReady = async (timeoutMs = 20_000): Promise<number> => {
    const started = Date.now();
    for (;;) {
      for (const n of expected) {
        if (!n.isRunning()) throw new Error(`${n.name} exited:\n${n.output()}`);
      }
      const live = running();
      const views = await Promise.all(live.map((n) => n.jsz().catch(() => undefined)));
      const leaderView = views.find((v) => v?.meta_cluster?.leader && v.meta_cluster.replicas);
      const leader = leaderView?.meta_cluster?.leader;
      if (leader && views.every((v) => v?.meta_cluster?.leader === leader)) {
        const liveNames = new Set(live.map((n) => n.name));
        const peers = (leaderView.meta_cluster?.replicas ?? []).filter((r) => liveNames.has(r.name));
        // The leader lists its followers; every live follower must be current.
        if (peers.length === live.length - 1 && peers.every((r) => r.current)) return Date.now() - started;
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `cluster not ready within ${timeoutMs} ms: ${JSON.stringify(views.map((v) => v?.meta_cluster))}\n${nodes
            .map((n) => `--- ${n.name}\n${n.output().slice(-3000)}`)
            .join('\n')}`,
        );
      }
      await sleep(50);
    }
  };

  const stopAll = async (signal: NodeJS.Signals) => {
    await Promise.all(nodes.map((n) => n.kill(signal)));
  };

  for (const n of nodes) n.start();
  const cluster: NatsCluster = {
    name: clusterName,
    nodes,
    urls: nodes.map((n) => n.url),
    url: nodes.map((n) => n.url).join(','),
    port: nodes[0]!.port,
    monitorPort: nodes[0]!.monitorPort,
    storeDir: root,
    node(name: string) {
      const n = nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no node ${name}`);
      return n;
    },
    running,
    waitReady,
    pid: () => running()[0]?.pid(),
    output: () => nodes.map((n) => `--- ${n.name} (pid ${n.pid()})\n${n.output().slice(-4000)}`).join('\n'),
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      await stopAll(signal);
    },
    async restart() {
      for (const n of nodes) n.start();
      await waitReady();
    },
    async stop(stopOpts = {}) {
      await stopAll('SIGTERM');
      if (!stopOpts.keepStore) rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await waitReady(opts.readyTimeoutMs ?? 20_000);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

/** The `server_name` of the leader of `stream` (and of its consumers), from any running node's `/jsz`. */
export async function streamPlacement(
  cluster: NatsCluster,
  stream: string,
): Promise<
  { leader?: string; replicas: string[]; consumers: Record<string, string | undefined> } | undefined
> {
  for (const n of cluster.running()) {
    try {
      const jsz = await n.jsz('accounts=true&streams=true&consumers=true&config=false');
      for (const acc of jsz.account_details ?? []) {
        const s = acc.stream_detail?.find((d) => d.name === stream);
        if (!s) continue;
        const consumers: Record<string, string | undefined> = {};
        for (const c of s.consumer_detail ?? []) consumers[c.name] = c.cluster?.leader;
        const placement: {
          leader?: string;
          replicas: string[];
          consumers: Record<string, string | undefined>;
        } = {
          replicas: (s.cluster?.replicas ?? []).map((r) => r.name),
          consumers,
        };
        if (s.cluster?.leader) placement.leader = s.cluster.leader;
        return placement;
      }
    } catch {
      // this node cannot say; ask the next
    }
  }
  return undefined;
}

// ---- requests whose every reply is seen ----

/** One reply that arrived on a tracked request's reply subject. */
export interface TrackedReply {
  /** `Date.now()` when it arrived. */
  at: number;
  /** The JSON body, or `undefined` when the payload was not JSON (e.g. a no-responders status). */
  body: unknown;
  headers: MsgHdrs | undefined;
  /** NATS status code of a status message (503 no responders), else undefined. */
  status?: number;
}

/**
 * Publishes requests with reply subjects under an inbox prefix of its own and records every reply:
 * a second reply to one request is a duplicate, which `nc.request` would hide.
 */
export class ReplyTracker {
  readonly prefix: string;
  readonly #nc: NatsConnection;
  readonly #replies = new Map<string, TrackedReply[]>();
  readonly #sentAt = new Map<string, number>();
  readonly #waiters = new Map<string, () => void>();
  #sub: Subscription | undefined;

  constructor(nc: NatsConnection, prefix = `_INBOX.chaos_${nuid.next()}`) {
    this.#nc = nc;
    this.prefix = prefix;
  }

  /** Subscribes to the prefix; flushes so the interest reaches the server before any request. */
  async start(): Promise<void> {
    this.#sub = this.#nc.subscribe(`${this.prefix}.>`, {
      callback: (err, msg) => {
        if (err) return;
        const key = msg.subject.slice(this.prefix.length + 1);
        let body: unknown;
        try {
          body = msg.data.length > 0 ? JSON.parse(new TextDecoder().decode(msg.data)) : undefined;
        } catch {
          body = undefined;
        }
        const rec: TrackedReply = { at: Date.now(), body, headers: msg.headers };
        const code = msg.headers && msg.data.length === 0 ? msg.headers.code : 0;
        if (code) rec.status = code;
        const list = this.#replies.get(key) ?? [];
        list.push(rec);
        this.#replies.set(key, list);
        this.#waiters.get(key)?.();
      },
    });
    await this.#nc.flush();
  }

  /** The reply subject of the request `key` (a safe subject token). */
  inbox(key: string): string {
    return `${this.prefix}.${key}`;
  }

  /** Publishes a request; its replies are recorded under `key`. */
  send(subject: string, key: string, data: Uint8Array, headers?: MsgHdrs): void {
    this.#sentAt.set(key, Date.now());
    this.#nc.publish(subject, data, { reply: this.inbox(key), ...(headers ? { headers } : {}) });
  }

  /** Marks `key` as sent now (for requests sent another way, e.g. a JetStream publish). */
  markSent(key: string): void {
    this.#sentAt.set(key, Date.now());
  }

  sentAt(key: string): number | undefined {
    return this.#sentAt.get(key);
  }

  replies(key: string): TrackedReply[] {
    return this.#replies.get(key) ?? [];
  }

  /** Resolves with the first reply of `key`, or `undefined` after `timeoutMs`. */
  async first(key: string, timeoutMs: number): Promise<TrackedReply | undefined> {
    const have = this.#replies.get(key);
    if (have?.[0]) return have[0];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.set(key, done);
    });
    this.#waiters.delete(key);
    return this.#replies.get(key)?.[0];
  }

  /** Keys with more than one reply. */
  duplicated(): string[] {
    return [...this.#replies].filter(([, l]) => l.length > 1).map(([k]) => k);
  }

  stop(): void {
    this.#sub?.unsubscribe();
  }
}

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence on every run. */
export { seededRandom } from '@switchboard/classifier';

/** Percentile of `values` (0–100), 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Runs `fn` over `items` with at most `limit` running at once. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
