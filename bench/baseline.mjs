// The baseline: a bare three-hop NATS pipeline with no validation and no state.
//   requester ──req bench.ask──▶ relay (queue group; publishes to JetStream with the reply subject
//   in a header, without awaiting each PubAck in turn) ──▶ stream BENCH_TASKS ──▶ worker (pull
//   consumer: replies on that subject, then acks).
// The relay and the worker each run in their own process on their own connection, like the router
// and an agent: `node bench/baseline.mjs relay|worker <nats-url>`. They get the same nats.js
// request fix the services get (`patchNatsRequestCancel`), so the comparison stays like for like.
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { patchNatsRequestCancel } from '@switchboard/runtime';
import { spawnNode, waitForLine } from './services.mjs';

export const subject = 'bench.ask';
const stream = 'BENCH_TASKS';
const taskSubject = 'bench.tasks';
const durable = 'bench-worker';
const replyHeader = 'Sb-Reply-To';

/** The connection options the services use (runtime/src/nats.ts), so only the work differs. */
const connectOpts = (url, name) => ({ servers: url, name, noAsyncTraces: true });

/** Creates the stream and the durable consumer, as the services provision theirs. */
async function provision(nc) {
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  await jsm.streams.add({
    name: stream,
    subjects: [taskSubject],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
  });
  await jsm.consumers.add(stream, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    max_ack_pending: 1000,
  });
}

async function relay(url) {
  patchNatsRequestCancel();
  const nc = await connect(connectOpts(url, 'bench-relay'));
  const js = jetstream(nc);
  nc.subscribe(subject, {
    queue: 'relay',
    callback: (err, msg) => {
      if (err || !msg.reply) return;
      const h = headers();
      h.set(replyHeader, msg.reply);
      js.publish(taskSubject, msg.data, { headers: h }).catch((e) => {
        process.stdout.write(`publish failed: ${e.message}\n`);
      });
    },
  });
  await nc.flush();
  process.stdout.write('ready\n');
  return { nc };
}

async function worker(url) {
  patchNatsRequestCancel();
  const nc = await connect(connectOpts(url, 'bench-worker'));
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: 128 });
  void (async () => {
    for await (const m of messages) {
      const to = m.headers?.get(replyHeader);
      if (to) nc.publish(to, m.data);
      m.ack();
    }
  })();
  process.stdout.write('ready\n');
  return { nc };
}

/**
 * Provisions the pipeline on `nc`'s server and starts the relay and the worker processes; with
 * `profileDir`, each writes a CPU profile to `<profileDir>/baseline-<role>` when it stops.
 */
export async function startBaseline(nc, url, { logDir, profileDir }) {
  await provision(nc);
  const script = import.meta.filename;
  const procs = ['relay', 'worker'].map((role) => {
    const name = `baseline-${role}`;
    const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${name}`] : [];
    return spawnNode(name, script, { logDir, nodeArgs, args: [role, url] });
  });
  await Promise.all(procs.map((p) => waitForLine(p, 'ready')));
  return procs;
}

const role = process.argv[2];
if (import.meta.filename === process.argv[1] && (role === 'relay' || role === 'worker')) {
  const run = role === 'relay' ? relay : worker;
  const { nc } = await run(process.argv[3]);
  const bye = () => void nc.drain().finally(() => process.exit(0));
  process.on('SIGTERM', bye);
  process.on('SIGINT', bye);
}
