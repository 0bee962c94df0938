import { Kvm } from '@nats-io/kv';
import { Names } from '@switchboard/contracts';
import {
  a2aTasksBucketConfig,
  bootService,
  createGuard,
  createLogger,
  createSagaStore,
  createSessionStore,
  loadConfigOrExit,
  loadTokenVerifierOrExit,
  onShutdownSignal,
  patchNatsRequestCancel,
} from '@switchboard/runtime';
import { buildGateway } from './app.js';
import { loadGatewayConfig } from './config.js';

const config = loadConfigOrExit('gateway', () => loadGatewayConfig());
const log = createLogger({ service: 'gateway', instance: config.INSTANCE_ID, level: config.LOG_LEVEL });
// Explicit, version-guarded shim for nats.js (see nats-request-patch.ts): no throwaway error per request.
log.info({ natsRequestPatch: patchNatsRequestCancel() }, 'nats.js request patch');
const tokens = await loadTokenVerifierOrExit('gateway', config, log);
// With OPS_PORT the ops routes get a server of their own on OPS_HOST (loopback by default);
// without it they stay on the API port.
const rt = await bootService({
  service: 'gateway',
  config,
  log,
  ...(config.OPS_PORT === undefined ? {} : { opsPort: config.OPS_PORT, opsHost: config.OPS_HOST }),
  // On `$SRV` it lists no endpoints: it serves HTTP, and only calls others on NATS.
  microMetadata: { http_port: String(config.GATEWAY_PORT), endpoints: 'none on NATS: its API is HTTP' },
});
const natsGuard = createGuard(
  {
    target: 'nats',
    timeoutMs: config.GATEWAY_TIMEOUT_MS + 1000,
    attempts: 1,
    failureThreshold: 5,
    halfOpenAfterMs: 5000,
  },
  rt.metrics,
);
// A2A tasks and contexts (docs/a2a.md): the gateway's own bucket, created (or waited for) like an agent's data.
await rt.requireBucket({
  name: Names.a2aTasksBucket,
  config: a2aTasksBucketConfig({ replicas: config.JS_REPLICAS }),
});
// Bound with a STREAM.INFO (as `bindBuckets` does), so reads are direct gets by key.
const a2aTasksKv = await new Kvm(rt.nc).create(Names.a2aTasksBucket);
const app = buildGateway({
  nc: rt.nc,
  js: rt.js,
  store: createSessionStore(rt.buckets.sessions),
  sagas: createSagaStore(rt.buckets.sagas),
  agentsKv: rt.buckets.agents,
  a2aTasksKv,
  natsGuard,
  metrics: rt.metrics,
  log,
  timeoutMs: config.GATEWAY_TIMEOUT_MS,
  apiKeys: config.GATEWAY_API_KEYS,
  isReady: rt.isReady,
  readiness: rt.readiness,
  isConnected: rt.isConnected,
  tokens,
  edge: {
    rateLimitMax: config.GATEWAY_RATE_LIMIT_MAX,
    rateLimitWindowMs: config.GATEWAY_RATE_LIMIT_WINDOW_MS,
    requestTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
    headersTimeoutMs: config.GATEWAY_HEADERS_TIMEOUT_MS,
    corsOrigins: config.GATEWAY_CORS_ORIGINS,
  },
  opsRoutes: config.OPS_PORT === undefined,
});
await app.listen({ port: config.GATEWAY_PORT, host: config.GATEWAY_HOST });
rt.setReady(true);
log.info(
  {
    port: config.GATEWAY_PORT,
    host: config.GATEWAY_HOST,
    opsPort: rt.opsPort,
    apiKeys: config.GATEWAY_API_KEYS.length,
    rateLimit:
      config.GATEWAY_RATE_LIMIT_MAX > 0
        ? `${config.GATEWAY_RATE_LIMIT_MAX} per ${config.GATEWAY_RATE_LIMIT_WINDOW_MS} ms`
        : 'off',
    corsOrigins: config.GATEWAY_CORS_ORIGINS,
  },
  'ready',
);
onShutdownSignal(log, async () => {
  rt.setReady(false);
  await app.close();
  await rt.close();
});
