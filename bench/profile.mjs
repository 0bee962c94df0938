// BENCH_PROFILE=1: CPU profiles under load. The baseline's relay and worker, then the router and the
// hr-agent (with the finance-agent beside them, unprofiled) at 64 in flight, then one hr-agent
// whose engine is the 100 ms fake LLM at 16 in flight, run with `--cpu-prof`; each writes its
// profile when it stops, and profile-summary.mjs ranks where the time went inside the measured
// window of the load step (start-up, warm-up and drain are left out).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { natsSender } from './load.mjs';
import {
  baselinePhase,
  QUESTION,
  requester,
  scalingPhase,
  startSystem,
  step,
  untilAnswered,
} from './phases.mjs';
import { summarise } from './profile-summary.mjs';
import { stop } from './services.mjs';

/** The summary of the one profile in `dir`, restricted to the measured window of `row`. */
function summariseDir(dir, row) {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const summary = summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')), {
    top: 15,
    windowUs: row.windowUs,
  });
  return {
    ...summary,
    requests: row.requests,
    busyUsPerRequest: Math.round((1000 * summary.busyMs) / row.requests),
  };
}

/** Runs the profiled load steps; returns the load rows and a summary per profiled process. */
export async function profilePhase(ctx) {
  const pctx = { ...ctx, inFlights: [64] };
  const rows = await baselinePhase(pctx, { profile: true });
  const nats = await ctx.startNats();
  const nc = await requester(nats.url);
  const procs = await startSystem(ctx, nats.url, {
    profile: ['router', 'hr-agent'],
    only: ['hr-agent', 'finance-agent', 'router'],
  });
  try {
    await untilAnswered(nc, 'agents.ask', QUESTION);
    const pids = { 'nats-server': nats.pid() };
    for (const [name, p] of Object.entries(procs)) pids[name] = p.pid;
    rows.push(
      await step(ctx, nats, 'agents.ask', natsSender(nc, 'agents.ask', QUESTION), 64, pids, { inFlight: 64 }),
    );
  } finally {
    // A graceful stop: the profile is written when the process exits normally.
    await Promise.all(Object.values(procs).map((p) => stop(p, 20_000)));
    await nc.close();
    await ctx.stopNats(nats);
  }
  const llm = await scalingPhase(ctx, { counts: [1], profile: true });
  rows.push(...llm.rows);
  const profiles = {};
  const [base, ask, withLlm] = rows;
  const runs = [
    ['baseline-relay', base],
    ['baseline-worker', base],
    ['router', ask],
    ['hr-agent', ask],
    ['hr-agent-llm-1', withLlm],
  ];
  for (const [name, row] of runs) profiles[name] = summariseDir(join(ctx.profileDir, name), row);
  return { rows, profiles };
}
