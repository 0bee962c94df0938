// Chaos 4: the LLM API misbehaves. The hr agent answers with Claude through a fake Messages API
// that fails 30% of calls with 500 and holds 10% beyond the agent's LLM timeout, answering the rest
// with a final text. Every request must end visibly: answered (by Claude, or by the offline engine
// standing in, `data.engine`) or dead-lettered with a reason and an error reply; never silence.
// The hr agent's `llm` breaker must open under the failures and close again once the API is
// healthy for a while; its /metrics are read throughout. Prints one JSON line of figures.
//
// The failures are seeded (reproducible) and partly bursty: each block of 40 calls has 6 failures
// and 4 held calls scattered over its first 34 calls, then a burst of 6 failures. The rates are
// exactly 30% and 10%. The scattered ones exercise the engine's own retries and fallbacks; the
// burst opens the breaker (5 consecutive failures), which uniformly spread failures would do only
// by luck (about one run in two at 100 requests). Real provider outages come in bursts too.
import { jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';
import {
  type FakeMessagesApi,
  type FakeReply,
  fakeError,
  fakeText,
  startFakeMessagesApi,
} from '@switchboard/agent-kit/testing';
import { ErrorCodes, Names } from '@switchboard/contracts';
import { startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findSamples, http, parseMetrics, Stack, sleep } from '../e2e/harness.js';
import { chaosFull, printFigures, ReplyTracker, scaled, seededRandom } from './cluster-harness.js';

const N = scaled(100, 500);
/** Requests per second while the API is flaky. */
const RATE = 50;
/**
 * The agent's LLM timeout. It is not configurable (withClaude's default, 30 s; hr-agent passes no
 * `timeoutMs`), so held calls are held past it.
 */
const LLM_TIMEOUT_MS = 30_000;
const HOLD_MS = LLM_TIMEOUT_MS + 5000;
/** The breaker's half-open delay, also fixed in withClaude (30 s). */
const HALF_OPEN_MS = 30_000;
const BLOCK = 40;
const SCATTERED_ERRORS = 6;
const BURST = 6;
const HELD_PER_BLOCK = 4;
const SEED = 0x5eed4;

const HR_TEXTS = [
  'how many vacation days do I have?',
  'what is my leave balance',
  'how much PTO do I have left?',
  'check my annual leave',
];

type Mode = 'flaky' | 'healthy';

/** The fake API's behaviour: per block of calls, a seeded plan of which fail and which are held. */
function flakyPlan(seed: number) {
  const rnd = seededRandom(seed);
  let block: ('ok' | 'error' | 'hold')[] = [];
  let index = 0;
  const nextBlock = () => {
    const plan: ('ok' | 'error' | 'hold')[] = new Array(BLOCK).fill('ok');
    for (let i = BLOCK - BURST; i < BLOCK; i++) plan[i] = 'error';
    const scatter = (what: 'error' | 'hold', count: number) => {
      for (let placed = 0; placed < count; ) {
        const i = Math.floor(rnd() * (BLOCK - BURST));
        if (plan[i] === 'ok') {
          plan[i] = what;
          placed++;
        }
      }
    };
    scatter('error', SCATTERED_ERRORS);
    scatter('hold', HELD_PER_BLOCK);
    return plan;
  };
  return () => {
    if (index >= block.length) {
      block = nextBlock();
      index = 0;
    }
    return block[index++]!;
  };
}

let stack: Stack | undefined;
let fake: FakeMessagesApi | undefined;
let nc: NatsConnection | undefined;
let mode: Mode = 'flaky';
const calls = { ok: 0, error: 0, hold: 0, healthy: 0 };
let holding = 0;

beforeAll(async () => {
  const next = flakyPlan(SEED);
  fake = await startFakeMessagesApi([], {
    whenExhausted: (): FakeReply => {
      if (mode === 'healthy') {
        calls.healthy++;
        return fakeText('You have 18 vacation days left this year.');
      }
      const what = next();
      calls[what]++;
      if (what === 'error') return fakeError(500);
      if (what === 'hold') {
        holding++;
        setTimeout(() => holding--, HOLD_MS).unref();
        return { ...fakeText('too late'), delayMs: HOLD_MS };
      }
      return fakeText('You have 18 vacation days left this year.');
    },
  });
  stack = new Stack(await startNatsServer());
  await stack.start('router');
  await stack.start('hr-agent', { ANTHROPIC_API_KEY: 'fake', ANTHROPIC_BASE_URL: fake.url });
  nc = await stack.connect();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await fake?.close();
}, 60_000);

interface BreakerView {
  state: number;
  opened: number;
  closed: number;
  halfOpen: number;
}

async function llmBreaker(baseUrl: string): Promise<BreakerView> {
  const r = await http(`${baseUrl}/metrics`);
  const { samples } = parseMetrics(r.text);
  const state = findSamples(samples, 'switchboard_circuit_breaker_state', { target: 'llm' })[0]?.value ?? -1;
  const t = (s: string) =>
    findSamples(samples, 'switchboard_circuit_breaker_transitions_total', { target: 'llm', state: s })[0]
      ?.value ?? 0;
  return { state, opened: t('open'), closed: t('closed'), halfOpen: t('half_open') };
}

it(`answers or dead-letters every one of ${N} requests while the LLM fails and recovers`, async ({
  onTestFailed,
}) => {
  const s = stack!;
  onTestFailed(() => {
    process.stderr.write(`\n${s.diagnostics()}\n`);
  });
  const hr = s.get('hr-agent');
  const started = Date.now();

  // Watch the breaker throughout.
  const seen: { at: number; v: BreakerView }[] = [];
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      try {
        seen.push({ at: Date.now(), v: await llmBreaker(hr.baseUrl) });
      } catch {
        // a scrape can fail; the next one counts
      }
      await sleep(200);
    }
  })();

  const tracker = new ReplyTracker(nc!);
  await tracker.start();
  const enc = new TextEncoder();
  const refs: string[] = [];
  const probeRefs: string[] = [];
  const send = (ref: string, i: number) => {
    const h = natsHeaders();
    h.set('Switchboard-Request-Id', ref);
    const body = { text: `${HR_TEXTS[i % HR_TEXTS.length]} ref ${ref}`, userId: 'alice' };
    tracker.send('agents.ask', ref, enc.encode(JSON.stringify(body)), h);
  };

  // Phase 1: the API is flaky while N requests arrive at a steady rate.
  for (let i = 0; i < N; i++) {
    const ref = `llm${i}`;
    refs.push(ref);
    send(ref, i);
    const wait = started + ((i + 1) * 1000) / RATE - Date.now();
    if (wait > 0) await sleep(wait);
  }
  // Until every request is answered except those whose LLM call is being held.
  const unanswered = () => refs.filter((r) => tracker.replies(r).length === 0).length;
  const flakyUntil = Date.now() + 20_000;
  while (Date.now() < flakyUntil && unanswered() > holding) await sleep(100);
  const flakyEnded = Date.now();

  // Phase 2: the API is healthy; probes (one a second) until the breaker has closed again and
  // Claude answers a probe.
  mode = 'healthy';
  const claudeAnswered = (r: string) =>
    tracker
      .replies(r)
      .some((x) => (x.body as { data?: { engine?: string } } | undefined)?.data?.engine === 'claude');
  const recoveredBy = flakyEnded + HALF_OPEN_MS + 15_000;
  let recoveredAt: number | undefined;
  for (let p = 0; Date.now() < recoveredBy; p++) {
    const last = seen.at(-1)?.v;
    if (last && last.opened > 0 && last.state === 0 && probeRefs.some(claudeAnswered)) {
      recoveredAt = Date.now();
      break;
    }
    const ref = `probe${p}`;
    probeRefs.push(ref);
    send(ref, p);
    await sleep(1000);
  }

  // Every request and probe: its replies, until each has one or the budget is spent.
  const all = [...refs, ...probeRefs];
  const replyBy = Date.now() + LLM_TIMEOUT_MS + 10_000;
  while (Date.now() < replyBy && all.some((r) => tracker.replies(r).length === 0)) await sleep(200);
  watching = false;
  await watcher;
  const final = await llmBreaker(hr.baseUrl);

  // Dead letters of these requests, by the request id the router copied into the task headers.
  const jsm = await jetstreamManager(nc!);
  const dlq = new Map<string, string>();
  const si = await jsm.streams.info(Names.deadLetterStream);
  for (let seq = si.state.first_seq; si.state.messages > 0 && seq <= si.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(Names.deadLetterStream, { seq });
    const id = m?.header.get('Switchboard-Request-Id');
    if (m && id) dlq.set(id, m.header.get('Switchboard-Dlq-Reason') || '');
  }

  const byEngine: Record<string, number> = {};
  const fallbackReasons: Record<string, number> = {};
  const errorCodes: Record<string, number> = {};
  const silent: string[] = [];
  const badReplies: string[] = [];
  const deadLetteredWithoutReason: string[] = [];
  let answered = 0;
  let deadLettered = 0;
  for (const r of all) {
    const replies = tracker.replies(r);
    const first = replies[0]?.body as
      | {
          ok?: boolean;
          status?: string;
          data?: { engine?: string; fallbackReason?: string };
          error?: { code?: string };
        }
      | undefined;
    if (dlq.has(r)) {
      deadLettered++;
      if (!dlq.get(r)) deadLetteredWithoutReason.push(r);
    }
    if (!first) {
      if (!dlq.has(r)) silent.push(r);
      continue;
    }
    if (first.ok === true && first.status === 'answered') {
      answered++;
      const engine = first.data?.engine ?? 'none';
      byEngine[engine] = (byEngine[engine] ?? 0) + 1;
      if (first.data?.fallbackReason) {
        fallbackReasons[first.data.fallbackReason] = (fallbackReasons[first.data.fallbackReason] ?? 0) + 1;
      }
      if (engine !== 'claude' && engine !== 'offline') badReplies.push(`${r}: engine ${engine}`);
    } else if (first.ok === false && first.error?.code && first.error.code in ErrorCodes) {
      errorCodes[first.error.code] = (errorCodes[first.error.code] ?? 0) + 1;
      // An error reply from the agent side means the task was given up: it must be in the DLQ.
      if (!dlq.has(r)) badReplies.push(`${r}: error ${first.error.code} without a dead letter`);
    } else {
      badReplies.push(`${r}: ${JSON.stringify(first).slice(0, 200)}`);
    }
  }
  const states = seen.map((x) => x.v.state);
  const firstOpen = seen.find((x) => x.v.state === 2 || x.v.opened > 0);
  const figures = {
    test: 'flaky-llm',
    size: chaosFull ? 'full' : 'ci',
    sent: refs.length,
    probes: probeRefs.length,
    answered,
    by_engine: byEngine,
    fallback_reasons: fallbackReasons,
    error_replies: errorCodes,
    dead_lettered: deadLettered,
    lost: silent.length,
    duplicated: tracker.duplicated().length,
    llm_calls: { ...calls, total: fake!.requests.length },
    breaker: {
      max_state: Math.max(...states, final.state),
      final_state: final.state,
      transitions: { open: final.opened, half_open: final.halfOpen, closed: final.closed },
      opened_after_ms: firstOpen ? firstOpen.at - started : null,
      recovered_after_healthy_ms: recoveredAt ? recoveredAt - flakyEnded : null,
    },
    flaky_phase_ms: flakyEnded - started,
    total_ms: Date.now() - started,
    silent_refs: silent.slice(0, 10),
  };
  printFigures(figures);
  tracker.stop();

  expect(silent, 'no request goes unanswered without a dead letter').toEqual([]);
  expect(badReplies, 'every reply is an answer by claude/offline or a typed, dead-lettered error').toEqual(
    [],
  );
  expect(deadLetteredWithoutReason, 'every dead letter carries a reason').toEqual([]);
  expect(answered + deadLettered).toBeGreaterThanOrEqual(all.length);
  expect(calls.error + calls.hold, 'the fake API did fail').toBeGreaterThan(0);
  expect(
    states.includes(2) || final.opened > 0,
    'the llm breaker opened (gauge 2 seen, or an open transition counted)',
  ).toBe(true);
  expect(final.state, 'the llm breaker is closed again').toBe(0);
  expect(final.closed, 'the breaker went back to closed after opening').toBeGreaterThan(0);
  expect(recoveredAt, 'Claude answers again once the API is healthy').toBeDefined();
}, 180_000);
