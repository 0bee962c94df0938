import { readFileSync } from 'node:fs';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Names } from '@switchboard/contracts';
import type { BaseEnv, NatsSecurityEnv } from './config.js';
import {
  type Dependency,
  type DependencyHooks,
  DependencyMonitor,
  describeDependency,
  type ProvisionMode,
  serviceDependencies,
} from './dependencies.js';
import { InFlight } from './lifecycle.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { type MicroResponder, microId, startMicroResponder } from './micro/index.js';
import { connectNats } from './nats.js';
import { startOpsServer } from './ops-server.js';
import {
  type BucketSpec,
  type Buckets,
  bucketConfigs,
  ensureBucket,
  ensureBuckets,
  ensureStream,
  ensureStreams,
  streamConfigs,
} from './provision.js';
import { RetryPolicies, retry } from './retry.js';
import { Identities } from './security/identities.js';

/** Everything a service's composition root wires its handlers with. */
export interface ServiceRuntime {
  service: string;
  instanceId: string;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  buckets: Buckets;
  metrics: Metrics;
  log: Logger;
  inFlight: InFlight;
  /**
   * The service's answers to the NATS services protocol (`$SRV.PING|INFO|STATS`, docs/discovery.md):
   * add each endpoint it serves with `micro.addEndpoint`.
   */
  micro: MicroResponder;
  /** Port of the ops server, when this runtime started one. */
  opsPort?: number;
  /** True while connected to NATS. */
  isConnected(): boolean;
  /** Marks the service ready (`/readyz` 200). Call after handlers are registered. */
  setReady(ready: boolean): void;
  isReady(): boolean;
  /** What `/readyz` says besides `ok`: connection, missing dependencies, and why it is not ready. */
  readiness(): Readiness;
  /** Who creates streams and buckets (`SWITCHBOARD_PROVISION`). */
  provision: ProvisionMode;
  /** Checks the service's streams, buckets and consumers while it runs; add the service's own. */
  dependencies: DependencyMonitor;
  /**
   * A bucket of this service's own (an agent's data bucket): created now with `self` provisioning,
   * else waited for; then checked like the others, recreated (`self`) when it goes missing, and
   * `hooks.restored` run when it is back.
   */
  requireBucket(spec: BucketSpec, hooks?: Pick<DependencyHooks, 'restored'>): Promise<void>;
  /** Drains the NATS connection and closes the ops server. */
  close(): Promise<void>;
  /** Resolves when the NATS connection closes: `null` on a clean close, else the error. */
  stopped: Promise<Error | null>;
}

/** The body of `/readyz` besides `ok`. */
export interface Readiness {
  connected: boolean;
  provision: ProvisionMode;
  /** Streams, buckets and consumers found missing, e.g. `stream AGENT_TASKS`. */
  missing?: string[];
  /** Dependencies whose check failed for another reason (timeout, permission), with the error. */
  unchecked?: string[];
  /** Why the service is not ready; absent when it is. */
  reason?: string;
}

/** The Switchboard release, the `version` every service reports on `$SRV` (all packages share it). */
export const switchboardVersion: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Provisioning at start-up, retried while a cold cluster elects its leaders. */
function retrying<T>(log: Logger, what: string, fn: () => Promise<T>): Promise<T> {
  return retry(RetryPolicies.provision, fn, {
    onRetry: (err, { delayMs }) =>
      log.warn({ err, what, delayMs }, 'provisioning not possible yet, retrying'),
  });
}

/** How a stream or bucket of docs/architecture.md is created again (`self` provisioning). */
function recreator(
  nc: NatsConnection,
  jsm: JetStreamManager,
  dep: Dependency,
  replicas: number,
): (() => Promise<unknown>) | undefined {
  if (dep.kind === 'stream') {
    const cfg = streamConfigs({ replicas }).find((c) => c.name === dep.name);
    return cfg && (() => ensureStream(jsm, cfg));
  }
  if (dep.kind === 'bucket') {
    const spec = bucketConfigs({ replicas }).find((b) => b.name === dep.name);
    return spec && (() => ensureBucket(nc, spec, jsm));
  }
  return undefined;
}

/**
 * The shared buckets, once provisioned by someone else: bound with a STREAM.INFO
 * when the service needs them (they exist: it waited for them), else bound without a call.
 */
async function bindBuckets(nc: NatsConnection, needs: readonly Dependency[]): Promise<Buckets> {
  const bind = (name: string) =>
    needs.some((d) => d.kind === 'bucket' && d.name === name)
      ? new Kvm(nc).create(name)
      : new Kvm(nc).open(name);
  const [sessions, agents, sagas, approvals] = await Promise.all([
    bind(Names.sessionsBucket),
    bind(Names.agentsBucket),
    bind(Names.sagasBucket),
    bind(Names.approvalsBucket),
  ]);
  return { sessions, agents, sagas, approvals };
}

/**
 * Boots the shared parts of a service: metrics, ops server (not ready yet), NATS connection,
 * streams and buckets (created with `self` provisioning, waited for with `external`), and the
 * check of its dependencies (`/readyz` fails while one is missing). The caller registers its
 * handlers, then calls `setReady(true)`.
 */
