import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BaseEnv } from './config.js';
import { InFlight } from './lifecycle.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { connectNats } from './nats.js';
import { startOpsServer } from './ops-server.js';
import { type Buckets, ensureBuckets, ensureStreams } from './provision.js';
import { RetryPolicies, retry } from './retry.js';

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
  /** Port of the ops server, when this runtime started one. */
  opsPort?: number;
  /** True while connected to NATS. */
  isConnected(): boolean;
  /** Marks the service ready (`/readyz` 200). Call after handlers are registered. */
  setReady(ready: boolean): void;
  isReady(): boolean;
  /** Drains the NATS connection and closes the ops server. */
  close(): Promise<void>;
  /** Resolves when the NATS connection closes: `null` on a clean close, else the error. */
  stopped: Promise<Error | null>;
}

/** Provisioning at start-up, retried while a cold cluster elects its leaders. */
function retrying<T>(log: Logger, what: string, fn: () => Promise<T>): Promise<T> {
  return retry(RetryPolicies.provision, fn, {
    onRetry: (err, { delayMs }) =>
      log.warn({ err, what, delayMs }, 'provisioning not possible yet, retrying'),
  });
}

/**
 * Boots the shared parts of a service: metrics, ops server (not ready yet), NATS connection,
 * streams and buckets. The caller registers its handlers, then calls `setReady(true)`.
 */
export async function bootService(opts: {
  service: string;
  config: Pick<BaseEnv, 'NATS_URL' | 'INSTANCE_ID' | 'JS_REPLICAS'>;
  log: Logger;
  /** Ops server port; omit for none (the gateway serves ops routes on its own port). */
  opsPort?: number;
  opsHost?: string;
}): Promise<ServiceRuntime> {
  const { service, config, log } = opts;
  const metrics = createMetrics(service);
  let ready = false;
  let connected = false;
  const ops =
    opts.opsPort === undefined
      ? undefined
      : await startOpsServer(
          opts.opsPort,
          { registry: metrics.registry, isReady: () => ready && connected, readiness: () => ({ connected }) },
          opts.opsHost,
        );
  if (ops) log.info({ port: ops.port }, 'ops server listening');
  const nc = await connectNats({ url: config.NATS_URL, service, instance: config.INSTANCE_ID, log });
  connected = true;
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') connected = false;
      else if (s.type === 'reconnect') connected = true;
    }
  })();
  const replicas = config.JS_REPLICAS;
  const jsm = await retrying(log, 'jetstream', () => jetstreamManager(nc, { checkAPI: false }));
  await retrying(log, 'streams', () => ensureStreams(jsm, { replicas }));
  const buckets = await retrying(log, 'buckets', () => ensureBuckets(nc, { replicas }));
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
    isConnected: () => connected,
    setReady: (r) => {
      ready = r;
    },
    isReady: () => ready && connected,
    close: async () => {
      ready = false;
      if (!nc.isClosed()) await nc.drain();
      await ops?.close();
    },
    stopped,
  };
  if (ops) runtime.opsPort = ops.port;
  return runtime;
}
