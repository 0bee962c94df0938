import {
  bootService,
  createGuard,
  createLogger,
  createSessionStore,
  loadConfigOrExit,
  onShutdownSignal,
  patchNatsRequestCancel,
} from '@switchboard/runtime';
import { buildGateway } from './app.js';
import { loadGatewayConfig } from './config.js';

const config = loadConfigOrExit('gateway', () => loadGatewayConfig());
const log = createLogger({ service: 'gateway', instance: config.INSTANCE_ID, level: config.LOG_LEVEL });
// Explicit, version-guarded shim for nats.js (see nats-request-patch.ts): no throwaway error per request.
log.info({ natsRequestPatch: patchNatsRequestCancel() }, 'nats.js request patch');
const rt = await bootService({ service: 'gateway', config, log });
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
const app = buildGateway({
  nc: rt.nc,
  store: createSessionStore(rt.buckets.sessions),
  natsGuard,
  metrics: rt.metrics,
  log,
  timeoutMs: config.GATEWAY_TIMEOUT_MS,
  apiKeys: config.GATEWAY_API_KEYS,
  isReady: rt.isReady,
  isConnected: rt.isConnected,
});
await app.listen({ port: config.GATEWAY_PORT, host: config.GATEWAY_HOST });
rt.setReady(true);
log.info({ port: config.GATEWAY_PORT }, 'ready');
onShutdownSignal(log, async () => {
  rt.setReady(false);
  await app.close();
  await rt.close();
});
