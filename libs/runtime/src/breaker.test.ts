import { SwitchboardError } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { createGuard } from './breaker.js';
import { createMetrics } from './metrics.js';

async function gauge(metrics: ReturnType<typeof createMetrics>, target: string) {
  const m = await metrics.breakerState.get();
  return m.values.find((v) => v.labels.target === target)?.value;
}
const failing = () => Promise.reject(new Error('boom'));

describe('createGuard', () => {
  it('opens after consecutive failures, rejects fast while open, and shows it in the gauge', async () => {
    const metrics = createMetrics('test', { processMetrics: false });
    const guard = createGuard(
      { target: 'dep', timeoutMs: 1000, failureThreshold: 3, halfOpenAfterMs: 60_000 },
      metrics,
    );
    expect(await gauge(metrics, 'dep')).toBe(0);
    for (let i = 0; i < 3; i++) await expect(guard.execute(failing)).rejects.toThrow('boom');
    expect(guard.state()).toBe(2);
    expect(await gauge(metrics, 'dep')).toBe(2);
    let called = false;
    await expect(
      guard.execute(async () => {
        called = true;
      }),
    ).rejects.toMatchObject({ name: 'Failure', kind: 'circuit_open', target: 'dep', retryable: true });
    expect(called).toBe(false);
    const rejections = await metrics.breakerRejections.get();
    expect(rejections.values[0]?.value).toBe(1);
  });

  it('half-opens after the break and closes on a success', async () => {
    const metrics = createMetrics('test', { processMetrics: false });
    const guard = createGuard(
      { target: 'dep', timeoutMs: 1000, failureThreshold: 1, halfOpenAfterMs: 50 },
      metrics,
    );
    await expect(guard.execute(failing)).rejects.toThrow();
    expect(guard.state()).toBe(2);
    await new Promise((r) => setTimeout(r, 80));
    await expect(guard.execute(async () => 'ok')).resolves.toBe('ok');
    expect(guard.state()).toBe(0);
    const transitions = await metrics.breakerTransitions.get();
    const states = transitions.values.map((v) => v.labels.state).sort();
    expect(states).toEqual(['closed', 'half_open', 'open']);
  });

  it('turns a slow call into a typed timeout and aborts its signal', async () => {
    const guard = createGuard({ target: 'slow', timeoutMs: 30 });
    let aborted = false;
    await expect(
      guard.execute(
        ({ signal }) =>
          new Promise((resolve) => {
            signal.addEventListener('abort', () => {
              aborted = true;
            });
            setTimeout(resolve, 500);
          }),
      ),
    ).rejects.toMatchObject({ name: 'Failure', kind: 'dependency_timeout' });
    expect(aborted).toBe(true);
  });

  it('retries transient failures within the attempt budget', async () => {
    const guard = createGuard({ target: 'flaky', timeoutMs: 1000, attempts: 3 });
    let calls = 0;
    const result = await guard.execute(async () => {
      calls++;
      if (calls < 3) throw new Error('transient');
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('passes non-retryable typed errors through without retrying or counting them', async () => {
    const guard = createGuard({ target: 'dep', timeoutMs: 1000, attempts: 3, failureThreshold: 1 });
    let calls = 0;
    await expect(
      guard.execute(async () => {
        calls++;
        throw new SwitchboardError('invalid_request', 'bad');
      }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
    expect(calls).toBe(1);
    expect(guard.state()).toBe(0);
  });

  it('treats a synchronous throw like a rejection and leaves no timer behind', async () => {
    const guard = createGuard({ target: 'dep', timeoutMs: 60_000, failureThreshold: 1 });
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await expect(
      guard.execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(guard.state()).toBe(2);
    const ok = createGuard({ target: 'dep2', timeoutMs: 60_000 });
    expect(await ok.execute(async () => 7)).toBe(7);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
  });
});
