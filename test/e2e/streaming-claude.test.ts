// Claude's answer streamed token by token (docs/streaming.md): the real router, hr-agent and gateway
// processes, the agent on Claude through the real @anthropic-ai/sdk against the local fake Messages
// API (ANTHROPIC_BASE_URL), which streams its answer slowly. Chunks reach an SSE client while the
// fake is still sending; a client that drops after the first chunk resumes with Last-Event-ID and
// follows the rest live, nothing lost and nothing twice; a NATS request without the header still
// gets one message, and the agent asks the API for no stream then.
import type { NatsConnection } from '@nats-io/transport-node';
import { type FakeMessagesApi, fakeText, startFakeMessagesApi } from '@switchboard/agent-kit/testing';
import { startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type OkReply, repliesTo, Stack, sleep } from './harness.js';

/** The model's answer: ~300 characters, 6 a delta, 25 ms apart: about 1.3 s of streaming. */
const ANSWER =
  'Parental leave is 16 weeks at full pay, incl. the 2 weeks before the due date. ' +
  'Partners get 4 weeks, e.g. right after the birth or within the first year. ' +
  'Tell HR at least 8 weeks ahead. The request form is in the HR portal under Leave. ' +
  'I can also check how many vacation days you could add to it.';
const DELTA = { delayMs: 25, chars: 6 };

let llm: FakeMessagesApi;
let stack: Stack | undefined;
let agentEnv: Record<string, string>;
let nc: NatsConnection;

beforeAll(async () => {
  llm = await startFakeMessagesApi([], { whenExhausted: fakeText(ANSWER), stream: DELTA });
  stack = new Stack(await startNatsServer());
  // A short ack wait: the task of an agent killed mid-stream comes back within the test.
  agentEnv = { ANTHROPIC_API_KEY: 'fake', ANTHROPIC_BASE_URL: llm.url, AGENT_ACK_WAIT_MS: '3000' };
  await Promise.all([stack.start('router'), stack.start('hr-agent', agentEnv), stack.start('gateway')]);
  nc = await stack.connect();
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await llm?.close();
}, 60_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    if (stack) process.stderr.write(`\n${stack.diagnostics()}\n`);
  });
});

const QUESTION = { text: 'what is the parental leave policy?', userId: 'alice' };

interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
  /** ms after the request was sent. */
  atMs: number;
}
type ChunkData = { seq: number; text: string; restart?: boolean };

/** Reads SSE events with plain fetch until the stream ends or `stopAfter` says to drop it. */
async function readEvents(res: Response, t0: number, stopAfter?: (events: SseEvent[]) => boolean) {
  const events: SseEvent[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const ev: SseEvent = { event: 'message', data: undefined, atMs: Date.now() - t0 };
      for (const line of buffer.slice(0, end).split('\n')) {
        const i = line.indexOf(': ');
        if (i < 0) continue;
        const [k, v] = [line.slice(0, i), line.slice(i + 2)];
        if (k === 'id') ev.id = v;
        else if (k === 'event') ev.event = v;
        else if (k === 'data') ev.data = JSON.parse(v);
      }
      buffer = buffer.slice(end + 2);
      events.push(ev);
      if (stopAfter?.(events)) {
        await reader.cancel().catch(() => undefined);
        return events;
      }
    }
  }
}

const chunksOf = (events: SseEvent[]) =>
  events
    .filter((e) => e.event === 'chunk')
    .map((e) => ({ ...(e.data as ChunkData), atMs: e.atMs, id: e.id }));

