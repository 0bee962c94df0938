// `npm run dlq -- <command>`: inspect and replay dead-lettered tasks (stream AGENT_DLQ, `dlq.<agent>`).
//
//   list [--agent hr] [--limit 50] [--json]   newest dead letters: seq, agent, reason, deliveries, at, task
//   show <seq> [--json]                       headers and payload of one dead letter
//   replay <seq>                              publish the original task again to `tasks.<agent>`
//   purge <seq>                               delete one dead letter
//
// Connects to $NATS_URL (default nats://127.0.0.1:4222), or --server. A replay keeps the task id,
// so the agent's idempotency holds: a task whose answer is already in its session is not run again
// (the stored answer stands); one that never got an answer runs now. Its publish id is
// `<taskId>-replay-<seq>`: replaying the same dead letter twice within the task stream's duplicate
// window (2 min) publishes once. The caller's reply inbox is long gone, so it is not carried over:
// the answer lands in the session (GET /v1/sessions/<id>).
import { parseArgs } from 'node:util';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { natsSecurity } from './lib/nats-security.mjs';

const STREAM = 'AGENT_DLQ';
const DLQ_PREFIX = 'Switchboard-Dlq-';
const REPLY_TO = 'Switchboard-Reply-To';
const SAFE_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
const USAGE = `usage: npm run dlq -- list [--agent NAME] [--limit N] [--json]
       npm run dlq -- show <seq> [--json]
       npm run dlq -- replay <seq>
       npm run dlq -- purge <seq>
options: --server URL (default $NATS_URL or nats://127.0.0.1:4222)
`;

class UsageError extends Error {}

function parseCommand(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      agent: { type: 'string', short: 'a' },
      limit: { type: 'string', short: 'n', default: '50' },
      json: { type: 'boolean', default: false },
      server: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, arg, ...rest] = positionals;
  if (values.help) return { command: 'help', values };
  if (!['list', 'show', 'replay', 'purge'].includes(command ?? '')) {
    throw new UsageError(command ? `unknown command: ${command}` : 'a command is required');
  }
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new UsageError('--limit must be an integer from 1 to 10000');
  }
  if (values.agent !== undefined && !SAFE_TOKEN.test(values.agent)) {
    throw new UsageError('--agent must be an agent name such as hr');
  }
  let seq;
  if (command === 'list') {
    if (arg !== undefined) throw new UsageError(`unexpected argument: ${arg}`);
  } else {
    seq = Number(arg);
    if (!Number.isSafeInteger(seq) || seq < 1) throw new UsageError(`${command} needs a sequence number`);
  }
  return { command, seq, limit, values };
}

/** One dead letter as a plain record. */
function describe(m) {
  const h = (name) => m.header?.get(name) || undefined;
  let task;
  try {
    task = m.json();
  } catch {
    task = undefined;
  }
  const agent = m.subject.startsWith('dlq.') ? m.subject.slice(4) : m.subject;
  return {
    seq: m.seq,
    agent,
    reason: h(`${DLQ_PREFIX}Reason`) ?? '',
    detail: h(`${DLQ_PREFIX}Detail`) ?? '',
    deliveries: Number(h(`${DLQ_PREFIX}Deliveries`) ?? 0),
    taskSeq: Number(h(`${DLQ_PREFIX}Stream-Seq`) ?? 0),
    at: h(`${DLQ_PREFIX}At`) ?? m.time.toISOString(),
    taskId: typeof task?.taskId === 'string' ? task.taskId : '',
    sessionId: typeof task?.sessionId === 'string' ? task.sessionId : '',
    text: typeof task?.text === 'string' ? task.text : m.string().slice(0, 200),
    task,
  };
}

async function getDeadLetter(jsm, seq) {
  const m = await jsm.streams.getMessage(STREAM, { seq });
  if (!m) throw new Error(`no dead letter with sequence ${seq}`);
  return m;
}

function table(rows) {
  const cols = ['seq', 'agent', 'reason', 'deliveries', 'at', 'taskId', 'text'];
  const cells = rows.map((r) =>
    cols.map((c) => {
      const v = String(r[c] ?? '').replace(/\s+/g, ' ');
      return c === 'text' && v.length > 40 ? `${v.slice(0, 39)}…` : v;
    }),
  );
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (row) =>
    row
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(cols), ...cells.map(line)].join('\n');
}

