import { Names } from '@switchboard/contracts';
import {
  createGuard,
  createSessionStore,
  ensureAgentConsumer,
  guardSessionStore,
  isJetStreamFailure,
  type ServiceRuntime,
} from '@switchboard/runtime';
import { watchMaxDeliveries } from './dead-letter.js';
import { serveDirectEndpoint } from './direct-endpoint.js';
import type { Engine } from './engine.js';
import type { AgentProfile } from './profile.js';
import { startHeartbeat } from './registry.js';
import { startTaskWorker } from './task-worker.js';

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
  const maxDeliver = opts.maxDeliver ?? 6;
  const ackWaitMs = opts.ackWaitMs ?? 30_000;
  const ensureConsumer = async () => {
    await ensureAgentConsumer(rt.jsm, agent, { maxDeliver, ackWaitMs, replicas: opts.replicas ?? 1 });
  };
  await ensureConsumer();
  // The agent's own JetStream calls (session reads and writes, event publishes) share one breaker.
  // No retry here: a failed task is redelivered with backoff, which is the retry.
  const jetstream = createGuard(
    {
      target: 'jetstream',
      timeoutMs: opts.jetstreamTimeoutMs ?? 5000,
      failureThreshold: 10,
      halfOpenAfterMs: 5000,
      isFailure: isJetStreamFailure,
    },
    rt.metrics,
  );
  const store = guardSessionStore(createSessionStore(rt.buckets.sessions), jetstream);
  const worker = await startTaskWorker({
    agent,
    nc: rt.nc,
    js: rt.js,
    store,
    jetstream,
    engine: opts.engine,
    log: rt.log,
    metrics: rt.metrics,
    inFlight: rt.inFlight,
    concurrency: opts.concurrency ?? 64,
    maxDeliver,
    ackWaitMs,
    ensureConsumer,
    ...(opts.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: opts.drainTimeoutMs }),
  });
  const advisories = watchMaxDeliveries({
    agent,
    nc: rt.nc,
    js: rt.js,
    jsm: rt.jsm,
    store,
    log: rt.log,
    metrics: rt.metrics,
  });
  const endpoint = serveDirectEndpoint({
    agent,
    nc: rt.nc,
    js: rt.js,
    store,
    log: rt.log,
    metrics: rt.metrics,
    inFlight: rt.inFlight,
  });
  const heartbeat = await startHeartbeat({
    kv: rt.buckets.agents,
    profile: opts.profile,
    version: opts.version,
    instanceId: rt.instanceId,
    log: rt.log,
  });
  const pollConsumer = setInterval(() => {
    rt.jsm.consumers
      .info(Names.tasksStream, Names.agentConsumer(agent))
      .then((ci) => {
        rt.metrics.consumerPending.set({ agent }, ci.num_pending);
        rt.metrics.consumerAckPending.set({ agent }, ci.num_ack_pending);
        rt.metrics.consumerRedelivered.set({ agent }, ci.num_redelivered);
      })
      .catch((err: unknown) => rt.log.debug({ err }, 'consumer info not available'));
  }, opts.consumerPollMs ?? 5000);
  pollConsumer.unref();
  return {
    async stop() {
      clearInterval(pollConsumer);
      // Each step is bounded so that a drain ends within about 10 s even while NATS is down.
      await bounded(rt, 'delete capability card', 500, () => heartbeat.stop());
      await bounded(rt, 'drain direct endpoint', 500, () => endpoint.drain());
      await worker.stop();
      await bounded(rt, 'drain advisories', 500, () => advisories.drain());
      await rt.inFlight.idle(500);
    },
  };
}
