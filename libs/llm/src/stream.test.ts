import { createMetrics, type RetryPolicy } from '@switchboard/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnthropicClient } from './client.js';
import type { LlmError } from './failure.js';
import { createLlm } from './llm.js';
import {
  type FakeMessagesApi,
  type FakeStep,
  type FakeStreamOptions,
  fakeError,
  fakeText,
  fakeToolUse,
  startFakeMessagesApi,
} from './testing/index.js';

// `Llm.stream`: the real SDK's `messages.stream` against the fake's Server-Sent Events. Text deltas
// arrive while the fake is still sending; usage, tool inputs and failures are those of `create`.

const model = 'claude-test';
const thrice: RetryPolicy = { attempts: 3, backoff: 'exponential', baseMs: 10, maxMs: 50 };
const request = { max_tokens: 50, messages: [{ role: 'user' as const, content: 'hi' }] };

let api: FakeMessagesApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function setup(steps: FakeStep[], stream?: FakeStreamOptions) {
  api = await startFakeMessagesApi(steps, stream ? { stream } : {});
  const metrics = createMetrics('test', { processMetrics: false });
  const llm = createLlm({
    client: createAnthropicClient({ apiKey: 'k', baseURL: api.url }),
    model,
    timeoutMs: 5000,
    retry: thrice,
    metrics,
  });
  const outcomes = async () =>
    Object.fromEntries(
      (await metrics.llmRequests.get()).values
        .filter((v) => v.value > 0)
        .map((v) => [v.labels.outcome, v.value]),
    );
  return { api, llm, outcomes };
}

/** Records what `Llm.stream` hands on, with when it arrived. */
function recorder() {
  const started = Date.now();
  const got: { text: string; block: number; atMs: number }[] = [];
  let restarts = 0;
  return {
    got,
    restarts: () => restarts,
    opts: {
      onText: (text: string, block: number) => got.push({ text, block, atMs: Date.now() - started }),
      onRestart: () => {
        restarts++;
      },
    },
  };
}

describe('Llm.stream', () => {
  it('hands on text deltas as the fake sends them, then resolves with the whole message and its usage', async () => {
    const text = 'Parental leave is 16 weeks. It is paid in full.';
    const answer = fakeText(text);
    (answer.body as { usage: object }).usage = { input_tokens: 120, output_tokens: 17 };
    const { llm, api, outcomes } = await setup([answer], { delayMs: 20, chars: 6 });
    const r = recorder();
    const t0 = Date.now();
    const message = await llm.stream(request, r.opts);
    const total = Date.now() - t0;
    expect(api.requests[0]!.body.stream).toBe(true);
    expect(r.got.map((g) => g.text).join('')).toBe(text);
    expect(r.got.length).toBe(Math.ceil(text.length / 6));
    // The first delta came long before the message was complete: ~8 deltas 20 ms apart.
    expect(r.got[0]!.atMs).toBeLessThan(total - 100);
    expect(message.content).toEqual([{ type: 'text', text, citations: undefined }].map(stripUndefined));
    expect(message.usage).toMatchObject({ input_tokens: 120, output_tokens: 17 });
    expect(message.stop_reason).toBe('end_turn');
    expect(await outcomes()).toEqual({ ok: 1 });
    expect(r.restarts()).toBe(0);
  });

  it('accumulates tool inputs from input_json_delta and tells text blocks apart', async () => {
    const uses = [{ id: 'tu_1', name: 'leave_balance', input: { year: 2026, kind: 'vacation' } }];
    const { llm } = await setup([fakeToolUse(uses, 'Let me look.')], { chars: 5 });
    const r = recorder();
    const message = await llm.stream(request, r.opts);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content[1]).toMatchObject({ type: 'tool_use', id: 'tu_1', input: uses[0]!.input });
    expect(r.got.map((g) => g.text).join('')).toBe('Let me look.');
    expect(new Set(r.got.map((g) => g.block))).toEqual(new Set([0]));
  });

  it('retries a failure before any text silently, and one after text with onRestart first', async () => {
    const text = 'You have 18 vacation days left.';
    const midError = {
      ...fakeText(text),
      stream: { chars: 4, failAfter: { deltas: 2, how: 'error' as const } },
    };
    const { llm, outcomes } = await setup([fakeError(529), midError, fakeText(text)], { chars: 4 });
    const r = recorder();
    const message = await llm.stream(request, r.opts);
    expect(message.content[0]).toMatchObject({ type: 'text', text });
    // Two deltas of the broken attempt, then the full text of the last one, after one restart.
    expect(r.restarts()).toBe(1);
    expect(
      r.got
        .slice(2)
        .map((g) => g.text)
        .join(''),
    ).toBe(text);
    expect(
      r.got
        .slice(0, 2)
        .map((g) => g.text)
        .join(''),
    ).toBe(text.slice(0, 8));
    expect(await outcomes()).toEqual({ overloaded: 1, network: 1, ok: 1 });
  });

  it('takes a connection cut mid-stream as a network failure, retried', async () => {
    const text = 'All done here.';
    const cut = {
      ...fakeText(text),
      stream: { chars: 3, delayMs: 10, failAfter: { deltas: 1, how: 'cut' as const } },
    };
    const { llm, outcomes } = await setup([cut, fakeText(text)]);
    const r = recorder();
    const message = await llm.stream(request, r.opts);
    expect(message.content[0]).toMatchObject({ text });
    expect(r.restarts()).toBe(1);
    expect(await outcomes()).toEqual({ network: 1, ok: 1 });
  });

  it('fails for good like create: a 400 is bad_request, not retried, nothing handed on', async () => {
    const { llm, api } = await setup([fakeError(400, {}, 'invalid_request_error')]);
    const r = recorder();
    const err = await llm.stream(request, r.opts).then(
      () => expect.unreachable('the request succeeded'),
      (e: unknown) => e as LlmError,
    );
    expect(err.kind).toBe('bad_request');
    expect(api.count()).toBe(1);
    expect(r.got).toEqual([]);
  });
});

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
