import type { Subscription } from '@nats-io/transport-node';
import { Names } from '@switchboard/contracts';
import {
  createGuard,
  createSessionStore,
  DeliveryDefaults,
  ensureAgentConsumer,
  type Guard,
  guardSessionStore,
  isJetStreamFailure,
  type ServiceRuntime,
  type TokenVerifier,
} from '@switchboard/runtime';
import { watchMaxDeliveries } from './dead-letter.js';
import { startTaskWorker, type TaskWorker } from './delivery/worker.js';
import { serveDirectEndpoint } from './direct-endpoint.js';
import type { Engine } from './engine.js';
import type { AgentProfile } from './profile.js';
import { breakerStatesOf, startHeartbeat } from './registry.js';
import type { ToolExecutor } from './tools/executor.js';
import { serveToolsEndpoint } from './tools-endpoint.js';

/** Settings of an agent service. */
export interface AgentServiceOptions {
  profile: AgentProfile;
  engine: Engine;
  version: string;
  /** Tasks handled at once by this instance. */
  concurrency?: number;
  maxDeliver?: number;
  ackWaitMs?: number;
  /** Replicas of the agent's durable consumer (3 in a cluster, like its stream). */
  replicas?: number;
  /** How often the consumer's pending counts are polled for metrics, in ms. */
  consumerPollMs?: number;
  /** How long a stop waits for tasks in flight before releasing them, ms (default 5000). */
  drainTimeoutMs?: number;
  /** Timeout of one session read or write or event publish, behind the `jetstream` breaker (5000). */
  jetstreamTimeoutMs?: number;
  /** Verifies callers' tokens on the direct endpoint; absent: open mode (`userId` trusted). */
  tokens?: TokenVerifier | undefined;
  /** The engine's tools: with them the agent serves `agents.<agent>.tools` (list, call; docs/mcp.md). */
  tools?: ToolExecutor | undefined;
}

/** Runs `p`, giving up (with a warning) after `ms`: a stop must not hang on a lost connection. */
async function bounded(
  rt: ServiceRuntime,
  what: string,
  ms: number,
  p: () => Promise<unknown>,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => {
    timer = setTimeout(() => r('late'), ms);
  });
  try {
    const r = await Promise.race([
      p().catch((err: unknown) => rt.log.warn({ err, what }, 'stop step failed')),
      late,
    ]);
    if (r === 'late') rt.log.warn({ what, ms }, 'stop step timed out');
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Wires an agent type on a booted runtime: its durable consumer, the task worker, the watcher of
 * max-deliveries advisories, the direct endpoint and the capability card heartbeat. `stop()`
 * deregisters first (the router stops sending new sessions at once), then drains the worker:
 * unstarted tasks are released at once, those in flight finish (or are released after
 * `drainTimeoutMs`).
 */
export async function startAgentService(
  rt: ServiceRuntime,
  opts: AgentServiceOptions,
): Promise<{ stop(): Promise<void> }> {
  const agent = opts.profile.name;
  const maxDeliver = opts.maxDeliver ?? DeliveryDefaults.maxDeliver;
  const ackWaitMs = opts.ackWaitMs ?? DeliveryDefaults.ackWaitMs;
  // Also called by the worker when it finds the consumer gone (a server lost its store).
  const ensureConsumer = async () => {
    await ensureAgentConsumer(rt.jsm, agent, { maxDeliver, ackWaitMs, replicas: opts.replicas ?? 1 });
  };
  await ensureConsumer();
  // The consumer is the agent's own in every provisioning mode: checked, and recreated when gone.
  rt.dependencies.add(
    { kind: 'consumer', stream: Names.tasksStream, name: Names.agentConsumer(agent) },
    { recreate: ensureConsumer },
  );
  const jetstream = jetstreamBreaker(rt, opts.jetstreamTimeoutMs ?? 5000);
  const store = guardSessionStore(createSessionStore(rt.buckets.sessions), jetstream);
  // What the worker, the advisory watcher and the endpoint all use.
  const deps = { agent, nc: rt.nc, js: rt.js, store, log: rt.log, metrics: rt.metrics };
  const worker = await startTaskWorker({
    ...deps,
    jetstream,
    engine: opts.engine,
    inFlight: rt.inFlight,
    concurrency: opts.concurrency ?? DeliveryDefaults.concurrency,
    maxDeliver,
    ackWaitMs,
    ensureConsumer,
    ...(opts.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: opts.drainTimeoutMs }),
  });
  const advisories = watchMaxDeliveries({ ...deps, jsm: rt.jsm });
  const endpoints = serveEndpoints({ ...deps, inFlight: rt.inFlight, tokens: opts.tokens }, opts.tools);
  // Announced last: the card tells the router this instance is alive, so it goes up once it takes tasks.
  const heartbeat = await startHeartbeat({
    kv: rt.buckets.agents,
    profile: opts.profile,
    version: opts.version,
    instanceId: rt.instanceId,
    log: rt.log,
    breakers: () => breakerStatesOf(rt.metrics),
  });
  const consumerPoll = pollConsumerCounts(rt, agent, opts.consumerPollMs ?? 5000);
  return { stop: () => stopInOrder(rt, { consumerPoll, heartbeat, endpoints, worker, advisories }) };
}