async function list(jsm, { limit, values }) {
  const info = await jsm.streams.info(STREAM);
  const rows = [];
  // Newest first, by sequence; deleted sequences come back as null. Bounded to 20,000 reads.
  const floor = Math.max(info.state.first_seq, info.state.last_seq - 20_000, 1);
  for (let seq = info.state.last_seq; seq >= floor && rows.length < limit; seq--) {
    const m = await jsm.streams.getMessage(STREAM, { seq });
    if (!m) continue;
    if (values.agent && m.subject !== `dlq.${values.agent}`) continue;
    rows.push(describe(m));
  }
  rows.reverse();
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify(
        rows.map(({ task: _t, ...r }) => r),
        null,
        2,
      )}\n`,
    );
    return;
  }
  if (rows.length === 0) {
    process.stdout.write(`no dead letters${values.agent ? ` for ${values.agent}` : ''}\n`);
    return;
  }
  process.stdout.write(`${table(rows)}\n`);
  process.stdout.write(`${rows.length} shown, ${info.state.messages} in ${STREAM}\n`);
}

async function show(jsm, { seq, values }) {
  const m = await getDeadLetter(jsm, seq);
  const hdrs = {};
  if (m.header) for (const [k, v] of m.header) hdrs[k] = v.length === 1 ? v[0] : v;
  let payload;
  try {
    payload = m.json();
  } catch {
    payload = m.string();
  }
  const record = { seq: m.seq, subject: m.subject, time: m.time.toISOString(), headers: hdrs, payload };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    return;
  }
  process.stdout.write(`seq ${m.seq}  ${m.subject}  stored ${record.time}\n\nheaders:\n`);
  for (const [k, v] of Object.entries(hdrs)) process.stdout.write(`  ${k}: ${v}\n`);
  process.stdout.write(`\npayload:\n${JSON.stringify(payload, null, 2)}\n`);
}

async function replay(nc, jsm, { seq }) {
  const m = await getDeadLetter(jsm, seq);
  const d = describe(m);
  const task = d.task;
  if (
    !task ||
    typeof task !== 'object' ||
    !SAFE_TOKEN.test(task.taskId ?? '') ||
    !SAFE_TOKEN.test(task.agent ?? '')
  ) {
    throw new Error(`dead letter ${seq} is not a valid task (reason ${d.reason}); it cannot be replayed`);
  }
  const h = natsHeaders();
  if (m.header) {
    for (const [k, vs] of m.header) {
      if (k.startsWith(DLQ_PREFIX) || k === 'Nats-Msg-Id' || k === REPLY_TO) continue;
      for (const v of vs) h.append(k, v);
    }
  }
  const msgID = `${task.taskId}-replay-${seq}`;
  // Tells the agent this task may have run before: it checks the session before running it.
  h.set('Switchboard-Replay', String(seq));
  const ack = await jetstream(nc).publish(`tasks.${task.agent}`, m.data, {
    msgID,
    headers: h,
    timeout: 10_000,
  });
  process.stdout.write(
    ack.duplicate
      ? `dead letter ${seq} was already replayed as ${msgID} (task stream seq ${ack.seq})\n`
      : `replayed dead letter ${seq}: task ${task.taskId} to tasks.${task.agent} (stream seq ${ack.seq}); ` +
          `the answer lands in session ${task.sessionId}\n`,
  );
}

async function purge(jsm, { seq }) {
  await getDeadLetter(jsm, seq);
  await jsm.streams.deleteMessage(STREAM, seq, false);
  process.stdout.write(`purged dead letter ${seq}\n`);
}

async function main() {
  let cmd;
  try {
    cmd = parseCommand(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`dlq: ${err.message}\n${USAGE}`);
    return 2;
  }
  if (cmd.command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  let nc;
  try {
    nc = await connect({
      ...natsSecurity(cmd.values.server),
      servers: cmd.values.server,
      timeout: 5000,
      maxReconnectAttempts: 0,
    });
  } catch (err) {
    process.stderr.write(`dlq: cannot connect to ${cmd.values.server}: ${err.message}\n`);
    return 1;
  }
  try {
    const jsm = await jetstreamManager(nc);
    if (cmd.command === 'list') await list(jsm, cmd);
    else if (cmd.command === 'show') await show(jsm, cmd);
    else if (cmd.command === 'replay') await replay(nc, jsm, cmd);
    else await purge(jsm, cmd);
    return 0;
  } catch (err) {
    process.stderr.write(`dlq: ${err.message}\n`);
    return 1;
  } finally {
    await nc.close();
  }
}

process.exitCode = await main();
