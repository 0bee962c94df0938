// The bench's phases. Each starts its own nats-server (temp store) and the processes it measures,
// runs its load steps, and stops what it started before the next phase begins.
import { loadavg } from 'node:os';
import { connect } from '@nats-io/transport-node';
import { freePort } from '@switchboard/runtime/testing';
import { subject as baselineSubject, subjects as baselineSubjects, startBaseline } from './baseline.mjs';
import { httpSender, judgeLlmReply, natsSender, runLoad } from './load.mjs';
import {
  cpuMs,
  memoryMB,
  root,
  spawnNode,
  spawnService,
  stop,
  tail,
  waitForLine,
  waitReady,
} from './services.mjs';

/** A realistic first HR question: a new session every time. */
export const QUESTION = JSON.stringify({ text: 'how many vacation days do I have?', userId: 'alice' });
const LLM_DELAY_MS = 100;
// Per instance. One Claude call costs the hr-agent ~2 ms of CPU in the SDK and fetch (undici) alone, ~5 ms
// per request in all on this machine: at 8 per instance, 4 instances needed most of the 2 cores and
// the step measured the machine, not the system. At 4, the 4-instance step leaves CPU to spare.
const SCALE_CONCURRENCY = 4;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Messages into and out of the server so far (every publish, request, reply, ack, KV op). */
async function serverCounters(nats) {
  const varz = await (await fetch(`http://127.0.0.1:${nats.monitorPort}/varz`)).json();
  return { msgsIn: varz.in_msgs, msgsOut: varz.out_msgs };
}

/** CPU ms of each process in `procs` (`{name: pid}`) and of the bench itself. */
function cpuSnapshot(procs) {
  const out = {};
  for (const [name, pid] of Object.entries(procs)) out[name] = cpuMs(pid);
  const u = process.cpuUsage();
  out.bench = (u.user + u.system) / 1000;
  return out;
}

const perRequest = (before, after, n, scale) => {
  const out = {};
  for (const k of Object.keys(after))
    out[k] = n ? Math.round((scale * (after[k] - before[k])) / n) / 100 : null;
  return out;
};

/**
 * One load step. Besides throughput and latency it records, per request inside the measured
 * window, the CPU time of each process in `procs` (µs) and the messages into and out of the server.
 */
export async function step(ctx, nats, id, send, inFlight, procs, extra = {}) {
  let before;
  let after;
  const at = (ms, set) =>
    setTimeout(() => {
      const cpu = cpuSnapshot(procs);
      const us = Number(process.hrtime.bigint() / 1000n);
      set(serverCounters(nats).then((server) => ({ cpu, server, us })));
    }, ms);
  at(ctx.warmupMs, (p) => {
    before = p;
  });
  at(ctx.warmupMs + ctx.durationMs, (p) => {
    after = p;
  });
  const load = await runLoad({ send, inFlight, warmupMs: ctx.warmupMs, durationMs: ctx.durationMs });
  while (!after) await sleep(5);
  const [b, a] = await Promise.all([before, after]);
  const row = {
    id,
    ...extra,
    ...load,
    cpuUsPerRequest: perRequest(b.cpu, a.cpu, load.requests, 100_000),
    serverPerRequest: perRequest(b.server, a.server, load.requests, 100),
    // Runnable processes on the machine (the bench's own included): above the CPU count, others compete.
    loadAvg1m: Math.round(loadavg()[0] * 100) / 100,
  };
  // The measured window on the monotonic clock V8's profiler also uses (not part of the results).
  Object.defineProperty(row, 'windowUs', { value: [b.us, a.us], enumerable: false });
  ctx.say(
    `${id}${extra.instances ? ` x${extra.instances}` : ''} @${inFlight}${extra.round ? ` round ${extra.round}` : ''}: ${load.throughput} req/s, p50 ${load.p50} p99 ${load.p99} ms, ${load.errors} errors`,
  );
  return row;
}

export const requester = (url) => connect({ servers: url, name: 'bench-requester', noAsyncTraces: true });