export async function bootService(opts: {
  service: string;
  config: Pick<BaseEnv, 'NATS_URL' | 'INSTANCE_ID' | 'JS_REPLICAS'> &
    Partial<Pick<BaseEnv, 'SWITCHBOARD_PROVISION' | 'DEPENDENCY_CHECK_MS'>> &
    Partial<NatsSecurityEnv>;
  log: Logger;
  /** Ops server port; omit for none (the gateway serves ops routes on its own port). */
  opsPort?: number;
  opsHost?: string;
  /** The streams and buckets the service checks (default: `serviceDependencies(service)`). */
  dependencies?: readonly Dependency[];
  /** Its version in `$SRV` answers (semver; default the Switchboard release, {@link switchboardVersion}). */
  version?: string;
  /** Its description in `$SRV.INFO` (default: its identity's, `Identities[service]`). */
  description?: string;
  /** Metadata in `$SRV` answers besides `instance` (fixed for the life of the process). */
  microMetadata?: Record<string, string>;
}): Promise<ServiceRuntime> {
  const { service, config, log } = opts;
  const provision = config.SWITCHBOARD_PROVISION ?? 'self';
  const needs = opts.dependencies ?? serviceDependencies(service);
  const metrics = createMetrics(service);
  let ready = false;
  let connected = false;
  let deps: DependencyMonitor | undefined;
  const isReady = () => ready && connected && (deps?.missing().length ?? 0) === 0;
  const readiness = (): Readiness => {
    const missing = deps?.missing() ?? [];
    const unchecked = deps?.unchecked() ?? [];
    let reason: string | undefined;
    if (!connected) reason = 'not connected to NATS';
    else if (missing.length > 0) reason = `missing: ${missing.join(', ')}`;
    else if (!ready) reason = 'not taking work (starting or stopping)';
    return {
      connected,
      provision,
      ...(missing.length > 0 ? { missing } : {}),
      ...(unchecked.length > 0 ? { unchecked } : {}),
      ...(reason ? { reason } : {}),
    };
  };
  const ops =
    opts.opsPort === undefined
      ? undefined
      : await startOpsServer(opts.opsPort, { registry: metrics.registry, isReady, readiness }, opts.opsHost);
  if (ops) log.info({ port: ops.port }, 'ops server listening');
  const nc = await connectNats({
    url: config.NATS_URL,
    service,
    instance: config.INSTANCE_ID,
    log,
    security: config,
  });
  connected = true;
  // Discoverable from the moment it is connected (`nats micro ls`); endpoints are added as served.
  const micro = startMicroResponder(
    nc,
    {
      name: service,
      id: microId(config.INSTANCE_ID),
      version: opts.version ?? switchboardVersion,
      description: opts.description ?? Identities[service]?.description ?? '',
      metadata: { ...opts.microMetadata, instance: config.INSTANCE_ID },
    },
    log,
  );
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') connected = false;
      else if (s.type === 'reconnect') connected = true;
    }
  })();
  const replicas = config.JS_REPLICAS;
  const jsm = await retrying(log, 'jetstream', () => jetstreamManager(nc, { checkAPI: false }));
  const monitor = new DependencyMonitor({
    jsm,
    log,
    metrics,
    intervalMs: config.DEPENDENCY_CHECK_MS ?? 3000,
    isConnected: () => connected,
  });
  deps = monitor;
  let buckets: Buckets;
  if (provision === 'self') {
    await retrying(log, 'streams', () => ensureStreams(jsm, { replicas }));
    buckets = await retrying(log, 'buckets', () => ensureBuckets(nc, { replicas }));
  } else {
    log.info({ needs: needs.map(describeDependency) }, 'streams and buckets are provisioned externally');
    await monitor.waitFor(needs);
    buckets = await retrying(log, 'buckets', () => bindBuckets(nc, needs));
  }
  const recreate = (d: Dependency) => (provision === 'self' ? recreator(nc, jsm, d, replicas) : undefined);
  for (const d of needs) {
    const r = recreate(d);
    monitor.add(d, r ? { recreate: r } : {});
  }
  monitor.start();
  const js = jetstream(nc);
  const stopped = nc.closed().then((e) => (e instanceof Error ? e : null));
  const runtime: ServiceRuntime = {
    service,
    instanceId: config.INSTANCE_ID,
    nc,
    js,
    jsm,
    buckets,
    metrics,
    log,
    inFlight: new InFlight(),
    micro,
    isConnected: () => connected,
    setReady: (r) => {
      ready = r;
    },
    isReady,
    readiness,
    provision,
    dependencies: monitor,
    requireBucket: async (spec, hooks = {}) => {
      const dep: Dependency = { kind: 'bucket', name: spec.name };
      const create = () => ensureBucket(nc, spec, jsm);
      if (provision === 'self') await retrying(log, `bucket ${spec.name}`, create);
      else await monitor.waitFor([dep]);
      monitor.add(dep, { ...(provision === 'self' ? { recreate: create } : {}), ...hooks });
    },
    close: async () => {
      ready = false;
      await monitor.stop();
      await micro.stop().catch((err: unknown) => log.warn({ err }, '$SRV responder did not stop cleanly'));
      if (!nc.isClosed()) await nc.drain();
      await ops?.close();
    },
    stopped,
  };
  if (ops) runtime.opsPort = ops.port;
  return runtime;
}
