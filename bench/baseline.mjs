// The baseline: a bare three-hop NATS pipeline with no validation and no state.
//   requester ──req bench.ask──▶ relay (queue group; publishes to JetStream with the reply subject
//   in a header, without awaiting each PubAck in turn) ──▶ stream BENCH_TASKS ──▶ worker (pull
//   consumer: replies on that subject, then acks).
// The relay and the worker each run in their own process on their own connection, like the router
// and an agent: `node bench/baseline.mjs relay|worker <nats-url> [variant]`. They get the same
// nats.js request fix the services get (`patchNatsRequestCancel`), so the comparison stays like for
// like.
//
// The `durable` variant does, per request, the JetStream writes an agent does and nothing else:
// the relay publishes with a `Nats-Msg-Id` (as the router does); the worker creates a key in a KV
// bucket (the session: the turn's record, whose write is also its event in the bucket's change
// feed), awaited, then replies and acks with a confirmed ack (`ackAck`). Streams and bucket take the
// system's own settings (`streamConfigs`, the sessions bucket's), so it measures the bus's share of
// the system's guarantees, and the system's ratio to it is the cost of everything else: validation,
// routing, the engine, metrics. The other variants are the steps between the two, one guarantee at
// a time, and the write path before issue #14 (a separate turn event), for `bench/ladder.mjs`; each
// has its own stream, events stream and bucket names.
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, headers, nuid } from '@nats-io/transport-node';
import { patchNatsRequestCancel, sessionsBucketConfig, streamConfigs } from '@switchboard/runtime';
import { spawnNode, waitForLine } from './services.mjs';

/**
 * What each variant's relay and worker do besides the bare pipeline: `msgId` (the relay publishes
 * with a `Nats-Msg-Id`), `kv` (the worker creates a key, the session), `event` (the worker
 * publishes an event with a `Nats-Msg-Id`, after the key), `ackAck` (a confirmed ack instead of a
 * plain one). `bare` and `durable` are the bench's; the others are for `bench/ladder.mjs`: the steps
 * between them, `durable-event` (the write path before issue #14: the turn's event published on its
 * own after the session key) and `no-session` (the event as the turn's only record, no key).
 */
export const variants = {
  bare: {},
  msgid: { msgId: true },
  kv: { msgId: true, kv: true },
  durable: { msgId: true, kv: true, ackAck: true },
  'durable-event': { msgId: true, kv: true, event: true, ackAck: true },
  'no-session': { msgId: true, event: true, ackAck: true },
};

/** The request subject of each variant. */
export const subjects = Object.fromEntries(
  Object.keys(variants).map((v) => [v, v === 'bare' ? 'bench.ask' : `bench.${v}.ask`]),
);
export const subject = subjects.bare;
const names = (variant) => {
  if (variant === 'bare')
    return { stream: 'BENCH_TASKS', taskSubject: 'bench.tasks', durable: 'bench-worker' };
  const tag = variant.replace(/[^a-z]/g, '_');
  return {
    stream: `BENCH_T_${tag.toUpperCase()}`,
    taskSubject: `bench.tasks.${tag}`,
    durable: `bench-${tag}`,
    eventsStream: `BENCH_E_${tag.toUpperCase()}`,
    eventSubject: `bench.events.${tag}`,
    bucket: `bench_sessions_${tag}`,
  };
};
const replyHeader = 'Sb-Reply-To';
const msgIdHeader = 'Nats-Msg-Id';

/** The connection options the services use (runtime/src/nats.ts), so only the work differs. */
const connectOpts = (url, name) => ({ servers: url, name, noAsyncTraces: true });