function ask(signal?: AbortSignal): Promise<Response> {
  return fetch(`${stack!.gatewayUrl}/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(QUESTION),
    ...(signal ? { signal } : {}),
  });
}

it('streams Claude as it writes: several chunks spread over time, then the reply they make up', async () => {
  const before = llm.count();
  const t0 = Date.now();
  const res = await ask();
  expect(res.status).toBe(200);
  const events = await readEvents(res, t0);
  const reply = events.at(-1)!;
  expect(reply.event).toBe('reply');
  expect(reply.data).toMatchObject({ ok: true, status: 'answered', agent: 'hr', text: ANSWER });
  expect((reply.data as OkReply).data).toMatchObject({ engine: 'claude' });
  expect(llm.requests.slice(before).map((r) => r.body.stream)).toEqual([true]);
  const chunks = chunksOf(events);
  expect(chunks.length).toBeGreaterThan(4);
  expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i + 1));
  expect(chunks.some((c) => c.restart)).toBe(false);
  expect(chunks.map((c) => c.text).join('')).toBe(ANSWER);
  // Spread over the ~1.3 s the fake takes: the first chunk well before the reply.
  const first = chunks[0]!.atMs;
  expect(reply.atMs - first).toBeGreaterThan(800);
  expect(new Set(chunks.map((c) => Math.floor(c.atMs / 200))).size).toBeGreaterThan(3);
  process.stdout.write(
    `[measure] e2e: ${ANSWER.length} chars in ${chunks.length} chunks; first chunk ${first} ms, ` +
      `reply ${reply.atMs} ms after POST /v1/ask (fake: ${DELTA.chars} chars per delta, ${DELTA.delayMs} ms apart)\n`,
  );
});

it('resumes after a drop mid-stream and follows the rest live: nothing lost, nothing twice', async () => {
  const abort = new AbortController();
  const t0 = Date.now();
  const res = await ask(abort.signal);
  const streamId = res.headers.get('switchboard-stream')!;
  // Drop the connection right after the first chunk, while the fake is still sending.
  const seen = chunksOf(await readEvents(res, t0, (evs) => evs.some((e) => e.event === 'chunk')));
  abort.abort();
  expect(seen).toHaveLength(1);
  expect(seen[0]!.id).toBe(`${streamId}:1`);
  const requestsBefore = llm.count();

  const resumedAt = Date.now() - t0;
  const resumed = await fetch(`${stack!.gatewayUrl}/v1/streams/${streamId}`, {
    headers: { accept: 'text/event-stream', 'last-event-id': seen[0]!.id! },
  });
  expect(resumed.status).toBe(200);
  const after = await readEvents(resumed, t0);
  const rest = chunksOf(after);
  const reply = after.at(-1)!;
  expect(reply.event).toBe('reply');
  expect((reply.data as OkReply).text).toBe(ANSWER);
  expect(rest.map((c) => c.seq)).toEqual(rest.map((_, i) => i + 2));
  expect([...seen, ...rest].map((c) => c.text).join('')).toBe(ANSWER);
  // Live, not replayed: most chunks came well after the resume, spread out as the fake sent them.
  const late = rest.filter((c) => c.atMs > resumedAt + 300);
  expect(late.length, JSON.stringify(rest.map((c) => c.atMs))).toBeGreaterThan(rest.length / 2);
  expect(rest.at(-1)!.atMs - rest[0]!.atMs).toBeGreaterThan(500);
  // The drop cost nothing upstream: no second LLM call.
  expect(llm.count()).toBe(requestsBefore);
  process.stdout.write(
    `[measure] e2e warm: first chunk ${seen[0]!.atMs} ms, resumed at ${resumedAt} ms, ` +
      `${rest.length} more chunks live until ${rest.at(-1)!.atMs} ms, reply ${reply.atMs} ms\n`,
  );
});

it('a NATS request without the header gets exactly one message, and no stream is asked of the API', async () => {
  const before = llm.count();
  const got = await repliesTo(nc, 'agents.ask', QUESTION);
  expect(got).toHaveLength(1);
  expect(got[0]).toMatchObject({ ok: true, status: 'answered', agent: 'hr', text: ANSWER });
  expect(llm.requests.slice(before).map((r) => r.body.stream)).toEqual([undefined]);
});

it('an agent killed mid-stream: the redelivered task answers again, marked restart; the reply is authoritative', async () => {
  // The first delivery's model starts one answer; after the crash the redelivered task gets another.
  const second = 'Parental leave: 16 weeks, fully paid. Partners: 4 weeks. Ask HR for the form.';
  llm.push({ ...fakeText(ANSWER), stream: { delayMs: 60, chars: 6 } }, fakeText(second));
  const t0 = Date.now();
  const res = await ask();
  const streamId = res.headers.get('switchboard-stream')!;
  const events: SseEvent[] = [];
  const reading = readEvents(res, t0, (evs) => {
    events.splice(0, events.length, ...evs);
    return false;
  });
  // Kill the agent once its first chunk is out, while the fake is still sending.
  const until = Date.now() + 15_000;
  while (!events.some((e) => e.event === 'chunk') && Date.now() < until) await sleep(10);
  await stack!.get('hr-agent').stop('SIGKILL');
  await stack!.start('hr-agent', agentEnv);
  const all = await reading;
  const reply = all.at(-1)!;
  expect(reply.event, JSON.stringify(all)).toBe('reply');
  expect(reply.data).toMatchObject({ ok: true, text: second });
  const chunks = chunksOf(all);
  // The first delivery's partial text, then the second delivery from the start, numbered above it.
  const restartAt = chunks.findIndex((c) => c.restart);
  expect(restartAt).toBeGreaterThan(0);
  expect(
    chunks
      .slice(0, restartAt)
      .map((c) => c.text)
      .join(''),
  ).toBe(
    ANSWER.slice(
      0,
      chunks
        .slice(0, restartAt)
        .map((c) => c.text)
        .join('').length,
    ),
  );
  expect(chunks[restartAt]!.seq).toBe(100_001);
  expect(
    chunks
      .slice(restartAt)
      .map((c) => c.text)
      .join(''),
  ).toBe(second);
  const seqs = chunks.map((c) => c.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
  // A client resuming after the first chunk sees the same: the rest of the first try, the restart.
  const resumed = chunksOf(
    await readEvents(
      await fetch(`${stack!.gatewayUrl}/v1/streams/${streamId}`, {
        headers: { 'last-event-id': `${streamId}:1` },
      }),
      Date.now(),
    ),
  );
  expect(resumed.map((c) => c.seq)).toEqual(seqs.slice(1));
  process.stdout.write(
    `[measure] e2e crash: ${restartAt} chunk(s) before the kill, ${chunks.length - restartAt} after, restart chunk at ${chunks[restartAt]!.atMs} ms, ` +
      `reply ${reply.atMs} ms\n`,
  );
}, 60_000);
