import { type JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { AskReplyOk } from '@switchboard/contracts';
import { createAnthropicClient, createLlm } from '@switchboard/llm';
import {
  type FakeMessagesApi,
  type FakeStep,
  type FakeStreamOptions,
  fakeError,
  fakeText,
  fakeToolUse,
  startFakeMessagesApi,
} from '@switchboard/llm/testing';
import { createLogger, createMetrics, ensureStreams, RetryPolicies } from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { followChunks, shownText } from '../delivery/chunk-reader.testing.js';
import { openChunkStream } from '../delivery/chunks.js';
import type { Engine, EngineResult } from '../engine.js';
import { createToolExecutor } from '../tools/executor.js';
import { defineTool } from '../tools/types.js';
import { createClaudeEngine } from './engine.js';

// The Claude engine streaming its answer: the real SDK against the fake Messages API's Server-Sent
// Events, the real chunk stream on a real nats-server, read back as the gateway reads it. The first
// chunk is stored while the fake is still sending; retries, tool rounds and the fallback restart the
// stream, so the chunks since the last restart always make the reply's text.

const log = createLogger({ service: 'test', level: 'silent' });
const balance = defineTool({
  name: 'lookup_balance',
  description: 'Vacation balance of the asker.',
  input: z.strictObject({}),
  output: z.object({ days: z.number() }),
  async run() {
    return { days: 12 };
  },
});
const offline: Engine = { respond: async () => ({ text: 'Offline: you have 12 days.' }) };

let server: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let api: FakeMessagesApi | undefined;
beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  await ensureStreams(await jetstreamManager(nc));
  js = jetstream(nc);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});
afterEach(async () => {
  await api?.close();
  api = undefined;
});

let n = 0;

/** Runs one streamed turn against `steps`; the chunks as stored, the result, and when each arrived. */
async function streamedTurn(steps: FakeStep[], stream: FakeStreamOptions = {}, attempts = 3) {
  api = await startFakeMessagesApi(steps, { stream });
  const llm = createLlm({
    client: createAnthropicClient({ apiKey: 'test-key', baseURL: api.url }),
    model: 'claude-test',
    timeoutMs: 10_000,
    retry: { ...RetryPolicies.llm, attempts, baseMs: 10, maxMs: 20 },
    metrics: createMetrics('test', { processMetrics: false }),
  });
  const executor = createToolExecutor({ agent: 'test', tools: [balance] });
  const engine = createClaudeEngine({ llm, system: 'Test.', executor, fallback: offline });
  const streamId = `engine-stream-${String(++n).padStart(6, '0')}`;
  const taskId = `task-${n}`;
  const follow = await followChunks(js, streamId);
  // When the fake wrote its last event, in the chunks' time (ms after following began).
  let streamEndMs: number | undefined;
  const endAt = stream.onEnd;
  stream.onEnd = () => {
    streamEndMs = Date.now() - follow.startedAt;
    endAt?.();
  };
  const chunks = openChunkStream(js, { streamId, userId: 'alice' }, { taskId }, { delivery: 1 })!;
  const t0 = Date.now();
  const input = { text: 'how many days?', userId: 'alice', sessionId: 's', taskId, history: [] };
  const result: EngineResult = await engine.respond(input, {
    log,
    signal: new AbortController().signal,
    chunks,
  });
  const engineMs = Date.now() - t0;
  const reply: AskReplyOk = {
    ok: true,
    status: 'answered',
    sessionId: 's',
    agent: 'hr',
    text: result.text,
    data: {},
  };
  await chunks.finish(reply);
  await follow.untilReply();
  await follow.stop();
  const got = follow.got;
  return {
    api,
    result,
    got,
    engineMs,
    streamEndMs,
    chunkTexts: got.flatMap((c) => (c.kind === 'chunk' ? [c] : [])),
  };
}

const ANSWER =
  'You have 12 vacation days left for 2026. Days not taken by 31 March, incl. carried-over ones, expire. ' +
  'To book some, tell me the dates, e.g. 3 to 5 December, and I will check the team calendar first.';