/** Creates the streams, the bucket and the durable consumer, as the services provision theirs. */
async function provision(nc, variant) {
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  const spec = variants[variant];
  const { stream, taskSubject, durable, eventsStream, eventSubject, bucket } = names(variant);
  if (variant === 'bare') {
    await jsm.streams.add({
      name: stream,
      subjects: [taskSubject],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
    });
  } else {
    // The system's AGENT_TASKS and AGENT_EVENTS settings, under the bench's names.
    const [tasks, events] = streamConfigs();
    await jsm.streams.add({ ...tasks, name: stream, subjects: [taskSubject] });
    if (spec.event) await jsm.streams.add({ ...events, name: eventsStream, subjects: [eventSubject] });
    if (spec.kv) await new Kvm(nc).create(bucket, sessionsBucketConfig());
  }
  await jsm.consumers.add(stream, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    max_ack_pending: 1000,
  });
}

async function relay(url, variant) {
  patchNatsRequestCancel();
  const nc = await connect(connectOpts(url, `bench-relay-${variant}`));
  const js = jetstream(nc);
  const { taskSubject } = names(variant);
  const { msgId } = variants[variant];
  nc.subscribe(subjects[variant], {
    queue: 'relay',
    callback: (err, msg) => {
      if (err || !msg.reply) return;
      const h = headers();
      h.set(replyHeader, msg.reply);
      const opts = msgId ? { headers: h, msgID: nuid.next() } : { headers: h };
      js.publish(taskSubject, msg.data, opts).catch((e) => {
        process.stdout.write(`publish failed: ${e.message}\n`);
      });
    },
  });
  await nc.flush();
  process.stdout.write('ready\n');
  return { nc };
}

async function worker(url, variant) {
  patchNatsRequestCancel();
  const nc = await connect(connectOpts(url, `bench-worker-${variant}`));
  const js = jetstream(nc);
  const spec = variants[variant];
  const { stream, durable, eventSubject, bucket } = names(variant);
  const consumer = await js.consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: 128 });
  if (variant === 'bare') {
    void (async () => {
      for await (const m of messages) {
        const to = m.headers?.get(replyHeader);
        if (to) nc.publish(to, m.data);
        m.ack();
      }
    })();
  } else {
    const kv = spec.kv ? await new Kvm(nc).open(bucket) : undefined;
    const session = (id, m) => (kv ? kv.create(id, m.data) : undefined);
    const event = (id, m) => (spec.event ? js.publish(eventSubject, m.data, { msgID: id }) : undefined);
    // Each message handled on its own (the writes are awaited), as the agent handles its tasks.
    const handle = async (m) => {
      const id = m.headers?.get(msgIdHeader) || nuid.next();
      await session(id, m);
      await event(id, m);
      const to = m.headers?.get(replyHeader);
      if (to) nc.publish(to, m.data);
      if (spec.ackAck) await m.ackAck();
      else m.ack();
    };
    void (async () => {
      for await (const m of messages) {
        handle(m).catch((e) => process.stdout.write(`task failed: ${e.message}\n`));
      }
    })();
  }
  process.stdout.write('ready\n');
  return { nc };
}

/**
 * Provisions the pipeline on `nc`'s server and starts the relay and the worker processes; with
 * `profileDir`, each writes a CPU profile to `<profileDir>/baseline-<role>` when it stops.
 */
export async function startBaseline(nc, url, { logDir, profileDir, variant = 'bare' }) {
  await provision(nc, variant);
  const script = import.meta.filename;
  const procs = ['relay', 'worker'].map((role) => {
    const name = variant === 'bare' ? `baseline-${role}` : `baseline-${variant}-${role}`;
    const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${name}`] : [];
    return spawnNode(name, script, { logDir, nodeArgs, args: [role, url, variant] });
  });
  await Promise.all(procs.map((p) => waitForLine(p, 'ready')));
  return procs;
}

const role = process.argv[2];
if (import.meta.filename === process.argv[1] && (role === 'relay' || role === 'worker')) {
  const run = role === 'relay' ? relay : worker;
  const variant = process.argv[4] ?? 'bare';
  if (!(variant in variants)) throw new Error(`unknown variant ${variant}`);
  const { nc } = await run(process.argv[3], variant);
  const bye = () => void nc.drain().finally(() => process.exit(0));
  process.on('SIGTERM', bye);
  process.on('SIGINT', bye);
}
