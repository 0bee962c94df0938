import { getEventListeners } from 'node:events';
import { SwitchboardError } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { backoffDelay, RetryPolicies, type RetryPolicy, retry, retryAfterLimitMs } from './retry.js';

const quick: RetryPolicy = { attempts: 4, backoff: 'exponential', baseMs: 10, maxMs: 25 };

/** A function failing its first `failures` calls with `err` (a function of the call number). */
function failing<T>(failures: number, value: T, err: (n: number) => unknown = (n) => new Error(`fail ${n}`)) {
  const calls: number[] = [];
  const fn = async (attempt: number) => {
    calls.push(attempt);
    if (calls.length <= failures) throw err(calls.length);
    return value;
  };
  return { fn, calls };
}

describe('backoffDelay', () => {
  it('doubles from baseMs (exponential) or grows by baseMs (linear), capped at maxMs', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(RetryPolicies.provision, n))).toEqual([
      100, 200, 400, 800, 1600, 2000,
    ]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(RetryPolicies.deadLetterWrite, n))).toEqual([
      1000, 2000, 3000, 4000, 4000,
    ]);
  });
});

describe('retry', () => {
  it('retries until the call succeeds, waiting the backoff and reporting each retry', async () => {
    const { fn, calls } = failing(3, 'done');
    const retries: { attempt: number; delayMs: number }[] = [];
    const started = Date.now();
    const out = await retry(quick, fn, { onRetry: (_err, next) => retries.push(next) });
    expect(out).toBe('done');
    expect(calls).toEqual([1, 2, 3, 4]);
    expect(retries).toEqual([
      { attempt: 2, delayMs: 10 },
      { attempt: 3, delayMs: 20 },
      { attempt: 4, delayMs: 25 },
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('throws the last failure once the attempts are used up', async () => {
    const { fn, calls } = failing(10, 'never');
    await expect(retry(quick, fn)).rejects.toThrow('fail 4');
    expect(calls).toHaveLength(4);
  });

  it('does not retry a failure that cannot succeed later', async () => {
    const permanent = failing(1, 'x', () => new SwitchboardError('invalid_request', 'bad'));
    await expect(retry(quick, permanent.fn)).rejects.toMatchObject({ code: 'invalid_request' });
    expect(permanent.calls).toHaveLength(1);

    const custom = failing(1, 'x', () => new Error('fatal'));
    await expect(retry(quick, custom.fn, { isRetryable: () => false })).rejects.toThrow('fatal');
    expect(custom.calls).toHaveLength(1);
  });

  it("waits a failure's retry-after instead of the backoff", async () => {
    const { fn, calls } = failing(
      1,
      'ok',
      () => new SwitchboardError('rate_limited', 'slow down', { retryAfterMs: 120 }),
    );
    const delays: number[] = [];
    const started = Date.now();
    await retry({ ...quick, maxRetryAfterMs: 500 }, fn, { onRetry: (_e, n) => delays.push(n.delayMs) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    expect(delays).toEqual([120]);
    expect(calls).toHaveLength(2);
  });

  it('gives up at once when the retry-after asked for is longer than the policy allows', async () => {
    const { fn, calls } = failing(1, 'ok', () => ({ after: 5000 }));
    const started = Date.now();
    const err = await retry({ ...quick, maxRetryAfterMs: 1000 }, fn, {
      retryAfterMs: (e) => (e as { after: number }).after,
    }).catch((e: unknown) => e);
    expect(err).toEqual({ after: 5000 });
    expect(calls).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(500);
    // Without maxRetryAfterMs the limit is maxMs (25 ms here).
    expect(retryAfterLimitMs(quick)).toBe(25);
    const noLimit = failing(1, 'ok', () => ({ after: 100 }));
    await expect(
      retry(quick, noLimit.fn, { retryAfterMs: (e) => (e as { after: number }).after }),
    ).rejects.toEqual({ after: 100 });
    expect(noLimit.calls).toHaveLength(1);
  });

  it('starts no retry after the total budget', async () => {
    const policy: RetryPolicy = {
      attempts: Infinity,
      backoff: 'linear',
      baseMs: 40,
      maxMs: 40,
      totalMs: 100,
    };
    const { fn, calls } = failing(100, 'never');
    await expect(retry(policy, fn)).rejects.toThrow(/fail/);
    // Waits of 40 ms: the attempts at ~0, 40 and 80 ms; a fourth would start after 100 ms.
    expect(calls).toHaveLength(3);
  });

  it('retries without a bound until success when attempts is Infinity', async () => {
    const { fn, calls } = failing(12, 'up');
    const policy: RetryPolicy = { attempts: Infinity, backoff: 'exponential', baseMs: 1, maxMs: 2 };
    expect(await retry(policy, fn)).toBe('up');
    expect(calls).toHaveLength(13);
  });

  it('stops waiting when the signal aborts, rejects with its reason and leaves no listener', async () => {
    const ctrl = new AbortController();
    const { fn, calls } = failing(100, 'never');
    const policy: RetryPolicy = { attempts: Infinity, backoff: 'exponential', baseMs: 5000, maxMs: 5000 };
    setTimeout(() => ctrl.abort(new Error('stopping')), 50);
    const started = Date.now();
    await expect(retry(policy, fn, { signal: ctrl.signal })).rejects.toThrow('stopping');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(calls).toHaveLength(1);
    expect(getEventListeners(ctrl.signal, 'abort')).toHaveLength(0);

    const long = new AbortController();
    await retry(quick, failing(2, 'ok').fn, { signal: long.signal });
    expect(getEventListeners(long.signal, 'abort')).toHaveLength(0);
  });

  it('does not start when the signal is already aborted', async () => {
    const { fn, calls } = failing(0, 'x');
    await expect(retry(quick, fn, { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone');
    expect(calls).toHaveLength(0);
  });
});