/** Sends `payload` until the reply is `answered` (the router has seen the agents' cards). */
export async function untilAnswered(nc, subj, payload, timeoutMs = 20_000) {
  const send = natsSender(nc, subj, payload, { timeoutMs: 2000 });
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    last = await send().catch((e) => e.message);
    if (last === true) return;
    await sleep(100);
  }
  throw new Error(`${subj} never answered (last: ${last})`);
}

/** Scenario 1: the bare three-hop pipeline at 1 and 64 in flight. */
export async function baselinePhase(ctx, { profile = false } = {}) {
  const nats = await ctx.startNats();
  const nc = await requester(nats.url);
  try {
    const [relay, worker] = await startBaseline(nc, nats.url, {
      logDir: ctx.logDir,
      profileDir: profile ? ctx.profileDir : undefined,
    });
    const procs = { 'nats-server': nats.pid(), relay: relay.pid, worker: worker.pid };
    const send = natsSender(nc, baselineSubject, QUESTION, { judge: () => true });
    const rows = [];
    for (const n of ctx.inFlights)
      rows.push(await step(ctx, nats, 'baseline', send, n, procs, { inFlight: n }));
    await Promise.all([stop(relay), stop(worker)]);
    return rows;
  } finally {
    await nc.close();
    await ctx.stopNats(nats);
  }
}

const serviceEnv = (url, extra) => ({
  NATS_URL: url,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  ANTHROPIC_API_KEY: undefined,
  ANTHROPIC_BASE_URL: undefined,
  // The bench measures throughput: the gateway's per-caller rate limit would cap it.
  GATEWAY_RATE_LIMIT_MAX: '0',
  ...extra,
});

/** Starts the four services one after another (so each start-to-ready time is its own). */
export async function startSystem(ctx, url, { profile = [], only } = {}) {
  const list = [
    ['hr-agent', 'OPS_PORT'],
    ['finance-agent', 'OPS_PORT'],
    ['router', 'OPS_PORT'],
    ['gateway', 'GATEWAY_PORT'],
  ];
  const procs = {};
  for (const [name, portVar] of list) {
    if (only && !only.includes(name)) continue;
    const port = await freePort();
    const nodeArgs = profile.includes(name) ? ['--cpu-prof', `--cpu-prof-dir=${ctx.profileDir}/${name}`] : [];
    const p = spawnService(name, name, {
      env: serviceEnv(url, { [portVar]: String(port), INSTANCE_ID: `bench-${name}` }),
      logDir: ctx.logDir,
      nodeArgs,
    });
    p.port = port;
    await waitReady(p, port);
    procs[name] = p;
  }
  return procs;
}

/** The id of the baseline that also makes the system's JetStream writes (see baseline.mjs). */
export const DURABLE_ID = 'baseline-durable';

