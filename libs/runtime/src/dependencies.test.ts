import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Names } from '@switchboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentDependencies,
  type Dependency,
  DependencyMonitor,
  describeDependency,
  ServiceDependencies,
  serviceDependencies,
} from './dependencies.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { ensureAgentConsumer, ensureStream, provisionAll, streamConfigs } from './provision.js';
import { type NatsServer, startNatsServer } from './testing/index.js';

const log = createLogger({ service: 'test', level: 'silent' });
const tasks: Dependency = { kind: 'stream', name: Names.tasksStream };
const events: Dependency = { kind: 'stream', name: Names.eventsStream };
const hrConsumer: Dependency = { kind: 'consumer', stream: Names.tasksStream, name: 'agent-hr' };

/** The value of one series of a gauge or counter of `metrics`. */
async function sample(
  metrics: ReturnType<typeof createMetrics>,
  name: 'dependencyMissing' | 'dependencyRecreated',
  labels: { kind: string; name: string },
): Promise<number | undefined> {
  const got = await metrics[name].get();
  return got.values.find((v) => v.labels.kind === labels.kind && v.labels.name === labels.name)?.value;
}

describe('which service checks what', () => {
  it('names every dependency readably', () => {
    expect(agentDependencies('hr').map(describeDependency)).toEqual([
      'stream AGENT_TASKS',
      'stream AGENT_EVENTS',
      'stream AGENT_DLQ',
      'stream AGENT_CHUNKS',
      'bucket sessions',
      'bucket agents',
      'bucket sagas',
      'bucket approvals',
      'consumer AGENT_TASKS/agent-hr',
      'bucket hr_data',
    ]);
    expect(serviceDependencies('gateway').map(describeDependency)).toEqual([
      'stream AGENT_CHUNKS',
      'stream A2A_EVENTS',
      'stream A2A_REQUESTS',
      'bucket sessions',
      'bucket sagas',
    ]);
    expect(serviceDependencies('router').map(describeDependency)).toEqual([
      'stream AGENT_TASKS',
      'bucket sessions',
      'bucket agents',
      'bucket sagas',
    ]);
    expect(serviceDependencies('finance-agent')).toEqual(ServiceDependencies.agent);
  });
});

