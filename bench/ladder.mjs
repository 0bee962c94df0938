// `npm run bench:ladder`: what each of the system's guarantees costs on the bus alone. The bare
// baseline, then one JetStream write or confirmation added at a time (see `variants` in
// baseline.mjs), then agents.ask, every step in each round, each on its own nats-server, at one
// in-flight level. Ratios are taken within a round against the bare baseline, medians reported.
import { startBaseline, subjects, variants } from './baseline.mjs';
import { natsSender } from './load.mjs';
import { medianRow, QUESTION, requester, roundRatios, startSystem, step, untilAnswered } from './phases.mjs';
import { stop } from './services.mjs';

/** The rungs, cheapest first: what each adds to the one before it. */
export const RUNGS = [
  ['bare', 'the bare baseline: relay publishes the task, worker replies and acks'],
  ['msgid', '+ the task published with a Nats-Msg-Id (deduplication)'],
  [
    'kv',
    "+ the session: a KV key created, awaited (the turn's record and, in the bucket's change feed, its event)",
  ],
  ['durable', '+ a confirmed ack (ackAck): the durable baseline (task, session, confirmed ack)'],
  [
    'durable-event',
    '+ a separate turn event, with a Nats-Msg-Id, awaited after the key: the write path before issue #14',
  ],
  ['no-session', 'the durable baseline with an event instead of the session key (the event as the record)'],
];

/** Runs the ladder and agents.ask in `ctx.rounds` alternating rounds at `inFlight`. */
export async function ladderPhase(ctx, { inFlight = 64 } = {}) {
  const rungs = [];
  let procs = {};
  let sys;
  try {
    for (const [variant, adds] of RUNGS) {
      if (!(variant in variants)) throw new Error(`no baseline variant ${variant}`);
      const nats = await ctx.startNats();
      const nc = await requester(nats.url);
      const rung = { id: variant, adds, nats, nc, procs: [] };
      rungs.push(rung);
      rung.procs = await startBaseline(nc, nats.url, { logDir: ctx.logDir, variant });
      rung.pids = { 'nats-server': nats.pid(), relay: rung.procs[0].pid, worker: rung.procs[1].pid };
      rung.send = natsSender(nc, subjects[variant], QUESTION, { judge: () => true });
    }
    const nats = await ctx.startNats();
    const nc = await requester(nats.url);
    sys = { id: 'agents.ask', adds: 'the system: validation, routing, the engine, metrics', nats, nc };
    procs = await startSystem(ctx, nats.url, { only: ['hr-agent', 'finance-agent', 'router'] });
    await untilAnswered(nc, 'agents.ask', QUESTION);
    sys.pids = { 'nats-server': nats.pid() };
    for (const [name, p] of Object.entries(procs)) sys.pids[name] = p.pid;
    sys.send = natsSender(nc, 'agents.ask', QUESTION);
    const all = [...rungs, sys];
    const rounds = new Map(all.map((r) => [r.id, []]));
    for (let round = 1; round <= ctx.rounds; round++) {
      for (const r of all) {
        rounds.get(r.id).push(await step(ctx, r.nats, r.id, r.send, inFlight, r.pids, { inFlight, round }));
      }
    }
    const bare = rounds.get('bare');
    return all.map((r) => {
      const row = medianRow(rounds.get(r.id));
      row.adds = r.adds;
      row.vsBaseline = roundRatios(rounds.get(r.id), bare);
      return row;
    });
  } finally {
    await Promise.all([...Object.values(procs), ...rungs.flatMap((r) => r.procs)].map((p) => stop(p)));
    for (const r of [...rungs, ...(sys ? [sys] : [])]) {
      await r.nc.close();
      await ctx.stopNats(r.nats);
    }
  }
}

const cpuCell = (cpu) =>
  Object.entries(cpu)
    .map(([k, v]) => `${k} ${Math.round(v)}`)
    .join(', ');

/** The ladder as a Markdown table. */
export function ladderMarkdown(out) {
  const lines = [
    `Measured ${out.date} on ${out.machine.cpus} × ${out.machine.cpuModel}, node ${out.machine.node}, nats-server ${out.machine.natsServer}; commit ${out.source.commit}; ${out.settings.rounds} alternating rounds of ${out.settings.warmupMs} ms warm-up + ${out.settings.durationMs} ms at ${out.inFlight} in flight (medians; ratios taken within a round).`,
    '',
    '| step | what it adds | req/s | × bare | p50 ms | p99 ms | p99 × bare | CPU µs per request | errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
  ];
  for (const r of out.rows) {
    const total = Math.round(Object.values(r.cpuUsPerRequest).reduce((a, b) => a + b, 0));
    lines.push(
      `| ${r.id} | ${r.adds} | ${r.throughput} | ${r.vsBaseline.throughput} | ${r.p50} | ${r.p99} | ${r.vsBaseline.p99} | ${total}: ${cpuCell(r.cpuUsPerRequest)} | ${r.errors} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
