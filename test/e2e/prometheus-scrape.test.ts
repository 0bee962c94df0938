// Issue #6, a real scrape: Debian's Prometheus scrapes the four running services with the jobs of
// infra/prometheus/prometheus.yml (on this test's ports, every second). The agents talk to an LLM
// that always answers 500, so the hr agent's `llm` breaker opens; the test then reads the breaker
// state, the request counters and `up` back through Prometheus's HTTP API.
//
// Prometheus comes from Debian's `prometheus` package (CI installs it, see
// scripts/check-prometheus.sh). A missing binary is a failure, not a skip.
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { type FakeMessagesApi, fakeError, startFakeMessagesApi } from '@switchboard/agent-kit/testing';
import { freePort, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ask,
  asOk,
  http,
  type OkReply,
  repoRoot,
  type ServiceName,
  Stack,
  spawnTracked,
  type TrackedProcess,
  waitFor,
  waitReady,
} from './harness.js';

/** `prometheus` on the PATH or in /usr/bin (Debian), or a clear error. */
function findPrometheus(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, 'prometheus');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    'prometheus not found on PATH or in /usr/bin. Install it with `apt-get install -y prometheus` ' +
      '(scripts/check-prometheus.sh installs it) before running this test.',
  );
}

/** The job names of the checked-in scrape configuration, in order. */
function checkedInJobs(): string[] {
  const yml = readFileSync(join(repoRoot, 'infra', 'prometheus', 'prometheus.yml'), 'utf8');
  return [...yml.matchAll(/^\s*- job_name:\s*["']?([\w-]+)["']?\s*$/gm)].map((m) => m[1]!);
}

/** The checked-in jobs, each pointed at this test's port of the service of the same name. */
function scrapeConfig(ports: Record<string, number>): string {
  const jobs = checkedInJobs().map((job) => {
    const port = ports[job];
    if (port === undefined)
      throw new Error(`prometheus.yml has a job "${job}" that no service of the stack serves`);
    return `  - job_name: ${job}\n    static_configs:\n      - targets: ["127.0.0.1:${port}"]\n`;
  });
  return [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    ...jobs,
  ].join('\n');
}

const services: readonly ServiceName[] = ['router', 'hr-agent', 'finance-agent', 'gateway'];

let stack: Stack | undefined;
let llm: FakeMessagesApi | undefined;
let prometheus: TrackedProcess | undefined;
let promUrl = '';
let tmp = '';
let nc: NatsConnection;

beforeAll(async () => {
  const bin = findPrometheus();
  llm = await startFakeMessagesApi([], { whenExhausted: fakeError(500) });
  stack = new Stack(await startNatsServer());
  const agentEnv = { ANTHROPIC_API_KEY: 'fake', ANTHROPIC_BASE_URL: llm.url };
  await Promise.all(
    services.map((s) => stack!.start(s, s === 'hr-agent' || s === 'finance-agent' ? agentEnv : {})),
  );
  nc = await stack.connect();

  tmp = mkdtempSync(join(tmpdir(), 'switchboard-prometheus-'));
  const configFile = join(tmp, 'prometheus.yml');
  writeFileSync(configFile, scrapeConfig(Object.fromEntries(services.map((s) => [s, stack!.get(s).port]))));
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  prometheus = spawnTracked(
    'prometheus',
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(tmp, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { env: process.env, cwd: tmp },
  );
  await waitReady(`${promUrl}/-/ready`, prometheus, 20_000);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop('SIGTERM', 10_000);
  await stack?.stop();
  await llm?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 40_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    if (stack) process.stderr.write(`\n${stack.diagnostics()}\n`);
    if (prometheus)
      process.stderr.write(`\n--- prometheus (pid ${prometheus.pid})\n${prometheus.output()}\n`);
  });
});

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query through Prometheus's HTTP API. */
async function query(expr: string): Promise<VectorSample[]> {
  const r = await http<{ status: string; data: { resultType: string; result: VectorSample[] } }>(
    `${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`,
  );
  expect(r.status, r.text).toBe(200);
  expect(r.body.status).toBe('success');
  expect(r.body.data.resultType).toBe('vector');
  return r.body.data.result;
}

/** The value of a query that yields one series, or undefined when it yields none. */
async function scalar(expr: string): Promise<number | undefined> {
  const result = await query(expr);
  if (result.length > 1) throw new Error(`${expr} gave ${result.length} series`);
  return result[0] ? Number(result[0].value[1]) : undefined;
}

/** Requests counted for `service` as Prometheus last scraped them (0 before the first request). */
const requestsOf = async (service: string) =>
  (await scalar(`sum(switchboard_requests_total{service="${service}"})`)) ?? 0;

const HR_QUESTION = { text: 'how many vacation days do I have?', userId: 'alice' };
const FINANCE_QUESTION = { text: 'what is the remaining budget of engineering?', userId: 'carol' };

describe('Prometheus scraping the running services', () => {
  it('uses the job names of infra/prometheus/prometheus.yml', () => {
    expect(checkedInJobs()).toEqual(['router', 'hr-agent', 'finance-agent', 'gateway']);
  });

  it('scrapes all four jobs (up == 1)', async () => {
    const up = await waitFor(
      'up == 1 for every job',
      async () => {
        const r = await query('up');
        const ok = r.filter((s) => s.value[1] === '1').map((s) => s.metric.job);
        return ok.length === 4 ? r : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    expect(up.map((s) => [s.metric.job, s.metric.instance, s.value[1]]).sort()).toEqual(
      services.map((s) => [s, `127.0.0.1:${stack!.get(s).port}`, '1']).sort(),
    );
  });

  it('shows the hr agent’s llm breaker open and the request counters moving', async () => {
    const before = { router: await requestsOf('router'), gateway: await requestsOf('gateway') };

    // Over NATS: each HR turn tries the LLM three times; five failures in a row open the breaker.
    const hrReplies: OkReply[] = [];
    for (let i = 0; i < 4; i++) hrReplies.push(asOk(await ask(nc, 'agents.ask', HR_QUESTION, 15_000)));
    for (const r of hrReplies) {
      expect(r).toMatchObject({ status: 'answered', agent: 'hr', data: { engine: 'offline' } });
    }
    expect(hrReplies.at(-1)!.data?.fallbackReason).toBe('circuit_open');
    for (let i = 0; i < 2; i++) {
      const r = asOk(await ask(nc, 'agents.ask', FINANCE_QUESTION, 15_000));
      expect(r).toMatchObject({ status: 'answered', agent: 'finance', data: { engine: 'offline' } });
    }
    // Over HTTP through the gateway.
    for (const body of [HR_QUESTION, FINANCE_QUESTION, HR_QUESTION]) {
      const r = await http<OkReply>(`${stack!.gatewayUrl}/v1/ask`, { body });
      expect(r.status, r.text).toBe(200);
      expect(r.body.status).toBe('answered');
    }
    expect(llm!.requests.length).toBeGreaterThanOrEqual(5);

    const breaker = await waitFor(
      'the hr-agent llm breaker open in Prometheus',
      async () => {
        const v = await scalar('switchboard_circuit_breaker_state{service="hr-agent",target="llm"}');
        return v === 2 ? v : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 250 },
    );
    expect(breaker).toBe(2);
    const series = await query('switchboard_circuit_breaker_state{service="hr-agent",target="llm"}');
    expect(series[0]!.metric).toMatchObject({ job: 'hr-agent', service: 'hr-agent', target: 'llm' });

    // Router: 6 NATS asks + 3 from the gateway; gateway: 3 HTTP asks.
    const after = await waitFor(
      'the request counters scraped after the traffic',
      async () => {
        const now = { router: await requestsOf('router'), gateway: await requestsOf('gateway') };
        return now.router - before.router >= 9 && now.gateway - before.gateway >= 3 ? now : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 250 },
    );
    expect(after.router - before.router).toBeGreaterThanOrEqual(9);
    expect(after.gateway - before.gateway).toBeGreaterThanOrEqual(3);
    expect(
      await scalar('sum(switchboard_requests_total{job="router",service="router",endpoint="agents.ask"})'),
    ).toBeGreaterThanOrEqual(9);
    expect(
      await scalar('sum(switchboard_llm_requests_total{service="hr-agent",outcome="server_error"})'),
    ).toBeGreaterThanOrEqual(5);

    // Still every job up after the traffic.
    const up = await query('up');
    expect(up.map((s) => [s.metric.job, s.value[1]]).sort()).toEqual(services.map((s) => [s, '1']).sort());
  }, 45_000);
});
