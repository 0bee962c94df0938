import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Session } from '@switchboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuard } from './breaker.js';
import { createMetrics } from './metrics.js';
import { ensureBuckets } from './provision.js';
import {
  createSessionStore,
  guardSessionStore,
  isJetStreamFailure,
  SessionConflictError,
} from './sessions.js';
import { type NatsServer, startNatsServer } from './testing/index.js';

let server: NatsServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

const session = (sessionId: string): Session => {
  const at = new Date().toISOString();
  return { sessionId, agent: 'hr', status: 'open', createdAt: at, updatedAt: at, turns: [] };
};

function guarded(timeoutMs: number) {
  const metrics = createMetrics('test', { processMetrics: false });
  const guard = createGuard(
    {
      target: 'jetstream',
      timeoutMs,
      failureThreshold: 3,
      halfOpenAfterMs: 60_000,
      isFailure: isJetStreamFailure,
    },
    metrics,
  );
  return { guard, metrics };
}

describe('guardSessionStore', () => {
  it('passes reads and writes through, and lost revision races do not count against JetStream', async () => {
    const { sessions } = await ensureBuckets(nc);
    const { guard } = guarded(2000);
    const store = guardSessionStore(createSessionStore(sessions), guard);
    const rev = await store.create(session('g1'));
    expect((await store.get('g1'))?.revision).toBe(rev);
    expect(await store.get('nobody')).toBeNull();
    // Ten conflicts, more than the breaker's threshold of three: it stays closed.
    for (let i = 0; i < 10; i++) {
      await expect(store.create(session('g1'))).rejects.toBeInstanceOf(SessionConflictError);
      await expect(store.update(session('g1'), rev + 100)).rejects.toBeInstanceOf(SessionConflictError);
    }
    expect(guard.state()).toBe(0);
    expect(await store.update({ ...session('g1'), status: 'ended' }, rev)).toBeGreaterThan(rev);
  });

  it('opens when JetStream does not answer, then fails at once with agent_unavailable', async () => {
    const own = await startNatsServer();
    const conn = await connect({ servers: own.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    try {
      const { sessions } = await ensureBuckets(conn);
      const { guard, metrics } = guarded(300);
      const inner = createSessionStore(sessions);
      let reached = 0;
      const count = <T>(call: () => T): T => {
        reached++;
        return call();
      };
      const counted = {
        get: (id: string) => count(() => inner.get(id)),
        create: (s: Session) => count(() => inner.create(s)),
        update: (s: Session, r: number) => count(() => inner.update(s, r)),
      };
      const store = guardSessionStore(counted, guard);
      await own.stop();
      for (let i = 0; i < 3; i++)
        await expect(store.get('s1')).rejects.toMatchObject({ kind: 'dependency_timeout' });
      expect(guard.state()).toBe(2);
      expect(reached).toBe(3);
      // Open: refused without reaching the store (so without waiting out a timeout).
      await expect(store.get('s1')).rejects.toMatchObject({ kind: 'circuit_open', retryable: true });
      await expect(store.create(session('s2'))).rejects.toMatchObject({ kind: 'circuit_open' });
      expect(reached).toBe(3);
      const state = await metrics.breakerState.get();
      expect(state.values.find((v) => v.labels.target === 'jetstream')?.value).toBe(2);
    } finally {
      await conn.close().catch(() => undefined);
      await own.stop();
    }
  });
});
