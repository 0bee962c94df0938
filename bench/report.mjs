// Ratios to the baseline, the targets of issue #14 judged against what was measured, and the
// markdown table the README includes (bench/results/latest.md).

const r2 = (x) => Math.round(x * 100) / 100;

/** Adds `vsBaseline` (throughput, p50, p99 as multiples of the baseline at the same in-flight). */
export function addRatios(rows) {
  const base = new Map(rows.filter((r) => r.id === 'baseline').map((r) => [r.inFlight, r]));
  for (const r of rows) {
    const b = base.get(r.inFlight);
    // Rows measured in alternating rounds carry the median of their per-round ratios already.
    if (!b || r.id === 'scaling' || r.vsBaseline) continue;
    r.vsBaseline = {
      throughput: r2(r.throughput / b.throughput),
      p50: r2(r.p50 / b.p50),
      p99: r2(r.p99 / b.p99),
    };
  }
  const one = rows.find((r) => r.id === 'scaling' && r.instances === 1);
  for (const r of rows.filter((x) => x.id === 'scaling')) {
    r.linearity = one ? r2(r.throughput / (r.instances * one.throughput)) : null;
  }
  return rows;
}

/** CPU µs per request of every process but the load generator (the caller). */
function systemCpu(row) {
  return Object.entries(row.cpuUsPerRequest ?? {})
    .filter(([name]) => name !== 'bench')
    .reduce((sum, [, us]) => sum + us, 0);
}

/**
 * The targets of issue #14 (the delivery core), judged on this run: what was asked, what was
 * measured, and whether it was met. Ratios are taken within the alternating rounds of one run.
 */
export function judgeTargets(results) {
  const rows = results.scenarios;
  const find = (id, inFlight) => rows.find((r) => r.id === id && r.inFlight === inFlight);
  const b64 = find('baseline', 64);
  const a1 = find('agents.ask', 1);
  const a64 = find('agents.ask', 64);
  const s4 = rows.find((r) => r.id === 'scaling' && r.instances === 4);
  const targets = [];
  const add = (name, target, measured, pass) => targets.push({ name, target, measured, pass });
  if (a64 && b64) {
    const t = a64.vsBaseline.throughput;
    add('agents.ask throughput at 64 in flight', '>= 0.4 x bare baseline', t, t >= 0.4);
    if (a64.vsDurable) {
      const d = a64.vsDurable;
      add(
        'agents.ask throughput at 64 in flight',
        '>= 0.8 x durable baseline',
        d.throughput,
        d.throughput >= 0.8,
      );
      add('agents.ask p99 at 64 in flight', '<= 2 x durable baseline p99', d.p99, d.p99 <= 2);
    }
    const cpu = r2(systemCpu(a64) / systemCpu(b64));
    add(
      'CPU per request, all processes but the load generator, 64 in flight',
      '<= 2.5 x bare baseline',
      cpu,
      cpu <= 2.5,
    );
  }
  if (a1?.p50OverBaselineMs !== undefined) {
    // Alternating rounds: the difference within each round, then the median over the rounds.
    const over = a1.p50OverBaselineMs;
    add('agents.ask p50 at 1 in flight, over the bare baseline (ms)', '<= + 0.5 ms', over, over <= 0.5);
  }
  if (s4) {
    const measured = s4.linearity;
    add(
      'scaling 1 -> 4 hr-agents, 100 ms LLM',
      '>= 0.95 of linear',
      measured,
      results.scaling.llmUsed && measured >= 0.95,
    );
  }
  for (const [name, s] of Object.entries(results.services)) {
    if (s.peakRssMB !== undefined) add(`${name} peak RSS (MB)`, '<= 100', s.peakRssMB, s.peakRssMB <= 100);
    if (s.readyMs !== undefined)
      add(`${name} start to /readyz 200 (ms)`, '<= 2000', s.readyMs, s.readyMs <= 2000);
  }
  const errors = rows.reduce((n, r) => n + r.errors, 0);
  add('errors in all load steps', '0', errors, errors === 0);
  return targets;
}

const cell = (v) => (v === undefined || v === null ? '' : String(v));

