import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { type KV, Kvm, type KvOptions } from '@nats-io/kv';
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
    {
      // Streamed answers (docs/streaming.md): kept an hour, long enough for a client to resume.
      name: Names.chunksStream,
      subjects: [Subjects.allChunks],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      duplicate_window: nanos(2 * 60 * 1000),
      max_age: nanos(60 * 60 * 1000),
      num_replicas,
    },
    {
      // A2A stream responses over NATS (docs/a2a.md): kept an hour, for a client to resume from.
      name: Names.a2aEventsStream,
      subjects: [Subjects.allA2aEvents, Subjects.allA2aReplies],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      duplicate_window: nanos(2 * 60 * 1000),
      max_age: nanos(60 * 60 * 1000),
      num_replicas,
    },
    {
      // Durable A2A requests (docs/a2a.md): kept until a gateway answered them, a day at most.
      name: Names.a2aRequestsStream,
      subjects: [Subjects.allA2aInbox],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(2 * 60 * 1000),
      max_age: nanos(DAY_MS),
      max_msg_size: 2 * Limits.maxPayloadBytes,
      num_replicas,
    },
  ];
}

function isNotFound(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

/** What {@link ensureStream} did. */
export type EnsureResult = 'created' | 'updated' | 'unchanged';

/** Creates a stream, or updates it when it exists (idempotent; safe from many instances at once). */
export async function ensureStream(
  jsm: JetStreamManager,
  cfg: Partial<StreamConfig> & { name: string },
): Promise<EnsureResult> {
  const name = cfg.name;
  try {
    const info = await jsm.streams.info(name);
    const { retention: _r, storage: _s, ...mutable } = cfg;
    const changed = Object.entries(mutable).some(
      ([k, v]) =>
        JSON.stringify((info.config as unknown as Record<string, unknown>)[k]) !== JSON.stringify(v),
    );
    if (!changed) return 'unchanged';
    await jsm.streams.update(name, mutable);
    return 'updated';
  } catch (err) {
    if (!isNotFound(err, JetStreamApiCodes.StreamNotFound)) throw err;
    try {
      await jsm.streams.add(cfg);
      return 'created';
    } catch (addErr) {
      // Another instance created it first: that is what we wanted.
      if (!(addErr instanceof JetStreamApiError && addErr.code === 10058)) throw addErr;
      return 'unchanged';
    }
  }
}

/** The KV buckets of docs/architecture.md: `sessions` (kept 7 days) and `agents` (cards expire without heartbeat). */
export interface Buckets {
  sessions: KV;
  agents: KV;
  /** Saga records: each workflow instance's state and history (`docs/workflows/onboarding-saga.md`). */
  sagas: KV;
  /** Approvals waiting for a manager, and decided ones (`docs/workflows/approvals.md`). */
  approvals: KV;
}

/** Settings of the `sessions` bucket: one revision per key, kept 7 days, values up to 512 KiB. */
export function sessionsBucketConfig(opts: ProvisionOptions = {}) {
  return { history: 1, ttl: 7 * DAY_MS, replicas: opts.replicas ?? 1, maxValueSize: 512 * 1024 };
}

/** Settings of the `agents` bucket: one card per instance, gone after `Limits.cardTtlSeconds` without a heartbeat. */
export function agentsBucketConfig(opts: ProvisionOptions = {}) {
  return { history: 1, ttl: Limits.cardTtlSeconds * 1000, replicas: opts.replicas ?? 1 };
}

/** Settings of an agent type's own data bucket (`Names.agentDataBucket`): one revision per key. */
export function agentDataBucketConfig(opts: ProvisionOptions = {}) {
  return { history: 1, replicas: opts.replicas ?? 1 };
}

/**
 * Settings of the workflow buckets (`sagas`, `approvals`): one revision per key (each record keeps
 * its own history), kept 30 days, so a flow's state outlives every process and restart.
 */
export function workflowBucketConfig(opts: ProvisionOptions = {}) {
  return { history: 1, ttl: 30 * DAY_MS, replicas: opts.replicas ?? 1, maxValueSize: 256 * 1024 };
}

/**
 * Settings of the gateway's `a2a_tasks` bucket (A2A task records, A2A contexts; docs/a2a.md): kept
 * 7 days like the sessions they point to. Created by the gateway (`requireBucket`), not by every service.
 */
export function a2aTasksBucketConfig(opts: ProvisionOptions = {}) {
  return { history: 1, ttl: 7 * DAY_MS, replicas: opts.replicas ?? 1, maxValueSize: 512 * 1024 };
}

/** A KV bucket and its settings. */
export interface BucketSpec {
  name: string;
  config: Partial<KvOptions>;
}

/**
 * The agent types of this deployment: the provisioner creates their data buckets
 * (`hr_data`, `finance_data`); each agent creates its own durable consumer.
 */
export const DeployedAgents: readonly string[] = ['hr', 'finance'];

/** Every bucket of docs/architecture.md, and the data buckets of `agents` (none unless given). */
export function bucketConfigs(opts: ProvisionOptions & { agents?: readonly string[] } = {}): BucketSpec[] {
  return [
    { name: Names.sessionsBucket, config: sessionsBucketConfig(opts) },
    { name: Names.agentsBucket, config: agentsBucketConfig(opts) },
    { name: Names.sagasBucket, config: workflowBucketConfig(opts) },
    { name: Names.approvalsBucket, config: workflowBucketConfig(opts) },
    { name: Names.a2aTasksBucket, config: a2aTasksBucketConfig(opts) },
    ...(opts.agents ?? []).map((a) => ({
      name: Names.agentDataBucket(a),
      config: agentDataBucketConfig(opts),
    })),
  ];
}

/**
 * Creates a bucket, or binds it when it exists (then its settings are left as they are), and
 * turns rollups off on its stream. nats.js creates every bucket with `allow_rollup_hdrs`, which lets
 * anyone who may put one key wipe the whole bucket with a single `Nats-Rollup: all` message (a
 * service identity could empty `sessions`). Nothing here uses rollups (`kv.purge` would); get,
 * put, create, update, delete and watch work without them.
 */
export async function ensureBucket(
  nc: NatsConnection,
  spec: BucketSpec,
  jsm?: JetStreamManager,
): Promise<KV> {
  const kv = await new Kvm(nc).create(spec.name, spec.config);
  const manager = jsm ?? (await jetstreamManager(nc, { checkAPI: false }));
  const stream = Names.bucketStream(spec.name);
  const { config } = await manager.streams.info(stream);
  if (config.allow_rollup_hdrs) await manager.streams.update(stream, { ...config, allow_rollup_hdrs: false });
  return kv;
}

/** Creates or binds the shared buckets: `sessions`, `agents`, `sagas` and `approvals`. */
export async function ensureBuckets(nc: NatsConnection, opts: ProvisionOptions = {}): Promise<Buckets> {
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  const [sessions, agents, sagas, approvals] = await Promise.all([
    ensureBucket(nc, { name: Names.sessionsBucket, config: sessionsBucketConfig(opts) }, jsm),
    ensureBucket(nc, { name: Names.agentsBucket, config: agentsBucketConfig(opts) }, jsm),
    ensureBucket(nc, { name: Names.sagasBucket, config: workflowBucketConfig(opts) }, jsm),
    ensureBucket(nc, { name: Names.approvalsBucket, config: workflowBucketConfig(opts) }, jsm),
  ]);
  return { sessions, agents, sagas, approvals };
}

/** Creates the task and event streams (idempotent). */
export async function ensureStreams(jsm: JetStreamManager, opts: ProvisionOptions = {}): Promise<void> {
  for (const cfg of streamConfigs(opts)) await ensureStream(jsm, cfg);
}

/** What one {@link provisionAll} round changed: `stream AGENT_TASKS`, `bucket hr_data`, ... */
export interface ProvisionReport {
  created: string[];
  updated: string[];
}

/**
 * The provisioner's round (`npm run provision`, the `admin` identity): creates every stream and
 * bucket that is missing, the agents' data buckets included, and brings streams whose settings
 * drifted back to {@link streamConfigs}. Buckets that exist are left as they are. Idempotent.
 */
export async function provisionAll(
  nc: NatsConnection,
  jsm: JetStreamManager,
  opts: ProvisionOptions & { agents?: readonly string[] } = {},
): Promise<ProvisionReport> {
  const report: ProvisionReport = { created: [], updated: [] };
  for (const cfg of streamConfigs(opts)) {
    const r = await ensureStream(jsm, cfg);
    if (r !== 'unchanged') report[r].push(`stream ${cfg.name}`);
  }
  for (const spec of bucketConfigs({ ...opts, agents: opts.agents ?? DeployedAgents })) {
    try {
      await jsm.streams.info(Names.bucketStream(spec.name));
    } catch (err) {
      if (!isNotFound(err, JetStreamApiCodes.StreamNotFound)) throw err;
      await ensureBucket(nc, spec, jsm);
      report.created.push(`bucket ${spec.name}`);
    }
  }
  return report;
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
