// Readiness that tells the truth: the built services on their own nats-server, with their streams,
// buckets and consumers deleted under them. A service that needs what is gone answers /readyz 503
// naming it; the owner recreates it (the provisioner, `scripts/provision.mjs`, with
// SWITCHBOARD_PROVISION=external; the services themselves in open mode; an agent its consumer);
// then /readyz is 200 again and requests are answered again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SecureNats, startSecureNats } from '../security/harness.js';
import {
  allServices,
  ask,
  cleanEnv,
  findSamples,
  http,
  type OkReply,
  parseMetrics,
  repoRoot,
  type ServiceName,
  type ServiceProcess,
  Stack,
  sleep,
  spawnTracked,
  type TrackedProcess,
  useStack,
} from './harness.js';

const HR_QUESTION = { text: 'how many vacation days do I have?', userId: 'alice' };
const FINANCE_QUESTION = { text: 'what is the remaining budget of engineering?', userId: 'carol' };
/** How often the services check their dependencies here (3 s by default). */
const CHECK_MS = '250';

interface ReadyBody {
  ok: boolean;
  connected: boolean;
  provision: 'self' | 'external';
  missing?: string[];
  reason?: string;
}

async function readyz(svc: ServiceProcess): Promise<{ status: number; body: ReadyBody }> {
  const r = await fetch(`${svc.baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
  return { status: r.status, body: (await r.json()) as ReadyBody };
}

/** Polls a service's /readyz until it answers `status` (and `check` holds); returns that answer. */
async function readyzUntil(
  svc: ServiceProcess,
  status: number,
  check: (b: ReadyBody) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<ReadyBody> {
  const until = Date.now() + timeoutMs;
  let last: { status: number; body: ReadyBody } | undefined;
  while (Date.now() < until) {
    last = await readyz(svc).catch(() => undefined);
    if (last?.status === status && check(last.body)) return last.body;
    await sleep(50);
  }
  throw new Error(`${svc.name} /readyz never answered ${status} as expected; last: ${JSON.stringify(last)}`);
}

/** Asks until the answer is `answered` by `agent` (a request in flight while things recover may fail). */
async function answeredBy(
  nc: NatsConnection,
  q: object,
  agent: string,
  timeoutMs = 20_000,
): Promise<OkReply> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const r = await ask(nc, 'agents.ask', q, 5000);
      if (r.body.ok && r.body.status === 'answered' && r.body.agent === agent) return r.body;
      last = r.body;
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    await sleep(200);
  }
  throw new Error(`no answer by ${agent} within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

/** `scripts/provision.mjs` with `args` against the stack's server (`env`: an identity's settings). */
function provisioner(stack: Stack, args: string[] = [], env: Record<string, string> = {}): TrackedProcess {
  return spawnTracked('provision', process.execPath, [join(repoRoot, 'scripts', 'provision.mjs'), ...args], {
    env: cleanEnv({ NATS_URL: stack.nats.url, LOG_LEVEL: 'info', ...env }),
  });
}

/** Runs the provisioner once and expects it to succeed; returns its output. */
async function provisionOnce(stack: Stack, env: Record<string, string> = {}): Promise<string> {
  const p = provisioner(stack, [], env);
  const exit = await Promise.race([p.exited, sleep(30_000).then(() => 'timeout' as const)]);
  if (exit === 'timeout') await p.stop('SIGKILL');
  expect(exit, p.output()).toEqual({ code: 0, signal: null });
  return p.output();
}

/** The sum over `services` of one counter's series with `labels`. */
async function counterSum(
  stack: Stack,
  services: readonly ServiceName[],
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  let sum = 0;
  for (const s of services) {
    const r = await http(`${stack.get(s).baseUrl}/metrics`);
    sum += findSamples(parseMetrics(r.text).samples, name, labels).reduce((a, x) => a + x.value, 0);
  }
  return sum;
}

describe('provisioned by the admin step (SWITCHBOARD_PROVISION=external)', () => {
  const stack = useStack(allServices, {
    env: { SWITCHBOARD_PROVISION: 'external', DEPENDENCY_CHECK_MS: CHECK_MS },
    // The privileged step first: the services wait for what it creates.
    before: async (s) => {
      expect(await provisionOnce(s)).toContain('"msg":"provisioned"');
    },
  });
  let nc: NatsConnection;
  const watchers: TrackedProcess[] = [];
  beforeAll(async () => {
    nc = await stack.current.connect();
  });
  afterAll(async () => {
    await Promise.all(watchers.map((w) => w.stop('SIGTERM', 5000)));
  });

  it('a deleted task stream: not ready, with the reason, wherever it is used, until the provisioner recreates it', async () => {
    const s = stack.current;
    await answeredBy(nc, HR_QUESTION, 'hr');
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete('AGENT_TASKS');

    const router = await readyzUntil(s.get('router'), 503);
    expect(router).toMatchObject({
      ok: false,
      connected: true,
      provision: 'external',
      missing: ['stream AGENT_TASKS'],
      reason: 'missing: stream AGENT_TASKS',
    });
    for (const agent of ['hr', 'finance']) {
      // The agent's consumer went with the stream; it cannot recreate that before the stream exists.
      const body = await readyzUntil(
        s.get(`${agent}-agent` as ServiceName),
        503,
        (b) => b.missing?.length === 2,
      );
      expect(body.missing).toEqual(['stream AGENT_TASKS', `consumer AGENT_TASKS/agent-${agent}`]);
      expect(body.reason).toBe(`missing: stream AGENT_TASKS, consumer AGENT_TASKS/agent-${agent}`);
    }
    // The gateway does not use the stream.
    expect((await readyz(s.get('gateway'))).status).toBe(200);
    // Nobody else recreates it in this mode.
    await sleep(1000);
    await expect(jsm.streams.info('AGENT_TASKS')).rejects.toThrow(/stream not found/);
    expect((await readyz(s.get('router'))).status).toBe(503);

    const watcher = provisioner(s, ['--watch', '--interval-ms', '250']);
    watchers.push(watcher);
    try {
      for (const name of allServices) await readyzUntil(s.get(name), 200);
      expect(watcher.output()).toMatch(/"created":\["stream AGENT_TASKS"\].*"msg":"provisioned"/);
      expect((await jsm.consumers.info('AGENT_TASKS', 'agent-hr')).config.filter_subject).toBe('tasks.hr');
      expect(await answeredBy(nc, HR_QUESTION, 'hr')).toMatchObject({
        text: expect.stringMatching(/\bdays?\b/i),
      });
      expect(await answeredBy(nc, FINANCE_QUESTION, 'finance')).toMatchObject({
        text: expect.stringMatching(/budget/i),
      });

      // Deleted again while it watches: it recreates the stream within its interval.
      await jsm.streams.delete('AGENT_TASKS');
      await expect
        .poll(() => watcher.output(), { timeout: 10_000, interval: 100 })
        .toMatch(/"created":\["stream AGENT_TASKS"\].*"msg":"recreated what had gone missing"/);
      for (const name of allServices) await readyzUntil(s.get(name), 200);
      await answeredBy(nc, HR_QUESTION, 'hr');
    } finally {
      expect(await watcher.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
  }, 60_000);

  it('a deleted registry bucket: the router and agents wait for it, then route live again', async () => {
    const s = stack.current;
    const jsm = await jetstreamManager(nc);
    await (await new Kvm(nc).open('agents')).destroy();
    const deletedAt = Date.now();
    for (const name of ['router', 'hr-agent', 'finance-agent'] as const) {
      const body = await readyzUntil(s.get(name), 503);
      expect(body.missing).toEqual(['bucket agents']);
    }
    expect((await readyz(s.get('gateway'))).status).toBe(200);
    await provisionOnce(s);
    for (const name of allServices) await readyzUntil(s.get(name), 200);
    expect((await jsm.streams.info('KV_agents')).config.max_age).toBe(15_000_000_000);
    // Past the cards' TTL, the router knows the agents only from the new bucket: its registry watch
    // was restarted on it, so questions are answered, not queued.
    await sleep(Math.max(0, deletedAt + 16_000 - Date.now()));
    await answeredBy(nc, HR_QUESTION, 'hr', 10_000);
    await answeredBy(nc, FINANCE_QUESTION, 'finance', 10_000);
  }, 60_000);

  it('a deleted data bucket: only its agent is not ready; recreated and seeded again, it answers', async () => {
    const s = stack.current;
    await (await new Kvm(nc).open('hr_data')).destroy();
    expect((await readyzUntil(s.get('hr-agent'), 503)).missing).toEqual(['bucket hr_data']);
    for (const name of ['router', 'finance-agent', 'gateway'] as const) {
      expect((await readyz(s.get(name))).status).toBe(200);
    }
    const out = await provisionOnce(s);
    expect(out).toContain('bucket hr_data');
    await readyzUntil(s.get('hr-agent'), 200);
    const reply = await answeredBy(nc, HR_QUESTION, 'hr');
    expect(reply.text).toMatch(/\d+(\.\d+)? (vacation )?days?/i);
  }, 60_000);

  it('a deleted sessions bucket: every service is not ready until it is back, then sessions work again', async () => {
    const s = stack.current;
    await (await new Kvm(nc).open('sessions')).destroy();
    for (const name of allServices) {
      expect((await readyzUntil(s.get(name), 503)).missing).toEqual(['bucket sessions']);
    }
    await provisionOnce(s);
    for (const name of allServices) await readyzUntil(s.get(name), 200);
    const reply = await answeredBy(nc, HR_QUESTION, 'hr');
    const session = await http<{ sessionId: string; turns: unknown[] }>(
      `${s.gatewayUrl}/v1/sessions/${reply.sessionId}`,
    );
    expect(session.status, session.text).toBe(200);
    expect(session.body.turns).toHaveLength(2);
  }, 60_000);

  it('a deleted consumer is recreated by its agent, which answers again', async () => {
    const s = stack.current;
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.consumers.info('AGENT_TASKS', 'agent-finance')).created;
    // nats-server 2.9 can fail a delete that races its own write of the consumer's state
    // ("unlinkat ... directory not empty", seen once in 4 runs): the attack is repeated then.
    for (let attempt = 1; ; attempt++) {
      try {
        await jsm.consumers.delete('AGENT_TASKS', 'agent-finance');
        break;
      } catch (err) {
        // A failed delete may still have removed it.
        if (attempt > 1 && /consumer not found/.test(String(err))) break;
        if (attempt >= 5 || !/directory not empty/.test(String(err))) throw err;
        await sleep(100);
      }
    }
    await expect
      .poll(
        async () => {
          const ci = await jsm.consumers.info('AGENT_TASKS', 'agent-finance').catch(() => undefined);
          return ci !== undefined && ci.created !== before;
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBe(true);
    await readyzUntil(s.get('finance-agent'), 200);
    await answeredBy(nc, FINANCE_QUESTION, 'finance');
  }, 60_000);
});

describe('open mode: the services provision themselves', () => {
  const stack = useStack(allServices, { env: { DEPENDENCY_CHECK_MS: CHECK_MS } });
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await stack.current.connect();
  });

  it('a deleted task stream is recreated by the services that use it, and requests are answered again', async () => {
    const s = stack.current;
    for (const name of allServices) expect((await readyz(s.get(name))).body.provision).toBe('self');
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.streams.info('AGENT_TASKS')).created;
    await jsm.streams.delete('AGENT_TASKS');
    await expect
      .poll(
        async () => {
          const si = await jsm.streams.info('AGENT_TASKS').catch(() => undefined);
          return si !== undefined && si.created !== before;
        },
        { timeout: 10_000, interval: 100 },
      )
      .toBe(true);
    for (const name of allServices) await readyzUntil(s.get(name), 200);
    await answeredBy(nc, HR_QUESTION, 'hr');
    await answeredBy(nc, FINANCE_QUESTION, 'finance');
    const labels = { kind: 'stream', name: 'AGENT_TASKS' };
    const users = ['router', 'hr-agent', 'finance-agent'] as const;
    expect(
      await counterSum(s, users, 'switchboard_dependency_recreated_total', labels),
    ).toBeGreaterThanOrEqual(1);
    expect(await counterSum(s, ['gateway'], 'switchboard_dependency_recreated_total', labels)).toBe(0);
    expect(users.some((u) => s.get(u).output().includes('recreated stream AGENT_TASKS'))).toBe(true);
  }, 60_000);

  it('a deleted registry bucket is recreated, and routing keeps answering past the cards TTL', async () => {
    const jsm = await jetstreamManager(nc);
    await (await new Kvm(nc).open('agents')).destroy();
    const deletedAt = Date.now();
    await expect
      .poll(async () => (await jsm.streams.info('KV_agents').catch(() => undefined)) !== undefined, {
        timeout: 10_000,
        interval: 100,
      })
      .toBe(true);
    await sleep(Math.max(0, deletedAt + 16_000 - Date.now()));
    await answeredBy(nc, HR_QUESTION, 'hr', 10_000);
    await answeredBy(nc, FINANCE_QUESTION, 'finance', 10_000);
  }, 60_000);
});

describe('with NATS identities: the services check as themselves, admin provisions', () => {
  let secure: SecureNats | undefined;
  let stack: Stack | undefined;
  let client: NatsConnection;
  let admin: NatsConnection;
  let aliceToken: string;
  const env = (identity: string) => {
    if (!secure) throw new Error('no secure server');
    return secure.env(identity);
  };

  beforeAll(async () => {
    secure = await startSecureNats();
    stack = new Stack(secure.server);
    aliceToken = readFileSync(secure.init.tokens.tokenFiles.alice!, 'utf8').trim();
    // The privileged step, as the admin identity (its nkey, TLS and inbox prefix).
    const out = await provisionOnce(stack, env('admin'));
    expect(out).toMatch(/"auth":"nkey","tls":true/);
    await Promise.all(allServices.map((s) => stack!.start(s, { ...env(s), DEPENDENCY_CHECK_MS: CHECK_MS })));
    client = (await secure.connectAs('client')).nc;
    admin = (await secure.connectAs('admin')).nc;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await secure?.stop();
  }, 60_000);
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      if (stack) process.stderr.write(`\n${stack.diagnostics()}\n`);
    });
  });

  /** An HR question as alice (her demo token), until it is answered by hr. */
  async function askAsAlice(timeoutMs = 20_000): Promise<OkReply> {
    const until = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < until) {
      const h = headers();
      h.set('Authorization', `Bearer ${aliceToken}`);
      try {
        const r = (
          await client.request('agents.ask', JSON.stringify(HR_QUESTION), { timeout: 5000, headers: h })
        ).json<OkReply>();
        if (r.ok && r.status === 'answered' && r.agent === 'hr') return r;
        last = r;
      } catch (err) {
        last = err instanceof Error ? err.message : err;
      }
      await sleep(200);
    }
    throw new Error(`alice got no answer within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
  }

  it('every check is allowed: ready, with nothing unchecked', async () => {
    if (!stack) throw new Error('no stack');
    for (const name of allServices) {
      expect((await readyz(stack.get(name))).body).toEqual({
        ok: true,
        connected: true,
        provision: 'external',
      });
    }
    await askAsAlice();
  });

  it('a deleted task stream: not ready with the reason until admin recreates it, then answered again', async () => {
    const s = stack;
    if (!s) throw new Error('no stack');
    const jsm = await jetstreamManager(admin);
    await jsm.streams.delete('AGENT_TASKS');
    expect(await readyzUntil(s.get('router'), 503)).toEqual({
      ok: false,
      connected: true,
      provision: 'external',
      missing: ['stream AGENT_TASKS'],
      reason: 'missing: stream AGENT_TASKS',
    });
    const hr = await readyzUntil(s.get('hr-agent'), 503, (b) => b.missing?.length === 2);
    expect(hr.missing).toEqual(['stream AGENT_TASKS', 'consumer AGENT_TASKS/agent-hr']);
    // The services may not recreate it, and did not.
    await sleep(1000);
    await expect(jsm.streams.info('AGENT_TASKS')).rejects.toThrow(/stream not found/);

    const watcher = provisioner(s, ['--watch', '--interval-ms', '250'], env('admin'));
    try {
      for (const name of allServices) await readyzUntil(s.get(name), 200);
      await askAsAlice();
    } finally {
      expect(await watcher.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
    // Checking, failing to recreate a consumer while its stream was gone, and recreating it: all
    // within each identity's permissions.
    const violations = secure!.server
      .output()
      .split('\n')
      .filter((l) => /(Publish|Subscription) Violation|Permissions Violation/i.test(l));
    expect(violations).toEqual([]);
    for (const p of s.processes()) expect(p.output()).not.toMatch(/permissions violation/i);
  }, 60_000);
});