/** The markdown summary: scenario table, scaling, services, targets. */
export function toMarkdown(results) {
  const lines = [];
  const m = results.machine;
  lines.push(
    `Measured ${results.date} on ${m.cpus} × ${m.cpuModel}, node ${m.node}, nats-server ${m.natsServer}; ` +
      `commit ${results.source?.commit}${results.source?.uncommittedFiles ? ` with ${results.source.uncommittedFiles} uncommitted files` : ''}; ` +
      `${results.settings.warmupMs} ms warm-up, then ${results.settings.durationMs} ms per step; ` +
      `baseline, durable baseline and agents.ask in ${results.settings.rounds} alternating rounds (medians; each ratio taken within a round); ` +
      `load average ${m.loadAvg1mAtStart} at the start (${m.cpus} CPUs: above that, other work competed).`,
    '',
    '| scenario | in flight | req/s | × baseline | p50 ms | p90 ms | p99 ms | p99 × baseline | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of results.scenarios) {
    const name = r.id === 'scaling' ? `hr-agent ×${r.instances}, fake LLM 100 ms` : r.id;
    const ratio = r.id === 'scaling' ? `${cell(r.linearity)} of linear` : cell(r.vsBaseline?.throughput);
    lines.push(
      `| ${name} | ${r.inFlight} | ${r.throughput} | ${ratio} | ${r.p50} | ${r.p90} | ${r.p99} | ${cell(r.vsBaseline?.p99)} | ${r.errors} |`,
    );
  }
  for (const r of results.scenarios.filter((x) => x.id !== 'baseline' && x.rounds?.[0]?.vsBaseline)) {
    const each = r.rounds.map((x) => x.vsBaseline).join(', ');
    const slower =
      r.rounds[0].p50OverBaselineMs === undefined ? undefined : r.rounds.map((x) => x.p50OverBaselineMs);
    lines.push(
      '',
      `${r.id} at ${r.inFlight} in flight, in each round: throughput × baseline ${each}` +
        (slower ? `; p50 over the baseline's ${slower.join(', ')} ms.` : '.'),
    );
  }
  const againstDurable = results.scenarios.filter((x) => x.vsDurable);
  if (againstDurable.length) {
    lines.push(
      '',
      "Against the durable baseline, which makes the system's JetStream writes and nothing else (the task with a `Nats-Msg-Id`, a session key whose write is also the turn's event, a confirmed ack; see `bench/baseline.mjs`). For information: the targets are judged against the bare baseline.",
      '',
      '| scenario | in flight | throughput × durable baseline | p50 × | p99 × | throughput × durable baseline, each round |',
      '| --- | ---: | ---: | ---: | ---: | --- |',
    );
    for (const r of againstDurable) {
      const each = r.rounds.map((x) => x.vsDurable).join(', ');
      lines.push(
        `| ${r.id} | ${r.inFlight} | ${r.vsDurable.throughput} | ${r.vsDurable.p50} | ${r.vsDurable.p99} | ${each} |`,
      );
    }
  }
  lines.push(
    '',
    'Cost per request inside the measured window (medians over the rounds): CPU µs of each process, and what the server saw.',
    '',
    '| scenario | in flight | CPU µs per request | msgs into server | msgs out of server | load avg |',
    '| --- | ---: | --- | ---: | ---: | ---: |',
  );
  for (const r of results.scenarios) {
    const cpu = Object.entries(r.cpuUsPerRequest ?? {})
      .map(([k, v]) => `${k} ${Math.round(v)}`)
      .join(', ');
    const s = r.serverPerRequest ?? {};
    const name = r.id === 'scaling' ? `hr-agent ×${r.instances}` : r.id;
    lines.push(
      `| ${name} | ${r.inFlight} | ${cpu} | ${cell(s.msgsIn)} | ${cell(s.msgsOut)} | ${cell(r.loadAvg1m)} |`,
    );
  }
  lines.push('', '| service | start to ready ms | RSS idle MB | RSS after load MB | peak RSS MB |');
  lines.push('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, s] of Object.entries(results.services)) {
    lines.push(
      `| ${name} | ${cell(s.readyMs)} | ${cell(s.rssIdleMB)} | ${cell(s.rssAfterLoadMB)} | ${cell(s.peakRssMB)} |`,
    );
  }
  lines.push('', '| target | wanted | measured | met |', '| --- | --- | ---: | :---: |');
  for (const t of results.targets)
    lines.push(`| ${t.name} | ${t.target} | ${t.measured} | ${t.pass ? 'yes' : '**no**'} |`);
  if (results.scaling && !results.scaling.llmUsed) {
    lines.push(
      '',
      '_The fake LLM received no request: the agents did not use the Claude engine, so the scaling rows measure the offline engine, not a 100 ms LLM._',
    );
  }
  lines.push('');
  return lines.join('\n');
}
