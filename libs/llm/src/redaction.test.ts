import { createLogger, createMetrics, type RetryPolicy } from '@switchboard/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnthropicClient } from './client.js';
import { LlmError, maxUpstreamMessageChars, redactSecrets } from './failure.js';
import { createLlm } from './llm.js';
import { type FakeMessagesApi, type FakeStep, fakeText, startFakeMessagesApi } from './testing/index.js';

// A provider that echoes the caller's key in its error body must not get that key into the logs:
// the real SDK against the fake Messages API, the error logged the way the router and the agents
// log it (`log.warn({ err, kind })`), and every log line searched for the key.

const request = { max_tokens: 50, messages: [{ role: 'user' as const, content: 'hi' }] };
const thrice: RetryPolicy = { attempts: 3, backoff: 'exponential', baseMs: 10, maxMs: 50 };

let api: FakeMessagesApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** An error response that quotes the request's key every way a provider might. */
function echoKey(status: number, type: string): FakeStep {
  return (req) => {
    // The SDK sends a key as `x-api-key`, or as a bearer token when it is not shaped like one.
    const key = String(req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer /, ''));
    return {
      status,
      body: {
        type: 'error',
        error: {
          type,
          message: `invalid x-api-key: ${key} (sent as Authorization: Bearer ${key}; "api_key": "${key}")`,
          details: { key },
        },
      },
    };
  };
}

async function setup(apiKey: string, steps: FakeStep[], retry?: RetryPolicy) {
  api = await startFakeMessagesApi(steps);
  const lines: string[] = [];
  const log = createLogger({ service: 'test', level: 'debug', destination: { write: (s) => lines.push(s) } });
  const llm = createLlm({
    client: createAnthropicClient({ apiKey, baseURL: api.url }),
    model: 'claude-test',
    timeoutMs: 2000,
    metrics: createMetrics('test', { processMetrics: false }),
    log,
    ...(retry ? { retry } : {}),
  });
  /** Calls the API; logs the failure as the router and the agents do and returns it. */
  const failed = async (): Promise<LlmError> => {
    try {
      await llm.create(request);
    } catch (err) {
      log.warn({ err, kind: (err as LlmError).kind }, 'LLM request failed; the offline engine answers');
      return err as LlmError;
    }
    throw new Error('the request succeeded');
  };
  return { api, lines, failed, llm };
}

describe('LLM errors in the logs', () => {
  it('logs kind, status and request id of an error body that echoes the key, never the key', async () => {
    const key = `sk-ant-api03-${'Zx9_'.repeat(20)}AA`;
    const { lines, failed } = await setup(key, [echoKey(401, 'authentication_error')]);
    const err = await failed();
    expect(err).toBeInstanceOf(LlmError);
    expect(err).toMatchObject({ kind: 'auth', status: 401, requestId: 'req_fake_1' });
    expect(err.message).toMatch(
      /^LLM API answered 401 \(authentication_error\): invalid x-api-key: \[redacted\]/,
    );
    expect(err.cause).toBeUndefined();
    const text = lines.join('');
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0]!) as { err: Record<string, unknown>; kind: string };
    expect(logged.kind).toBe('auth');
    expect(logged.err).toMatchObject({
      type: 'LlmError',
      kind: 'auth',
      status: 401,
      requestId: 'req_fake_1',
    });
    expect(text).not.toContain(key);
    expect(text).not.toContain('Zx9_');
    expect(text).not.toContain('sk-ant');
  });

  it('cuts out the client key of any shape, and in the retry log lines too', async () => {
    const key = 'corp-proxy-key-7f3a9b2c1d';
    const { lines, failed, api } = await setup(
      key,
      [echoKey(529, 'overloaded_error'), echoKey(529, 'overloaded_error'), echoKey(500, 'api_error')],
      thrice,
    );
    const err = await failed();
    expect(err).toMatchObject({ kind: 'server_error', status: 500, requestId: 'req_fake_3' });
    expect(api.requests).toHaveLength(3);
    expect(api.requests.map((r) => r.headers['x-api-key'] ?? r.headers.authorization)).toEqual(
      Array(3).fill(`Bearer ${key}`),
    );
    // The echo was there, and was cut out.
    expect(err.message).toContain('[redacted]');
    // Two retries logged, then the failure.
    expect(lines).toHaveLength(3);
    expect(lines.join('')).not.toContain(key);
    expect(lines.join('')).not.toContain('7f3a9b2c1d');
  });

  it('keeps at most a short piece of a long upstream message', async () => {
    const long = (): FakeStep => () => ({
      status: 400,
      body: { type: 'error', error: { type: 'invalid_request_error', message: 'x'.repeat(5000) } },
    });
    const { lines, failed } = await setup('sk-ant-short-key-123456', [long()]);
    const err = await failed();
    expect(err.kind).toBe('bad_request');
    expect(err.message.length).toBeLessThan(maxUpstreamMessageChars + 80);
    expect(err.message).toMatch(/x…$/);
    expect(lines[0]!.length).toBeLessThan(4000);
  });

  it('still answers normally after a redacted failure', async () => {
    const { llm, failed } = await setup('sk-ant-api03-abcdefghijkl', [
      echoKey(403, 'permission_error'),
      fakeText('hello'),
    ]);
    expect((await failed()).kind).toBe('auth');
    expect((await llm.create(request)).content).toEqual([{ type: 'text', text: 'hello' }]);
  });
});

describe('redactSecrets', () => {
  it.each([
    ['an Anthropic key', 'key sk-ant-api03-AbC_dEf-123 is invalid', 'key [redacted] is invalid'],
    ['another sk- key', 'got sk-proj-abcdefghijklmnop', 'got [redacted]'],
    ['an x-api-key header', 'x-api-key: hunter2secret', 'x-api-key: [redacted]'],
    ['a JSON api_key field', '{"api_key": "hunter2secret"}', '{"api_key": "[redacted]"}'],
    ['an authorization header', 'Authorization: Bearer abc.def', 'Authorization: [redacted]'],
    ['a bearer token alone', 'token was bearer abcdef0123', 'token was [redacted]'],
    ['a JWT', 'jwt eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl end', 'jwt [redacted] end'],
  ])('removes %s', (_what, input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('removes the given secrets wherever they stand, and leaves other text alone', () => {
    expect(redactSecrets('a-plain-secret-value inside a-plain-secret-value', ['a-plain-secret-value'])).toBe(
      '[redacted] inside [redacted]',
    );
    expect(redactSecrets('model claude-test is overloaded; retry later')).toBe(
      'model claude-test is overloaded; retry later',
    );
  });

  it('truncates after redacting, so no key is cut in half and kept', () => {
    const secret = `corp-secret-${'k'.repeat(40)}`;
    expect(redactSecrets(`${'a'.repeat(180)} ${secret}`, [secret])).toBe(`${'a'.repeat(180)} [redacted]`);
    expect(redactSecrets('y'.repeat(500), [], 10)).toBe(`${'y'.repeat(10)}…`);
  });
});