/** The direct endpoint, and the tools endpoint when the engine's tools are given (docs/mcp.md). */
function serveEndpoints(
  deps: Parameters<typeof serveDirectEndpoint>[0],
  tools: ToolExecutor | undefined,
): Subscription[] {
  const direct = serveDirectEndpoint(deps);
  return tools ? [direct, serveToolsEndpoint({ ...deps, executor: tools })] : [direct];
}

/**
 * The breaker that the agent's own JetStream calls (session reads and writes, event publishes)
 * share. No retry here: a failed task is redelivered with backoff, which is the retry.
 */
function jetstreamBreaker(rt: ServiceRuntime, timeoutMs: number): Guard {
  return createGuard(
    {
      target: 'jetstream',
      timeoutMs,
      failureThreshold: 10,
      halfOpenAfterMs: 5000,
      isFailure: isJetStreamFailure,
    },
    rt.metrics,
  );
}

/** Polls the agent's durable consumer every `ms` for the pending, ack-pending and redelivered gauges. */
function pollConsumerCounts(rt: ServiceRuntime, agent: string, ms: number): NodeJS.Timeout {
  const timer = setInterval(() => {
    rt.jsm.consumers
      .info(Names.tasksStream, Names.agentConsumer(agent))
      .then((ci) => {
        rt.metrics.consumerPending.set({ agent }, ci.num_pending);
        rt.metrics.consumerAckPending.set({ agent }, ci.num_ack_pending);
        rt.metrics.consumerRedelivered.set({ agent }, ci.num_redelivered);
      })
      .catch((err: unknown) => rt.log.debug({ err }, 'consumer info not available'));
  }, ms);
  // Metrics alone never keep the process alive.
  timer.unref();
  return timer;
}

/** The running parts of an agent service that its stop takes down. */
interface AgentParts {
  consumerPoll: NodeJS.Timeout;
  heartbeat: { stop(): Promise<void> };
  /** The direct endpoint, and the tools endpoint when the agent serves its tools. */
  endpoints: Subscription[];
  worker: TaskWorker;
  advisories: Subscription;
}

/**
 * Stops an agent service in order: deregisters first (the router stops sending new sessions at
 * once), closes the direct endpoint, drains the worker, and only then the watcher of advisories,
 * which settles the tasks whose last delivery ended without a decision.
 */
async function stopInOrder(rt: ServiceRuntime, parts: AgentParts): Promise<void> {
  clearInterval(parts.consumerPoll);
  // Each step is bounded so that a drain ends within about 10 s even while NATS is down.
  await bounded(rt, 'delete capability card', 500, () => parts.heartbeat.stop());
  await bounded(rt, 'drain endpoints', 500, () => Promise.all(parts.endpoints.map((e) => e.drain())));
  await parts.worker.stop();
  await bounded(rt, 'drain advisories', 500, () => parts.advisories.drain());
  await rt.inFlight.idle(500);
}
