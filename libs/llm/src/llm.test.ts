import { createMetrics, llmOutcomes, type RetryPolicy } from '@switchboard/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnthropicClient } from './client.js';
import { LlmError } from './failure.js';
import { createLlm, type LlmOptions } from './llm.js';
import { retryAfterMs } from './retry-after.js';
import {
  type FakeMessagesApi,
  type FakeStep,
  fakeError,
  fakeText,
  startFakeMessagesApi,
} from './testing/index.js';

// The real SDK against the fake Messages API: every HTTP status, timeout and abort goes through
// the same path as in production.

const model = 'claude-test';
const once: RetryPolicy = { attempts: 1, backoff: 'exponential', baseMs: 10, maxMs: 50 };
const thrice: RetryPolicy = {
  attempts: 3,
  backoff: 'exponential',
  baseMs: 10,
  maxMs: 50,
  maxRetryAfterMs: 500,
};
const request = { max_tokens: 50, messages: [{ role: 'user' as const, content: 'hi' }] };

let api: FakeMessagesApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function setup(steps: FakeStep[], over: Partial<LlmOptions> = {}) {
  api = await startFakeMessagesApi(steps);
  const metrics = createMetrics('test', { processMetrics: false });
  const llm = createLlm({
    client: createAnthropicClient({ apiKey: 'k', baseURL: api.url }),
    model,
    timeoutMs: 2000,
    retry: once,
    metrics,
    ...over,
  });
  const outcomes = async () =>
    Object.fromEntries(
      (await metrics.llmRequests.get()).values
        .filter((v) => v.value > 0)
        .map((v) => [v.labels.outcome, v.value]),
    );
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => expect.unreachable('the request succeeded'),
      (e: unknown) => e as LlmError,
    );
  return { api, llm, metrics, outcomes, failure };
}