describe('the Claude engine, streamed', () => {
  it('publishes the first chunk while the fake is still sending, the reply text made of the chunks', async () => {
    // ~5 characters a delta, 15 ms apart: about 40 deltas, 600 ms of streaming.
    const { api, result, got, engineMs, streamEndMs, chunkTexts } = await streamedTurn([fakeText(ANSWER)], {
      delayMs: 15,
      chars: 5,
    });
    expect(api.requests[0]!.body.stream).toBe(true);
    expect(result.text).toBe(ANSWER);
    expect(shownText(got)).toBe(ANSWER);
    const first = chunkTexts[0]!;
    // The first chunk is stored while the fake is still sending (compared with when it wrote its last
    // event, not with a share of the turn's time: the machine is shared); chunks come spread over it.
    expect(streamEndMs).toBeDefined();
    expect(first.atMs).toBeLessThan(streamEndMs!);
    expect(chunkTexts.filter((c) => c.atMs < engineMs - 100).length).toBeGreaterThan(2);
    expect(chunkTexts.map((c) => c.seq)).toEqual(chunkTexts.map((_, i) => i + 1));
    expect(chunkTexts.some((c) => c.restart)).toBe(false);
    process.stdout.write(
      `[measure] ${ANSWER.length} chars, ${chunkTexts.length} chunks, first chunk at ${first.atMs} ms, ` +
        `stream ended at ${streamEndMs} ms, engine done at ${engineMs} ms, reply record at ${got.at(-1)!.atMs} ms\n`,
    );
  });

  it('restarts with the answer after a tool round: narration first, then the answer', async () => {
    const { api, result, got, chunkTexts } = await streamedTurn(
      [
        fakeToolUse(
          [{ id: 'tu_1', name: 'lookup_balance', input: {} }],
          'Let me look that up for you. One moment.',
        ),
        fakeText('You have 12 days left.'),
      ],
      { delayMs: 5, chars: 6 },
    );
    expect(api.requests.map((r) => r.body.stream)).toEqual([true, true]);
    expect(result.text).toBe('You have 12 days left.');
    expect(chunkTexts[0]!.text).toBe('Let me look that up for you. ');
    const restarted = chunkTexts.filter((c) => c.restart);
    expect(restarted).toHaveLength(1);
    expect(restarted[0]!.text.startsWith('You have')).toBe(true);
    expect(shownText(got)).toBe(result.text);
  });

  it('a stream that fails after text is retried and restarted: no two texts under one number', async () => {
    const broken = {
      ...fakeText(ANSWER),
      stream: { delayMs: 5, chars: 10, failAfter: { deltas: 6, how: 'error' as const } },
    };
    const { api, result, got, chunkTexts } = await streamedTurn([broken, fakeText(ANSWER)], {
      delayMs: 2,
      chars: 10,
    });
    expect(api.count()).toBe(2);
    expect(result.text).toBe(ANSWER);
    expect(chunkTexts.filter((c) => c.restart)).toHaveLength(1);
    expect(new Set(chunkTexts.map((c) => c.seq)).size).toBe(chunkTexts.length);
    expect(shownText(got)).toBe(ANSWER);
  });

  it('a stream that fails for good after text gives way to the fallback, marked as a restart', async () => {
    const broken = {
      ...fakeText(ANSWER),
      stream: { delayMs: 5, chars: 10, failAfter: { deltas: 6, how: 'cut' as const } },
    };
    const { result, got, chunkTexts } = await streamedTurn([broken], {}, 1);
    expect(result.data).toMatchObject({ engine: 'offline', fallbackReason: 'llm_unavailable' });
    expect(chunkTexts[0]!.text).toBe(ANSWER.slice(0, chunkTexts[0]!.text.length));
    expect(chunkTexts.at(-1)).toMatchObject({
      restart: true,
      final: true,
      text: 'Offline: you have 12 days.',
    });
    expect(shownText(got)).toBe('Offline: you have 12 days.');
  });

  it('a failure before any text retries silently: one stream, no restart', async () => {
    const { api, got, chunkTexts } = await streamedTurn([fakeError(529), fakeText('Twelve days.')]);
    expect(api.count()).toBe(2);
    expect(chunkTexts.some((c) => c.restart)).toBe(false);
    expect(shownText(got)).toBe('Twelve days.');
  });
});

describe('the Claude engine, not streamed', () => {
  it('asks for no stream without a chunk sink', async () => {
    api = await startFakeMessagesApi([fakeText('Twelve days.')]);
    const llm = createLlm({
      client: createAnthropicClient({ apiKey: 'test-key', baseURL: api.url }),
      model: 'claude-test',
      timeoutMs: 5000,
    });
    const executor = createToolExecutor({ agent: 'test', tools: [balance] });
    const engine = createClaudeEngine({ llm, system: 'Test.', executor, fallback: offline });
    const input = { text: 'days?', sessionId: 's', taskId: 't', history: [] };
    const r = await engine.respond(input, { log, signal: new AbortController().signal });
    expect(r.text).toBe('Twelve days.');
    expect(api.requests[0]!.body.stream).toBeUndefined();
  });
});
