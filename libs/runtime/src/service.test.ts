import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Names } from '@switchboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { provisionAll } from './provision.js';
import { bootService, type ServiceRuntime } from './service.js';
import { freePort, type NatsServer, startNatsServer } from './testing/index.js';

const log = createLogger({ service: 'test', level: 'silent' });

interface ReadyBody {
  ok: boolean;
  connected: boolean;
  provision: string;
  missing?: string[];
  reason?: string;
}

async function readyz(port: number): Promise<{ status: number; body: ReadyBody }> {
  const r = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
  return { status: r.status, body: (await r.json()) as ReadyBody };
}

/** Polls `/readyz` until its status is `status`; returns that answer. */
async function readyzUntil(port: number, status: number, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  let last: Awaited<ReturnType<typeof readyz>> | undefined;
  while (Date.now() < until) {
    last = await readyz(port).catch(() => undefined);
    if (last?.status === status) return last;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`/readyz did not answer ${status} within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

/** A nats-server of its own for a describe block, and an admin connection to it. */
function useServer(): { readonly server: NatsServer; readonly admin: NatsConnection } {
  let server: NatsServer | undefined;
  let admin: NatsConnection | undefined;
  beforeAll(async () => {
    server = await startNatsServer();
    admin = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await admin?.close();
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('no server');
      return server;
    },
    get admin() {
      if (!admin) throw new Error('no connection');
      return admin;
    },
  };
}

describe('a service with external provisioning', () => {
  const env = useServer();
  let rt: ServiceRuntime | undefined;
  afterAll(async () => {
    await rt?.close();
  });

  it('is not ready until its streams and buckets exist, and answers 503 naming a deleted one until it is back', async () => {
    const port = await freePort();
    const booting = bootService({
      service: 'router',
      config: {
        NATS_URL: env.server.url,
        INSTANCE_ID: 'test-router',
        JS_REPLICAS: 1,
        SWITCHBOARD_PROVISION: 'external',
        DEPENDENCY_CHECK_MS: 100,
      },
      log,
      opsPort: port,
    });
    // Nothing is provisioned: the router waits, saying for what.
    const waiting = await readyzUntil(port, 503);
    await expect
      .poll(async () => (await readyz(port)).body.missing, { timeout: 3000, interval: 50 })
      .toEqual(['stream AGENT_TASKS', 'bucket sessions', 'bucket agents', 'bucket sagas']);
    expect(waiting.body.provision).toBe('external');
    const jsm = await jetstreamManager(env.admin);
    // It created nothing itself.
    const streams: string[] = [];
    for await (const s of jsm.streams.names()) streams.push(s);
    expect(streams).toEqual([]);

    await provisionAll(env.admin, jsm);
    rt = await booting;
    rt.setReady(true);
    expect((await readyzUntil(port, 200)).body).toEqual({ ok: true, connected: true, provision: 'external' });

    await jsm.streams.delete(Names.tasksStream);
    const down = await readyzUntil(port, 503);
    expect(down.body).toMatchObject({
      ok: false,
      connected: true,
      missing: ['stream AGENT_TASKS'],
      reason: 'missing: stream AGENT_TASKS',
    });
    // Still missing a while later: a service does not recreate streams in this mode.
    await new Promise((r) => setTimeout(r, 400));
    expect((await readyz(port)).status).toBe(503);
    await expect(jsm.streams.info(Names.tasksStream)).rejects.toThrow(/stream not found/);

    await provisionAll(env.admin, jsm);
    await readyzUntil(port, 200);

    // Its buckets work again after the provisioner recreated them.
    await (await new Kvm(env.admin).open(Names.sessionsBucket)).destroy();
    expect((await readyzUntil(port, 503)).body.missing).toEqual(['bucket sessions']);
    await provisionAll(env.admin, jsm);
    await readyzUntil(port, 200);
    await rt.buckets.sessions.put('s1', new TextEncoder().encode('{}'));
    expect((await rt.buckets.sessions.get('s1'))?.revision).toBe(1);
  });
});

describe('a service that provisions itself (open mode)', () => {
  const env = useServer();
  let rt: ServiceRuntime | undefined;
  afterAll(async () => {
    await rt?.close();
  });

  it('creates its streams and buckets at start and again when one is deleted', async () => {
    const port = await freePort();
    rt = await bootService({
      service: 'gateway',
      config: { NATS_URL: env.server.url, INSTANCE_ID: 'test-gw', JS_REPLICAS: 1, DEPENDENCY_CHECK_MS: 100 },
      log,
      opsPort: port,
    });
    expect(rt.provision).toBe('self');
    const jsm = await jetstreamManager(env.admin);
    const streams: string[] = [];
    for await (const s of jsm.streams.names()) streams.push(s);
    expect(streams.sort()).toEqual([
      'A2A_EVENTS',
      'A2A_REQUESTS',
      'AGENT_CHUNKS',
      'AGENT_DLQ',
      'AGENT_EVENTS',
      'AGENT_TASKS',
      'KV_agents',
      'KV_approvals',
      'KV_sagas',
      'KV_sessions',
    ]);
    // Not taking work yet: not ready, and why.
    expect((await readyz(port)).body).toMatchObject({
      ok: false,
      reason: 'not taking work (starting or stopping)',
    });
    rt.setReady(true);
    await readyzUntil(port, 200);

    const before = (await jsm.streams.info('KV_sessions')).created;
    await (await new Kvm(env.admin).open(Names.sessionsBucket)).destroy();
    // Recreated by the service itself: it exists again, created after the first.
    await expect
      .poll(
        async () => {
          const info = await jsm.streams.info('KV_sessions').catch(() => undefined);
          return info !== undefined && info.created !== before;
        },
        { timeout: 3000, interval: 50 },
      )
      .toBe(true);
    await readyzUntil(port, 200);
    const metrics = await rt.metrics.registry.getSingleMetricAsString(
      'switchboard_dependency_recreated_total',
    );
    expect(metrics).toContain(
      'switchboard_dependency_recreated_total{kind="bucket",name="sessions",service="gateway"} 1',
    );
    // The gateway checks only what it uses: a deleted task stream is not its business.
    await jsm.streams.delete(Names.tasksStream);
    await new Promise((r) => setTimeout(r, 400));
    expect((await readyz(port)).status).toBe(200);
    await expect(jsm.streams.info(Names.tasksStream)).rejects.toThrow(/stream not found/);
  });

  it('a bucket of its own is created, checked, recreated and restored', async () => {
    if (!rt) throw new Error('the previous test did not boot the service');
    let restored = 0;
    await rt.requireBucket({ name: 'own_data', config: { history: 1 } }, { restored: () => restored++ });
    const jsm = await jetstreamManager(env.admin);
    expect((await jsm.streams.info('KV_own_data')).config).toMatchObject({
      max_msgs_per_subject: 1,
      allow_rollup_hdrs: false,
    });
    await (await new Kvm(env.admin).open('own_data')).destroy();
    await expect.poll(() => restored, { timeout: 3000, interval: 50 }).toBe(1);
    expect((await jsm.streams.info('KV_own_data')).config).toMatchObject({
      max_msgs_per_subject: 1,
      allow_rollup_hdrs: false,
    });
  });
});
