// The capability card heartbeat against a real nats-server: every refresh carries the instance's
// breakers as its metrics report them (`GET /v1/status` shows them), a card without them stays
// valid, and a stopped heartbeat leaves no card behind.
import type { KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { CapabilityCard, decodeJson, Failure } from '@switchboard/contracts';
import { createGuard, createLogger, createMetrics, ensureBuckets } from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakerStatesOf, startHeartbeat } from './registry.js';

let server: NatsServer;
let nc: NatsConnection;
let kv: KV;
const log = createLogger({ service: 'test', level: 'silent' });
const profile = {
  name: 'hr',
  description: 'HR questions',
  intents: ['leave_balance'],
  examples: ['days off?'],
};

async function storedCard(key: string): Promise<CapabilityCard | undefined> {
  const e = await kv.get(key);
  return e && e.operation === 'PUT' ? CapabilityCard.parse(decodeJson(e.value, 'card')) : undefined;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  kv = (await ensureBuckets(nc)).agents;
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('startHeartbeat', () => {
  it('writes the breakers of its metrics into every refresh of the card', async () => {
    const metrics = createMetrics('hr-agent', { processMetrics: false });
    const llm = createGuard({ target: 'llm', timeoutMs: 1000, failureThreshold: 1 }, metrics);
    createGuard({ target: 'jetstream', timeoutMs: 1000 }, metrics);
    const hb = await startHeartbeat({
      kv,
      profile,
      version: '1.0.0',
      instanceId: 'with-breakers',
      log,
      intervalMs: 100,
      breakers: () => breakerStatesOf(metrics),
    });
    try {
      expect((await storedCard('hr.with-breakers'))?.breakers).toEqual([
        { target: 'jetstream', state: 'closed' },
        { target: 'llm', state: 'closed' },
      ]);
      await expect(
        llm.execute(() => Promise.reject(new Failure('dependency_timeout', 'down'))),
      ).rejects.toThrow();
      const opened = await until('the open llm breaker in the card', async () => {
        const c = await storedCard('hr.with-breakers');
        return c?.breakers?.some((b) => b.target === 'llm' && b.state === 'open') ? c : undefined;
      });
      expect(opened.breakers).toContainEqual({ target: 'jetstream', state: 'closed' });
      expect(hb.card().breakers).toEqual(opened.breakers);
    } finally {
      await hb.stop();
    }
  });

  it('writes a card without breakers when none are given, and stop leaves no card behind', async () => {
    const hb = await startHeartbeat({
      kv,
      profile,
      version: '1.0.0',
      instanceId: 'plain',
      log,
      intervalMs: 50,
    });
    const c = await storedCard('hr.plain');
    expect(c).toBeDefined();
    expect(c).not.toHaveProperty('breakers');
    await hb.stop();
    // A refresh in flight when it stopped must not bring the card back.
    await new Promise((r) => setTimeout(r, 200));
    expect(await storedCard('hr.plain')).toBeUndefined();
  });

  it('keeps the card within its bounds however many breakers the metrics hold', async () => {
    const metrics = createMetrics('hr-agent', { processMetrics: false });
    for (let i = 0; i < 40; i++)
      createGuard({ target: `dep${String(i).padStart(2, '0')}`, timeoutMs: 1000 }, metrics);
    createGuard({ target: 'x'.repeat(65), timeoutMs: 1000 }, metrics);
    const states = await breakerStatesOf(metrics);
    expect(states).toHaveLength(32);
    expect(states[0]).toEqual({ target: 'dep00', state: 'closed' });
    expect(states.every((b) => b.target.length <= 64)).toBe(true);
  });
});
