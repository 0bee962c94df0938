import { clarifyText } from '@switchboard/classifier';
import { Names, Subjects } from '@switchboard/contracts';
import {
  bootService,
  createGuard,
  createLogger,
  createSagaStore,
  createSessionStore,
  guardSessionStore,
  isJetStreamFailure,
  loadConfigOrExit,
  loadTokenVerifierOrExit,
  onShutdownSignal,
  patchNatsRequestCancel,
  routerMicroEndpoints,
  serveEndpoint,
} from '@switchboard/runtime';
import { createClassifier } from './classify/setup.js';
import { loadRouterConfig } from './config.js';
import { createGatherInbox } from './gather/inbox.js';
import { createGatherer } from './gather/scatter.js';
import { watchRegistry } from './registry-view.js';
import { createRouteHandler } from './router.js';
import { serveSagaGet } from './sagas.js';

const config = loadConfigOrExit('router', () => loadRouterConfig());
const log = createLogger({ service: 'router', instance: config.INSTANCE_ID, level: config.LOG_LEVEL });
// Explicit, version-guarded shim for nats.js (see nats-request-patch.ts): no throwaway error per request.
log.info({ natsRequestPatch: patchNatsRequestCancel() }, 'nats.js request patch');
// Read before connecting: a bad key file stops the router at start.
const tokens = await loadTokenVerifierOrExit('router', config, log);
const rt = await bootService({
  service: 'router',
  config,
  log,
  opsPort: config.OPS_PORT,
  opsHost: config.OPS_HOST,
});
const registry = await watchRegistry({ kv: rt.buckets.agents, log });
await registry.ready;
// A recreated registry bucket is a new stream: the watch of the old one would stay stuck.
rt.dependencies.add({ kind: 'bucket', name: Names.agentsBucket }, { restored: () => registry.restart() });
// Retries ride out a JetStream leader election (4-8 s on nats-server 2.9, docs/jetstream.md): ~20 s budget.
// The task publish and the session reads and writes share this breaker.
const jetstream = createGuard(
  {
    target: 'jetstream',
    timeoutMs: config.ROUTER_PUBLISH_TIMEOUT_MS,
    attempts: config.ROUTER_PUBLISH_ATTEMPTS,
    maxBackoffMs: 2000,
    failureThreshold: 10,
    isFailure: isJetStreamFailure,
  },
  rt.metrics,
);
const store = guardSessionStore(createSessionStore(rt.buckets.sessions), jetstream);
const classifier = await createClassifier(config, rt.metrics, log);
// Scatter-gather: the parts' replies come to this instance's own inboxes (`_INBOX.router.<id>.>`).
const gatherInbox = await createGatherInbox(rt.nc, log);
const handler = createRouteHandler({
  js: rt.js,
  store,
  registry,
  classifier,
  gatherer: createGatherer({
    js: rt.js,
    store,
    inbox: gatherInbox,
    publishGuard: jetstream,
    metrics: rt.metrics,
    classifier,
    settings: {
      timeoutMs: config.ROUTER_GATHER_TIMEOUT_MS,
      marginMs: config.ROUTER_GATHER_MARGIN_MS,
      lateMs: config.ROUTER_GATHER_LATE_MS,
    },
  }),
  publishGuard: jetstream,
  metrics: rt.metrics,
  clarifyText,
  methods: config.ANTHROPIC_API_KEY ? ['embedded', 'session', 'claude'] : ['embedded', 'session'],
  ...(tokens ? { tokens } : {}),
});
// Every routing-decision series of the agents known at start exists at 0 before the first request.
handler.prime();
// The classifier's indexes for the current cards, built before the router is ready (about 0.4 s), and
// again within a second after the cards change (a new agent type or version). The model then trains
// in slices between requests (three models, about 3 s; the hand-set rule decides meanwhile): waiting for it
// would hold readiness back past the 2 s start-up target.
void classifier.prepare?.(registry.views());
const preparing = setInterval(() => void classifier.prepare?.(registry.views()), 1000);
preparing.unref();
const sub = serveEndpoint({
  nc: rt.nc,
  subject: Subjects.ask,
  queue: Names.routerQueue,
  endpoint: Subjects.ask,
  log,
  metrics: rt.metrics,
  inFlight: rt.inFlight,
  handle: handler,
});
// State and history of sagas (docs/workflows/onboarding-saga.md), read from the `sagas` bucket.
const sagaSub = serveSagaGet({
  nc: rt.nc,
  sagas: createSagaStore(rt.buckets.sagas),
  tokens,
  log,
  metrics: rt.metrics,
  inFlight: rt.inFlight,
});
// `nats micro stats router`: the two endpoints, counted from their request metrics.
for (const e of routerMicroEndpoints(rt.metrics)) rt.micro.addEndpoint(e);
rt.setReady(true);
log.info({ opsPort: rt.opsPort, agents: registry.views().map((v) => v.name) }, 'ready');
onShutdownSignal(log, async () => {
  rt.setReady(false);
  await sub.drain();
  await sagaSub.drain();
  // Requests in flight include the gathers; those still waiting then answer with what came.
  await rt.inFlight.idle(10_000);
  await gatherInbox.close();
  await rt.inFlight.idle(2000);
  clearInterval(preparing);
  registry.stop();
  await rt.close();
});
