// Chaos 5: malformed input at every entrance. A seeded generator (malformed-inputs.ts) produces
// random bytes, truncated JSON, wrong types, huge payloads (over 32 KiB and near the 1 MB NATS
// maximum), unsafe subject tokens as session ids, unknown fields and invalid UTF-8. They are sent as
// requests to `agents.ask`, `agents.hr.ask` and `agents.finance.ask`, published straight into
// `tasks.hr` (with a `Switchboard-Reply-To` inbox) and POSTed to the gateway.
//
// Every one must get a typed error (`ok:false`, a catalogued code) where a reply is possible; a
// payload that is valid *text* over NATS may be answered and is counted as "accepted as text". No
// service exits, every `/healthz` stays 200, the task consumers drain, and every invalid task that
// the stream stored is in AGENT_DLQ with reason `invalid_task`. Prints one JSON line of figures.
import { type JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';
import { ErrorCodes, HeaderNames, Names } from '@switchboard/contracts';
import { beforeAll, expect, it } from 'vitest';
import { http, taskConsumerBacklog, useStack, waitFor } from '../e2e/harness.js';
import { chaosFull, mapLimit, printFigures, ReplyTracker, scaled, seededRandom } from './cluster-harness.js';
import { type Malformed, malformedAsk, malformedTask } from './malformed-inputs.js';

const TOTAL = scaled(1000, 5000);
const SEED = 0x6d616c66;
const targets = ['agents.ask', 'agents.hr.ask', 'agents.finance.ask', 'tasks.hr', 'gateway'] as const;
type Target = (typeof targets)[number];
/** How long one request may wait for its reply. */
const REPLY_TIMEOUT_MS = 15_000;
/** The AGENT_TASKS stream's largest message (2 × the 32 KiB payload limit). */
const STREAM_MAX_MSG = 64 * 1024;

const stack = useStack();
let nc: NatsConnection;
let js: JetStreamClient;

beforeAll(async () => {
  nc = await stack.current.connect();
  js = jetstream(nc);
});

interface Figure {
  sent: number;
  typed_error: Record<string, number>;
  accepted_as_text: number;
  refused_by_stream: number;
  dead_lettered: number;
  by_category: Record<string, number>;
}

type Result =
  | { kind: 'typed_error'; code: string }
  | { kind: 'accepted_as_text' }
  | { kind: 'refused_by_stream' }
  | { kind: 'bad'; why: string };

interface ErrorBody {
  ok?: boolean;
  status?: string;
  error?: { code?: string; message?: unknown };
}

function isTypedError(b: ErrorBody | undefined): b is { ok: false; error: { code: string } } {
  return (
    b?.ok === false &&
    typeof b.error?.code === 'string' &&
    b.error.code in ErrorCodes &&
    typeof b.error.message === 'string'
  );
}

it(`answers ${TOTAL} malformed inputs with typed errors and stays healthy`, async () => {
  const s = stack.current;
  const started = Date.now();
  const pids = new Map(s.processes().map((p) => [p.label, p.pid]));
  const tracker = new ReplyTracker(nc);
  await tracker.start();

  const rnd = seededRandom(SEED);
  const inputs: { key: string; target: Target; input: Malformed }[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const target = targets[i % targets.length]!;
    const input = target === 'tasks.hr' ? malformedTask(rnd) : malformedAsk(rnd);
    inputs.push({ key: `mal${i}`, target, input });
  }

  const results = new Map<string, Result>();
  const natsResult = (key: string, input: Malformed, task: boolean): Result => {
    const replies = tracker.replies(key);
    const first = replies[0];
    if (!first) return { kind: 'bad', why: 'no reply' };
    if (first.status) return { kind: 'bad', why: `NATS status ${first.status}` };
    const b = first.body as ErrorBody | undefined;
    if (isTypedError(b)) {
      const header = first.headers?.get(HeaderNames.microErrorCode);
      const status = String(ErrorCodes[b.error.code as keyof typeof ErrorCodes].httpStatus);
      if (header !== status) return { kind: 'bad', why: `error header ${header}, expected ${status}` };
      return { kind: 'typed_error', code: b.error.code };
    }
    if (
      b?.ok === true &&
      !task &&
      input.textOverNats &&
      ['answered', 'clarify', 'queued'].includes(b.status ?? '')
    ) {
      return { kind: 'accepted_as_text' };
    }
    return { kind: 'bad', why: `reply ${JSON.stringify(b).slice(0, 160)}` };
  };

  await mapLimit(inputs, 24, async ({ key, target, input }) => {
    if (target === 'gateway') {
      try {
        const r = await fetch(`${s.gatewayUrl}/v1/ask`, {
          method: 'POST',
          headers: { 'content-type': input.contentType, 'x-request-id': key },
          body: input.data,
          signal: AbortSignal.timeout(REPLY_TIMEOUT_MS),
        });
        const text = await r.text();
        let b: ErrorBody | undefined;
        try {
          b = JSON.parse(text) as ErrorBody;
        } catch {
          b = undefined;
        }
        if (isTypedError(b) && r.status === ErrorCodes[b.error.code as keyof typeof ErrorCodes].httpStatus) {
          results.set(key, { kind: 'typed_error', code: b.error.code });
        } else {
          results.set(key, { kind: 'bad', why: `HTTP ${r.status} ${text.slice(0, 160)}` });
        }
      } catch (err) {
        results.set(key, { kind: 'bad', why: `HTTP request failed: ${String(err)}` });
      }
      return;
    }
    const h = natsHeaders();
    h.set(HeaderNames.requestId, key);
    if (target === 'tasks.hr') {
      h.set(HeaderNames.replyTo, tracker.inbox(key));
      tracker.markSent(key);
      try {
        await js.publish('tasks.hr', input.data, { headers: h });
      } catch (err) {
        results.set(
          key,
          input.data.byteLength > STREAM_MAX_MSG
            ? { kind: 'refused_by_stream' }
            : { kind: 'bad', why: `publish failed: ${String(err)}` },
        );
        return;
      }
      await tracker.first(key, REPLY_TIMEOUT_MS);
      results.set(key, natsResult(key, input, true));
      return;
    }
    tracker.send(target, key, input.data, h);
    await tracker.first(key, REPLY_TIMEOUT_MS);
    results.set(key, natsResult(key, input, false));
  });
  const sendMs = Date.now() - started;

  // Nothing stuck: both task consumers drain within a few seconds.
  const drained = await waitFor(
    'empty task consumers',
    async () =>
      (await taskConsumerBacklog(nc, 'hr')) + (await taskConsumerBacklog(nc, 'finance')) === 0
        ? true
        : undefined,
    { timeoutMs: 10_000 },
  )
    .then(() => true)
    .catch(() => false);
  const backlog = {
    hr: await taskConsumerBacklog(nc, 'hr'),
    finance: await taskConsumerBacklog(nc, 'finance'),
  };

  // The dead letters of our tasks, by the request id the worker copied along.
  const jsm = await jetstreamManager(nc);
  const dlq = new Map<string, string>();
  const si = await jsm.streams.info(Names.deadLetterStream);
  const seqs: number[] = [];
  for (let q = si.state.first_seq; si.state.messages > 0 && q <= si.state.last_seq; q++) seqs.push(q);
  await mapLimit(seqs, 16, async (seq) => {
    const m = await jsm.streams.getMessage(Names.deadLetterStream, { seq });
    const id = m?.header.get(HeaderNames.requestId);
    if (m && id) dlq.set(id, m.header.get('Switchboard-Dlq-Reason') || '');
  });

  // Every service still the same process, and healthy.
  const alive: string[] = [];
  for (const p of s.processes()) {
    const health = await http(`${p.baseUrl}/healthz`).catch(() => ({ status: 0 }));
    if (p.isRunning() && pids.get(p.label) === p.pid && health.status === 200) alive.push(p.label);
  }

  // Figures per target, and the failures.
  const figures: Record<string, Figure> = {};
  const bad: string[] = [];
  const notDeadLettered: string[] = [];
  for (const { key, target, input } of inputs) {
    figures[target] ??= {
      sent: 0,
      typed_error: {},
      accepted_as_text: 0,
      refused_by_stream: 0,
      dead_lettered: 0,
      by_category: {},
    };
    const f = figures[target];
    f.sent++;
    f.by_category[input.category] = (f.by_category[input.category] ?? 0) + 1;
    const r = results.get(key) ?? { kind: 'bad', why: 'not sent' };
    if (r.kind === 'typed_error') f.typed_error[r.code] = (f.typed_error[r.code] ?? 0) + 1;
    else if (r.kind === 'accepted_as_text') f.accepted_as_text++;
    else if (r.kind === 'refused_by_stream') f.refused_by_stream++;
    else bad.push(`${target} ${key} [${input.category}: ${input.variant}]: ${r.why}`);
    if (target === 'tasks.hr' && r.kind !== 'refused_by_stream') {
      if (dlq.get(key) === 'invalid_task') f.dead_lettered++;
      else
        notDeadLettered.push(
          `${key} [${input.category}: ${input.variant}]: dlq reason ${dlq.get(key) ?? 'none'}`,
        );
    }
  }
  const duplicated = tracker.duplicated();
  printFigures({
    test: 'malformed',
    size: chaosFull ? 'full' : 'ci',
    seed: SEED,
    sent: TOTAL,
    answered: [...results.values()].filter((r) => r.kind === 'typed_error' || r.kind === 'accepted_as_text')
      .length,
    typed_errors: [...results.values()].filter((r) => r.kind === 'typed_error').length,
    accepted_as_text: [...results.values()].filter((r) => r.kind === 'accepted_as_text').length,
    refused_by_stream: [...results.values()].filter((r) => r.kind === 'refused_by_stream').length,
    dead_lettered: figures['tasks.hr']?.dead_lettered ?? 0,
    failures: bad.length,
    lost: bad.filter((b) => b.endsWith('no reply')).length,
    duplicated: duplicated.length,
    not_dead_lettered: notDeadLettered.length,
    services_alive: `${alive.length}/${s.processes().length}`,
    consumers_drained: drained,
    backlog,
    per_target: figures,
    send_ms: sendMs,
    total_ms: Date.now() - started,
    first_failures: bad.slice(0, 8),
  });
  tracker.stop();

  expect(bad, 'every malformed input gets a typed error (or is valid text over NATS)').toEqual([]);
  expect(duplicated, 'no request is answered twice').toEqual([]);
  expect(notDeadLettered, 'every stored invalid task is dead-lettered as invalid_task').toEqual([]);
  expect(alive.sort(), 'no service exited or restarted; every /healthz is 200').toEqual(
    s
      .processes()
      .map((p) => p.label)
      .sort(),
  );
  expect(backlog, 'nothing pending or un-acked in AGENT_TASKS').toEqual({ hr: 0, finance: 0 });
}, 120_000);