describe('dependency monitor against a real nats-server', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('reports a deleted stream, bucket and consumer as missing until they exist again', async () => {
    const jsm = await jetstreamManager(nc);
    await provisionAll(nc, jsm, { agents: ['hr'] });
    await ensureAgentConsumer(jsm, 'hr');
    const metrics = createMetrics('test', { processMetrics: false });
    const monitor = new DependencyMonitor({ jsm, log, metrics, intervalMs: 50 });
    const restored: string[] = [];
    for (const d of agentDependencies('hr')) {
      monitor.add(d, { restored: () => restored.push(describeDependency(d)) });
    }
    await monitor.check();
    expect(monitor.missing()).toEqual([]);
    expect(await sample(metrics, 'dependencyMissing', { kind: 'stream', name: 'AGENT_TASKS' })).toBe(0);

    await jsm.streams.delete(Names.tasksStream);
    await (await new Kvm(nc).open('hr_data')).destroy();
    await monitor.check();
    // The consumer went with its stream.
    expect(monitor.missing()).toEqual([
      'stream AGENT_TASKS',
      'consumer AGENT_TASKS/agent-hr',
      'bucket hr_data',
    ]);
    expect(await sample(metrics, 'dependencyMissing', { kind: 'stream', name: 'AGENT_TASKS' })).toBe(1);
    expect(await sample(metrics, 'dependencyMissing', { kind: 'bucket', name: 'hr_data' })).toBe(1);
    expect(
      await sample(metrics, 'dependencyMissing', { kind: 'consumer', name: 'AGENT_TASKS/agent-hr' }),
    ).toBe(1);
    expect(monitor.unchecked()).toEqual([]);

    // The provisioner creates streams and buckets, the agent its consumer.
    const report = await provisionAll(nc, jsm, { agents: ['hr'] });
    expect(report).toEqual({ created: ['stream AGENT_TASKS', 'bucket hr_data'], updated: [] });
    // A bucket the provisioner creates cannot be wiped with a rollup.
    expect((await jsm.streams.info('KV_hr_data')).config.allow_rollup_hdrs).toBe(false);
    await monitor.check();
    expect(monitor.missing()).toEqual(['consumer AGENT_TASKS/agent-hr']);
    await ensureAgentConsumer(jsm, 'hr');
    await monitor.check();
    expect(monitor.missing()).toEqual([]);
    expect(await sample(metrics, 'dependencyMissing', { kind: 'stream', name: 'AGENT_TASKS' })).toBe(0);
    expect(restored.sort()).toEqual([
      'bucket hr_data',
      'consumer AGENT_TASKS/agent-hr',
      'stream AGENT_TASKS',
    ]);
    // Nothing was recreated by the monitor itself.
    expect(await sample(metrics, 'dependencyRecreated', { kind: 'stream', name: 'AGENT_TASKS' })).toBe(0);
  });

  it('recreates what the service owns, counts it and runs the restored hooks', async () => {
    const jsm = await jetstreamManager(nc);
    await provisionAll(nc, jsm, { agents: ['hr'] });
    await ensureAgentConsumer(jsm, 'hr');
    const metrics = createMetrics('test', { processMetrics: false });
    const monitor = new DependencyMonitor({ jsm, log, metrics, intervalMs: 50 });
    const cfg = streamConfigs().find((c) => c.name === Names.tasksStream)!;
    let restored = 0;
    // Added in this order: the stream is recreated before the consumer on it.
    monitor.add(tasks, { recreate: () => ensureStream(jsm, cfg), restored: () => restored++ });
    monitor.add(hrConsumer, { recreate: () => ensureAgentConsumer(jsm, 'hr', { maxDeliver: 4 }) });
    await monitor.check();
    await jsm.streams.delete(Names.tasksStream);
    await monitor.check();
    expect(monitor.missing()).toEqual([]);
    expect((await jsm.streams.info(Names.tasksStream)).config.subjects).toEqual(['tasks.>']);
    expect((await jsm.consumers.info(Names.tasksStream, 'agent-hr')).config.max_deliver).toBe(4);
    expect(restored).toBe(1);
    expect(await sample(metrics, 'dependencyRecreated', { kind: 'stream', name: 'AGENT_TASKS' })).toBe(1);
    expect(
      await sample(metrics, 'dependencyRecreated', { kind: 'consumer', name: 'AGENT_TASKS/agent-hr' }),
    ).toBe(1);
    expect(await sample(metrics, 'dependencyMissing', { kind: 'stream', name: 'AGENT_TASKS' })).toBe(0);
  });

  it('notices a stream deleted and created again between two checks by its creation time', async () => {
    const jsm = await jetstreamManager(nc);
    await provisionAll(nc, jsm);
    const monitor = new DependencyMonitor({ jsm, log, intervalMs: 50 });
    let restored = 0;
    monitor.add(events, { restored: () => restored++ });
    await monitor.check();
    await monitor.check();
    expect(restored).toBe(0);
    await jsm.streams.delete(Names.eventsStream);
    await provisionAll(nc, jsm);
    await monitor.check();
    expect(monitor.missing()).toEqual([]);
    expect(restored).toBe(1);
  });

  it('checks on its own every interval once started, and stops', async () => {
    const jsm = await jetstreamManager(nc);
    await provisionAll(nc, jsm);
    const monitor = new DependencyMonitor({ jsm, log, intervalMs: 50 });
    monitor.add(events);
    monitor.start();
    try {
      await jsm.streams.delete(Names.eventsStream);
      await expect
        .poll(() => monitor.missing(), { timeout: 2000, interval: 20 })
        .toEqual(['stream AGENT_EVENTS']);
      await provisionAll(nc, jsm);
      await expect.poll(() => monitor.missing(), { timeout: 2000, interval: 20 }).toEqual([]);
    } finally {
      await monitor.stop();
    }
    await jsm.streams.delete(Names.eventsStream);
    await new Promise((r) => setTimeout(r, 300));
    expect(monitor.missing()).toEqual([]);
    await provisionAll(nc, jsm);
  });

  it('waits until the provisioner has created what a service needs', async () => {
    const jsm = await jetstreamManager(nc);
    await provisionAll(nc, jsm);
    await jsm.streams.delete(Names.eventsStream);
    const monitor = new DependencyMonitor({ jsm, log, intervalMs: 50 });
    let done = false;
    const waiting = monitor.waitFor([events]).then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    expect(monitor.missing()).toEqual(['stream AGENT_EVENTS']);
    await provisionAll(nc, jsm);
    await waiting;
    expect(monitor.missing()).toEqual([]);
  });

  it('brings a stream whose settings drifted back, and reports nothing when all is in place', async () => {
    const jsm = await jetstreamManager(nc);
    await provisionAll(nc, jsm, { agents: ['hr', 'finance'] });
    expect(await provisionAll(nc, jsm, { agents: ['hr', 'finance'] })).toEqual({ created: [], updated: [] });
    const cfg = (await jsm.streams.info(Names.eventsStream)).config;
    await jsm.streams.update(Names.eventsStream, { ...cfg, max_age: 24 * 3600 * 1_000_000_000 });
    expect(await provisionAll(nc, jsm, { agents: ['hr', 'finance'] })).toEqual({
      created: [],
      updated: ['stream AGENT_EVENTS'],
    });
    expect((await jsm.streams.info(Names.eventsStream)).config.max_age).toBe(
      streamConfigs().find((c) => c.name === Names.eventsStream)!.max_age,
    );
    // The default agents' data buckets too.
    await (await new Kvm(nc).open('finance_data')).destroy();
    expect((await provisionAll(nc, jsm)).created).toEqual(['bucket finance_data']);
  });
});

describe('a check the server refuses', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-deps-'));
  beforeAll(async () => {
    const conf = join(dir, 'nats.conf');
    writeFileSync(
      conf,
      `authorization {
  users = [
    { user: admin, password: admin }
    { user: limited, password: limited, permissions: {
        publish: { allow: ["$JS.API.>", "_INBOX.>"], deny: ["$JS.API.STREAM.INFO.AGENT_EVENTS"] }
        subscribe: { allow: ["_INBOX.>"] } } }
  ]
}
`,
    );
    server = await startNatsServer({ configFile: conf });
    nc = await connect({ servers: server.url, user: 'admin', pass: 'admin' });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is reported as unchecked and leaves readiness as it was', async () => {
    await provisionAll(nc, await jetstreamManager(nc));
    const limited = await connect({ servers: server.url, user: 'limited', pass: 'limited' });
    try {
      const jsm = await jetstreamManager(limited, { timeout: 500 });
      const monitor = new DependencyMonitor({ jsm, log, intervalMs: 50 });
      monitor.add(events);
      monitor.add(tasks);
      await monitor.check();
      expect(monitor.missing()).toEqual([]);
      expect(monitor.unchecked()).toEqual([expect.stringMatching(/^stream AGENT_EVENTS: /)]);
    } finally {
      await limited.close();
    }
  });
});