/** Throughput, p50 and p99 of `rows` over `ref`, round by round, then the median of each. */
export function roundRatios(rows, ref) {
  const ratio = (f) => r2(median(rows.map((r, i) => f(r) / f(ref[i]))));
  return { throughput: ratio((r) => r.throughput), p50: ratio((r) => r.p50), p99: ratio((r) => r.p99) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r2 = (x) => Math.round(x * 100) / 100;

/**
 * One row from the rounds of a step: the median of each figure (throughput, percentiles, CPU per
 * request of each process, messages per request), errors summed, and every round kept in `rounds`.
 */
export function medianRow(rounds) {
  const pick = (f) => r2(median(rounds.map(f)));
  const perProcess = (key) => {
    const out = {};
    for (const name of Object.keys(rounds[0][key])) out[name] = pick((r) => r[key][name]);
    return out;
  };
  const { id, inFlight } = rounds[0];
  return {
    id,
    inFlight,
    throughput: Math.round(median(rounds.map((r) => r.throughput))),
    p50: pick((r) => r.p50),
    p90: pick((r) => r.p90),
    p99: pick((r) => r.p99),
    requests: rounds.reduce((n, r) => n + r.requests, 0),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    cpuUsPerRequest: perProcess('cpuUsPerRequest'),
    serverPerRequest: perProcess('serverPerRequest'),
    loadAvg1m: pick((r) => r.loadAvg1m),
    rounds: rounds.map((r) => ({
      throughput: r.throughput,
      p50: r.p50,
      p99: r.p99,
      errors: r.errors,
      loadAvg1m: r.loadAvg1m,
    })),
  };
}

/**
 * Scenarios 1, 2, 3 and 5. The bare baseline, the durable baseline (baseline.mjs) and the system
 * run side by side, each on its own nats-server (an idle one costs next to nothing), and their load
 * steps alternate: baseline, durable baseline, agents.ask, `ctx.rounds` times at each in-flight
 * level. This machine's speed drifts by tens of percent within minutes (shared cores), so each ratio
 * is taken between the steps of one round, and the median over the rounds is reported. Then the
 * gateway (one step per level, against the baseline's median), memory and readiness.
 */
export async function comparePhase(ctx) {
  const baseNats = await ctx.startNats();
  const durNats = await ctx.startNats();
  const sysNats = await ctx.startNats();
  const baseNc = await requester(baseNats.url);
  const durNc = await requester(durNats.url);
  const nc = await requester(sysNats.url);
  let pipeline = [];
  let durable = [];
  let procs = {};
  try {
    pipeline = await startBaseline(baseNc, baseNats.url, { logDir: ctx.logDir });
    durable = await startBaseline(durNc, durNats.url, { logDir: ctx.logDir, variant: 'durable' });
    procs = await startSystem(ctx, sysNats.url);
    await untilAnswered(nc, 'agents.ask', QUESTION);
    await sleep(500);
    const services = {};
    for (const [name, p] of Object.entries(procs)) {
      services[name] = { readyMs: Math.round(p.readyMs), rssIdleMB: memoryMB(p.pid).rss };
    }
    const basePids = { 'nats-server': baseNats.pid(), relay: pipeline[0].pid, worker: pipeline[1].pid };
    const durPids = { 'nats-server': durNats.pid(), relay: durable[0].pid, worker: durable[1].pid };
    const pids = { 'nats-server': sysNats.pid() };
    for (const [name, p] of Object.entries(procs)) pids[name] = p.pid;
    const { gateway, ...natsSide } = pids;
    void gateway;
    const afterLoad = (names) => {
      for (const name of names) {
        const m = memoryMB(procs[name].pid);
        const s = services[name];
        s.rssAfterLoadMB = Math.max(s.rssAfterLoadMB ?? 0, m.rss);
        s.peakRssMB = m.hwm;
      }
    };
    const baseSend = natsSender(baseNc, baselineSubject, QUESTION, { judge: () => true });
    const durSend = natsSender(durNc, baselineSubjects.durable, QUESTION, { judge: () => true });
    const ask = natsSender(nc, 'agents.ask', QUESTION);
    const rows = [];
    for (const n of ctx.inFlights) {
      const base = [];
      const sys = [];
      const dur = [];
      for (let round = 1; round <= ctx.rounds; round++) {
        base.push(await step(ctx, baseNats, 'baseline', baseSend, n, basePids, { inFlight: n, round }));
        dur.push(await step(ctx, durNats, DURABLE_ID, durSend, n, durPids, { inFlight: n, round }));
        sys.push(await step(ctx, sysNats, 'agents.ask', ask, n, natsSide, { inFlight: n, round }));
      }
      const b = medianRow(base);
      const d = medianRow(dur);
      const a = medianRow(sys);
      d.vsBaseline = roundRatios(dur, base);
      a.vsBaseline = roundRatios(sys, base);
      a.vsDurable = roundRatios(sys, dur);
      // How much slower the median request was than the baseline's, in ms, round by round.
      a.p50OverBaselineMs = r2(median(sys.map((r, i) => r.p50 - base[i].p50)));
      a.rounds.forEach((r, i) => {
        r.vsBaseline = r2(sys[i].throughput / base[i].throughput);
        r.vsDurable = r2(sys[i].throughput / dur[i].throughput);
        r.p50OverBaselineMs = r2(sys[i].p50 - base[i].p50);
      });
      d.rounds.forEach((r, i) => {
        r.vsBaseline = r2(dur[i].throughput / base[i].throughput);
      });
      rows.push(b, d, a);
    }
    afterLoad(['router', 'hr-agent', 'finance-agent']);
    for (const n of ctx.inFlights) {
      const post = httpSender(procs.gateway.port, '/v1/ask', QUESTION, { inFlight: n });
      rows.push(await step(ctx, sysNats, 'gateway', post, n, pids, { inFlight: n }));
      post.close();
    }
    afterLoad(Object.keys(procs));
    return { rows, services };
  } finally {
    await Promise.all([...Object.values(procs), ...pipeline, ...durable].map((p) => stop(p)));
    await Promise.all([nc.close(), baseNc.close(), durNc.close()]);
    await Promise.all([ctx.stopNats(sysNats), ctx.stopNats(baseNats), ctx.stopNats(durNats)]);
  }
}

async function llmRequests(port) {
  const r = await fetch(`http://127.0.0.1:${port}/stats`);
  return (await r.json()).requests;
}

/** Scenario 4: 1, 2 and 4 hr-agent instances whose engine is a fake LLM answering in 100 ms. */
export async function scalingPhase(ctx, { counts = [1, 2, 4], profile = false } = {}) {
  const nats = await ctx.startNats();
  const nc = await requester(nats.url);
  const llm = spawnNode('fake-llm', `${root}/bench/fake-llm.mjs`, {
    logDir: ctx.logDir,
    args: [String(LLM_DELAY_MS)],
  });
  const agents = [];
  try {
    await waitForLine(llm, 'listening');
    const llmPort = Number(tail(llm.logFile).match(/listening (\d+)/)[1]);
    const rows = [];
    const readyMs = [];
    const llmBefore = await llmRequests(llmPort);
    for (const n of counts) {
      while (agents.length < n) {
        const i = agents.length + 1;
        const port = await freePort();
        const p = spawnService(`hr-agent-${i}`, 'hr-agent', {
          env: serviceEnv(nats.url, {
            OPS_PORT: String(port),
            INSTANCE_ID: `bench-hr-${i}`,
            AGENT_CONCURRENCY: String(SCALE_CONCURRENCY),
            ANTHROPIC_API_KEY: 'fake',
            ANTHROPIC_BASE_URL: `http://127.0.0.1:${llmPort}`,
          }),
          logDir: ctx.logDir,
          nodeArgs: profile ? ['--cpu-prof', `--cpu-prof-dir=${ctx.profileDir}/hr-agent-llm-${i}`] : [],
        });
        readyMs.push(Math.round(await waitReady(p, port)));
        agents.push(p);
      }
      if (n === counts[0]) await untilAnswered(nc, 'agents.hr.ask', QUESTION);
      const pids = { 'nats-server': nats.pid() };
      for (const p of agents) pids[p.name] = p.pid;
      const inFlight = SCALE_CONCURRENCY * n * 2;
      const send = natsSender(nc, 'agents.hr.ask', QUESTION, { judge: judgeLlmReply });
      rows.push(await step(ctx, nats, 'scaling', send, inFlight, pids, { instances: n, inFlight }));
    }
    const llmCalls = (await llmRequests(llmPort)) - llmBefore;
    const scaling = {
      llmDelayMs: LLM_DELAY_MS,
      concurrencyPerInstance: SCALE_CONCURRENCY,
      subject: 'agents.hr.ask',
      llmRequests: llmCalls,
      llmUsed: llmCalls > 0,
      readyMs,
    };
    if (!scaling.llmUsed) ctx.say('the fake LLM got no request: the hr-agent is not using the Claude engine');
    return { rows, scaling };
  } finally {
    await Promise.all(agents.map((p) => stop(p)));
    await stop(llm);
    await nc.close();
    await ctx.stopNats(nats);
  }
}
