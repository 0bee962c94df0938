import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { nanos } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/transport-node';
import { Limits, Names, Subjects } from '@switchboard/contracts';

/** Settings shared by every provisioned stream and bucket. */
export interface ProvisionOptions {
  /** Replicas (1 on a single server, 3 in a cluster). */
  replicas?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Stream configurations of docs/architecture.md. Neither captures `agents.>` or `_INBOX.>`. */
export function streamConfigs(opts: ProvisionOptions = {}): (Partial<StreamConfig> & { name: string })[] {
  const num_replicas = opts.replicas ?? 1;
  return [
    {
      name: Names.tasksStream,
      subjects: [Subjects.allTasks],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(2 * 60 * 1000),
      max_age: nanos(7 * DAY_MS),
      max_msg_size: 2 * Limits.maxPayloadBytes,
      num_replicas,
    },
    {
      name: Names.eventsStream,
      subjects: [Subjects.allEvents],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      duplicate_window: nanos(2 * 60 * 1000),
      max_age: nanos(7 * DAY_MS),
      num_replicas,
    },
    {
      name: Names.deadLetterStream,
      subjects: [Subjects.allDeadLetters],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      duplicate_window: nanos(2 * 60 * 1000),
      max_age: nanos(30 * DAY_MS),
      num_replicas,
    },
  ];
}

function isNotFound(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

/** Creates a stream, or updates it when it exists (idempotent; safe from many instances at once). */
export async function ensureStream(
  jsm: JetStreamManager,
  cfg: Partial<StreamConfig> & { name: string },
): Promise<void> {
  const name = cfg.name;
  try {
    const info = await jsm.streams.info(name);
    const { retention: _r, storage: _s, ...mutable } = cfg;
    const changed = Object.entries(mutable).some(
      ([k, v]) =>
        JSON.stringify((info.config as unknown as Record<string, unknown>)[k]) !== JSON.stringify(v),
    );
    if (changed) await jsm.streams.update(name, mutable);
  } catch (err) {
    if (!isNotFound(err, JetStreamApiCodes.StreamNotFound)) throw err;
    try {
      await jsm.streams.add(cfg);
    } catch (addErr) {
      // Another instance created it first: that is what we wanted.
      if (!(addErr instanceof JetStreamApiError && addErr.code === 10058)) throw addErr;
    }
  }
}

/** The KV buckets of docs/architecture.md: `sessions` (kept 7 days) and `agents` (cards expire without heartbeat). */
export interface Buckets {
  sessions: KV;
  agents: KV;
}

/** Settings of the `sessions` bucket: one revision per key, kept 7 days, values up to 512 KiB. */
export function sessionsBucketConfig(opts: ProvisionOptions = {}) {
  return { history: 1, ttl: 7 * DAY_MS, replicas: opts.replicas ?? 1, maxValueSize: 512 * 1024 };
}

/** Creates or binds the `sessions` and `agents` buckets. */
export async function ensureBuckets(nc: NatsConnection, opts: ProvisionOptions = {}): Promise<Buckets> {
  const kvm = new Kvm(nc);
  const replicas = opts.replicas ?? 1;
  const [sessions, agents] = await Promise.all([
    kvm.create(Names.sessionsBucket, sessionsBucketConfig({ replicas })),
    kvm.create(Names.agentsBucket, { history: 1, ttl: Limits.cardTtlSeconds * 1000, replicas }),
  ]);
  return { sessions, agents };
}

/** Creates the task and event streams (idempotent). */
export async function ensureStreams(jsm: JetStreamManager, opts: ProvisionOptions = {}): Promise<void> {
  for (const cfg of streamConfigs(opts)) await ensureStream(jsm, cfg);
}

/** Delivery settings of an agent's durable consumer. */
export interface AgentConsumerOptions extends ProvisionOptions {
  /** How long a delivered task may stay unacknowledged before redelivery, in ms. */
  ackWaitMs?: number;
  /** Deliveries before a task is dead-lettered. */
  maxDeliver?: number;
}

/**
 * Defaults of an agent type's delivery, in one place: the consumer's settings, the config's
 * defaults and the worker's use them. `maxDeliver` 6 with the worker's backoff keeps a task trying
 * for ~30 s, longer than a JetStream leader election; `ackWaitMs` bounds how long a task held by a
 * killed instance waits before another gets it.
 */
export const DeliveryDefaults = {
  maxDeliver: 6,
  ackWaitMs: 30_000,
  /** Tasks one instance handles at once. */
  concurrency: 64,
  /** How long a drain waits for tasks in flight before releasing them. */
  drainTimeoutMs: 5000,
  /** Server-side lifetime of one pull request. */
  pullExpiresMs: 500,
} as const;

/** Creates (or updates) the durable pull consumer shared by all instances of one agent type. */
export async function ensureAgentConsumer(
  jsm: JetStreamManager,
  agent: string,
  opts: AgentConsumerOptions = {},
): Promise<string> {
  const durable = Names.agentConsumer(agent);
  const config = {
    durable_name: durable,
    filter_subject: Subjects.task(agent),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(opts.ackWaitMs ?? DeliveryDefaults.ackWaitMs),
    max_deliver: opts.maxDeliver ?? DeliveryDefaults.maxDeliver,
    max_ack_pending: 1000,
    num_replicas: opts.replicas ?? 1,
  };
  try {
    await jsm.consumers.info(Names.tasksStream, durable);
    await jsm.consumers.update(Names.tasksStream, durable, {
      ack_wait: config.ack_wait,
      max_deliver: config.max_deliver,
      max_ack_pending: config.max_ack_pending,
      num_replicas: config.num_replicas,
    });
  } catch (err) {
    if (!isNotFound(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
    await jsm.consumers.add(Names.tasksStream, config);
  }
  return durable;
}