describe('createLlm', () => {
  it('answers with the message, primes every outcome at 0 and records duration and tokens', async () => {
    const { llm, metrics, outcomes, api } = await setup([fakeText('hello')]);
    const primed = (await metrics.llmRequests.get()).values.map((v) => v.labels.outcome).sort();
    expect(primed).toEqual([...llmOutcomes].sort());
    const msg = await llm.create(request);
    expect(msg.content).toEqual([{ type: 'text', text: 'hello' }]);
    expect(api.requests[0]?.body.model).toBe(model);
    expect(await outcomes()).toEqual({ ok: 1 });
    const tokens = (await metrics.llmTokens.get()).values.map((v) => `${v.labels.kind}=${v.value}`).sort();
    expect(tokens).toEqual(['input=10', 'output=10']);
    const count = (await metrics.llmDuration.get()).values.find((v) => v.metricName?.endsWith('_count'));
    expect(count?.value).toBe(1);
  });

  it.each([
    [400, 'bad_request'],
    [401, 'auth'],
    [403, 'auth'],
    [404, 'bad_request'],
    [408, 'timeout'],
    [409, 'server_error'],
    [413, 'bad_request'],
    [429, 'rate_limited'],
    [500, 'server_error'],
    [503, 'server_error'],
    [529, 'overloaded'],
  ])('types HTTP %i as %s', async (status, kind) => {
    const { llm, outcomes, failure } = await setup([fakeError(status)]);
    const err = await failure(llm.create(request));
    expect(err).toBeInstanceOf(LlmError);
    expect(err).toMatchObject({ kind, status });
    expect(await outcomes()).toEqual({ [kind]: 1 });
  });

  it('types an unreachable API as network', async () => {
    const { llm, outcomes, failure } = await setup([]);
    await api!.close();
    const err = await failure(llm.create(request));
    expect(err.kind).toBe('network');
    api = undefined;
    expect(await outcomes()).toEqual({ network: 1 });
  });

  it('retries transient failures, not the others', async () => {
    const { llm, outcomes, api } = await setup([fakeError(529), fakeError(500), fakeText('third time')], {
      retry: thrice,
    });
    expect((await llm.create(request)).content).toEqual([{ type: 'text', text: 'third time' }]);
    expect(await outcomes()).toEqual({ overloaded: 1, server_error: 1, ok: 1 });
    // The SDK made each call once: the retries are the layer's.
    expect(api.requests.map((r) => r.headers['x-stainless-retry-count'] ?? '0')).toEqual(['0', '0', '0']);

    api.push(fakeError(400, {}, 'invalid_request_error'));
    await expect(llm.create(request)).rejects.toMatchObject({ kind: 'bad_request' });
    expect(api.requests).toHaveLength(4);
  });

  it('waits a retry-after within the policy, and skips the API during one beyond it', async () => {
    const { llm, outcomes, api, failure } = await setup(
      [fakeError(429, { 'retry-after-ms': '200' }), fakeText('waited')],
      { retry: thrice },
    );
    const started = Date.now();
    await llm.create(request);
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);

    api.push(fakeError(429, { 'retry-after-ms': '900' }));
    const err = await failure(llm.create(request));
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 900 });
    expect(api.requests).toHaveLength(3);
    // Within the 900 ms, a request is not sent at all.
    expect(await failure(llm.create(request))).toMatchObject({ kind: 'rate_limited', status: undefined });
    expect(api.requests).toHaveLength(3);
    expect(await outcomes()).toEqual({ rate_limited: 3, ok: 1 });

    // Once the wait left is within the policy's, a request waits for it and goes out.
    await new Promise((r) => setTimeout(r, 500));
    api.push(fakeText('after the cool-down'));
    expect((await llm.create(request)).content).toEqual([{ type: 'text', text: 'after the cool-down' }]);
    expect(api.requests).toHaveLength(4);
  });

  it('times out an attempt, opens the breaker, and then sends nothing', async () => {
    const slow = { ...fakeText('late'), delayMs: 1000 };
    const { llm, outcomes, api, failure } = await setup([slow, slow], {
      timeoutMs: 100,
      failureThreshold: 2,
    });
    expect((await failure(llm.create(request))).kind).toBe('timeout');
    expect((await failure(llm.create(request))).kind).toBe('timeout');
    expect(llm.guard.state()).toBe(2);
    expect((await failure(llm.create(request))).kind).toBe('circuit_open');
    expect(api.requests).toHaveLength(2);
    expect(await outcomes()).toEqual({ timeout: 2, circuit_open: 1 });
  });

  it('counts an answer the caller cannot use as invalid_output, not against the breaker', async () => {
    const { llm, outcomes, api, failure } = await setup([fakeText('no tool call'), fakeText('fine')], {
      failureThreshold: 1,
      retry: thrice,
    });
    const accept = (m: { content: { type: string }[] }) => {
      if (m.content[0]?.type !== 'tool_use') throw new Error('no tool call');
      return m;
    };
    const err = await failure(llm.create(request, { accept }));
    expect(err).toMatchObject({ kind: 'invalid_output', message: 'unusable LLM answer: no tool call' });
    expect(api.requests).toHaveLength(1);
    expect(llm.guard.state()).toBe(0);
    expect(await llm.create(request, { accept: (m) => m.id })).toMatch(/^msg_fake_/);
    expect(await outcomes()).toEqual({ invalid_output: 1, ok: 1 });
  });

  it('ends with aborted when the caller gives up, in a call or in a wait, without opening the breaker', async () => {
    const { llm, outcomes, failure } = await setup(
      [{ ...fakeText('late'), delayMs: 1000 }, fakeError(429, { 'retry-after': '0.4' })],
      { failureThreshold: 1, retry: thrice },
    );
    const inCall = new AbortController();
    setTimeout(() => inCall.abort(new Error('draining')), 50);
    expect(await failure(llm.create(request, { signal: inCall.signal }))).toMatchObject({ kind: 'aborted' });
    expect(llm.guard.state()).toBe(0);

    const inWait = new AbortController();
    setTimeout(() => inWait.abort(new Error('deadline')), 100);
    const started = Date.now();
    const err = await failure(llm.create(request, { signal: inWait.signal }));
    expect(err.kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(380);
    expect(await outcomes()).toEqual({ aborted: 1, rate_limited: 1 });
  });
});

describe('retryAfterMs', () => {
  const h = (entries: Record<string, string>) => new Headers(entries);
  it('reads retry-after-ms, then retry-after in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(h({ 'retry-after-ms': '1500', 'retry-after': '9' }), now)).toBe(1500);
    expect(retryAfterMs(h({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(h({ 'retry-after': '0.25' }), now)).toBe(250);
    expect(retryAfterMs(h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(h({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(h({}))).toBeUndefined();
    expect(retryAfterMs(h({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(h({ 'retry-after': '-3' }))).toBeUndefined();
  });
});
