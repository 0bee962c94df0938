// `npm run bench`: starts its own nats-server and the built services, measures the scenarios of
// issue #14, prints JSON and writes <date>.json, latest.md and latest.svg into .data/bench/ (not
// tracked); with BENCH_SAVE=1 into bench/results/, the files the README shows.
// BENCH_PROFILE=1 runs the CPU-profiling steps instead (profile-<date>.{json,md});
// BENCH_LADDER=1 (`npm run bench:ladder`) the cost of each guarantee (ladder-<date>.*).
// BENCH_WARMUP_MS and BENCH_DURATION_MS set the length of each load step (default 2 s + 6 s);
// BENCH_ROUNDS (3) alternating baseline/agents.ask rounds; BENCH_ONLY=compare,scaling runs some
// phases only (results are then not written).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { findNatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { renderChart } from './chart.mjs';
import { ladderMarkdown, ladderPhase } from './ladder.mjs';
import { comparePhase, scalingPhase } from './phases.mjs';
import { profilePhase } from './profile.mjs';
import { toMarkdown as profileMarkdown } from './profile-summary.mjs';
import { addRatios, judgeTargets, toMarkdown } from './report.mjs';
import { root, stopAll } from './services.mjs';

const say = (msg) => process.stderr.write(`[bench] ${msg}\n`);
// Results go to untracked .data/bench/ unless asked to update the tracked ones the README shows.
const resultsDir =
  process.env.BENCH_SAVE === '1' ? join(root, 'bench', 'results') : join(root, '.data', 'bench');
const shown = resultsDir.slice(root.length + 1);
const tmp = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
const natsServers = new Set();
const ctx = {
  say,
  warmupMs: Number(process.env.BENCH_WARMUP_MS ?? 2000),
  durationMs: Number(process.env.BENCH_DURATION_MS ?? 6000),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  inFlights: [1, 64],
  logDir: tmp,
  profileDir: join(tmp, 'profiles'),
  async startNats() {
    const nats = await startNatsServer();
    natsServers.add(nats);
    return nats;
  },
  async stopNats(nats) {
    natsServers.delete(nats);
    await nats.stop();
  },
};

let cleaning;
function cleanUp() {
  cleaning ??= (async () => {
    await stopAll();
    await Promise.all([...natsServers].map((n) => n.stop()));
    natsServers.clear();
  })();
  return cleaning;
}
process.on('SIGINT', () => {
  say('interrupted: stopping what the bench started');
  void cleanUp().finally(() => {
    rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  });
});

function machine() {
  const bin = findNatsServer();
  const version = bin ? execFileSync(bin, ['--version']).toString().trim() : 'not found';
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMB: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    natsServer: version.replace(/^nats-server:\s*/, ''),
    platform: `${process.platform} ${process.arch}`,
    loadAvg1mAtStart: Math.round(loadavg()[0] * 100) / 100,
  };
}

/** The commit measured, and how many files differ from it (outside bench/). */
function source() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: root }).toString().trim();
    const changed = git('status', '--porcelain')
      .split('\n')
      .filter((l) => l && !l.slice(3).startsWith('bench/'));
    return { commit: git('rev-parse', '--short', 'HEAD'), uncommittedFiles: changed.length };
  } catch {
    return { commit: 'unknown' };
  }
}

const today = () => new Date().toISOString().slice(0, 10);

async function bench() {
  const started = Date.now();
  const only = process.env.BENCH_ONLY?.split(',');
  const wanted = (phase) => !only || only.includes(phase);
  const results = {
    date: today(),
    machine: machine(),
    source: source(),
    settings: {
      warmupMs: ctx.warmupMs,
      durationMs: ctx.durationMs,
      rounds: ctx.rounds,
      logLevel: process.env.LOG_LEVEL ?? 'info',
    },
  };
  const rows = [];
  if (wanted('compare')) {
    say(
      `scenarios 1, 2, 3, 5: baseline, durable baseline and agents.ask in ${ctx.rounds} alternating rounds, gateway, memory, readiness`,
    );
    const compare = await comparePhase(ctx);
    rows.push(...compare.rows);
    results.services = compare.services;
  }
  if (wanted('scaling')) {
    say('scenario 4: scaling hr-agent instances with a 100 ms fake LLM');
    const scaling = await scalingPhase(ctx);
    rows.push(...scaling.rows);
    results.scaling = scaling.scaling;
  }
  results.scenarios = addRatios(rows);
  results.machine.loadAvg1mAtEnd = Math.round(loadavg()[0] * 100) / 100;
  results.elapsedS = Math.round((Date.now() - started) / 1000);
  if (only) return results;
  results.targets = judgeTargets(results);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${results.date}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(resultsDir, 'latest.md'), toMarkdown(results));
  writeFileSync(join(resultsDir, 'latest.svg'), renderChart(results));
  say(`wrote ${shown}/${results.date}.json, latest.md, latest.svg`);
  return results;
}

async function profile() {
  const { rows, profiles } = await profilePhase(ctx);
  const out = {
    date: today(),
    machine: machine(),
    source: source(),
    settings: { warmupMs: ctx.warmupMs, durationMs: ctx.durationMs },
    rows,
    profiles,
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `profile-${out.date}.json`), `${JSON.stringify(out, null, 2)}\n`);
  const md = Object.entries(profiles).map(([name, s]) => profileMarkdown(name, s));
  writeFileSync(join(resultsDir, `profile-${out.date}.md`), md.join('\n'));
  say(`wrote ${shown}/profile-${out.date}.json and .md`);
  return out;
}

async function ladder() {
  const inFlight = 64;
  const rows = await ladderPhase(ctx, { inFlight });
  const out = {
    date: today(),
    machine: machine(),
    source: source(),
    settings: { warmupMs: ctx.warmupMs, durationMs: ctx.durationMs, rounds: ctx.rounds },
    inFlight,
    rows,
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `ladder-${out.date}.json`), `${JSON.stringify(out, null, 2)}\n`);
  writeFileSync(join(resultsDir, `ladder-${out.date}.md`), ladderMarkdown(out));
  say(`wrote ${shown}/ladder-${out.date}.json and .md`);
  return out;
}

const run = process.env.BENCH_PROFILE === '1' ? profile : process.env.BENCH_LADDER === '1' ? ladder : bench;
let code = 0;
try {
  const out = await run();
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} catch (err) {
  code = 1;
  say(`failed: ${err?.stack ?? err}`);
  say(`process logs are in ${tmp}`);
} finally {
  await cleanUp();
  if (code === 0 && !process.env.BENCH_KEEP_LOGS) rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
