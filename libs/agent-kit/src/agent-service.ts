import { Names } from '@switchboard/contracts';
import { createSessionStore, ensureAgentConsumer, type ServiceRuntime } from '@switchboard/runtime';
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
  /** How often the consumer's pending counts are polled for metrics, in ms. */
  consumerPollMs?: number;
}

/**
 * Wires an agent type on a booted runtime: its durable consumer, the task worker, the direct
 * endpoint and the capability card heartbeat. `stop()` deregisters first (the router stops sending
 * new sessions at once), then stops taking tasks and waits for those in flight.
 */
export async function startAgentService(
  rt: ServiceRuntime,
  opts: AgentServiceOptions,
): Promise<{ stop(): Promise<void> }> {
  const agent = opts.profile.name;
  const maxDeliver = opts.maxDeliver ?? 5;
  const ackWaitMs = opts.ackWaitMs ?? 30_000;
  await ensureAgentConsumer(rt.jsm, agent, { maxDeliver, ackWaitMs, replicas: 1 });
  const store = createSessionStore(rt.buckets.sessions);
  const worker = await startTaskWorker({
    agent,
    nc: rt.nc,
    js: rt.js,
    store,
    engine: opts.engine,
    log: rt.log,
    metrics: rt.metrics,
    inFlight: rt.inFlight,
    concurrency: opts.concurrency ?? 32,
    maxDeliver,
    ackWaitMs,
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
      await heartbeat
        .stop()
        .catch((err: unknown) => rt.log.warn({ err }, 'could not delete capability card'));
      await endpoint.drain();
      await worker.stop();
    },
  };
}
