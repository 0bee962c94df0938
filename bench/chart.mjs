// Hand-written SVG of the bench results: grouped bars of throughput per scenario, with the baseline
// marked as dashed lines, and p99 latency per scenario the same way. No dependencies.

const COLORS = { 1: '#8fb8de', 64: '#2d6ca2', scale: '#e08a3c' };
const FONT = 'font-family="system-ui, sans-serif"';

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Coordinates to one decimal. */
const c = (v) => Math.round(v * 10) / 10;
const fmt = (v) => (v >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10));

/** A "nice" axis maximum at or above `v`. */
function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * p).find((m) => m >= v);
}

/** Bars grouped by scenario (`groups: [{label, bars: [{label, value, color}]}]`) and marker lines. */
function panel({ x, y, w, h, title, groups, marks }) {
  const out = [];
  const values = [...groups.flatMap((g) => g.bars.map((b) => b.value)), ...marks.map((m) => m.value)];
  const max = niceMax(Math.max(...values.filter(Number.isFinite)));
  const plotX = x + 56;
  const plotW = w - 66;
  const plotY = y + 28;
  const plotH = h - 70;
  const yOf = (v) => c(plotY + plotH - (plotH * Math.min(v, max)) / max);
  out.push(`<text x="${x}" y="${y + 14}" ${FONT} font-size="14" font-weight="600">${esc(title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const ty = yOf(v);
    out.push(`<line x1="${plotX}" x2="${plotX + plotW}" y1="${ty}" y2="${ty}" stroke="#e5e5e5"/>`);
    out.push(
      `<text x="${plotX - 6}" y="${ty + 4}" ${FONT} font-size="10" text-anchor="end" fill="#555">${fmt(v)}</text>`,
    );
  }
  const slot = plotW / groups.length;
  groups.forEach((g, gi) => {
    const barW = Math.min(34, (slot - 20) / g.bars.length);
    const start = plotX + gi * slot + (slot - barW * g.bars.length) / 2;
    const base = plotY + plotH;
    g.bars.forEach((b, bi) => {
      const bx = c(start + bi * barW);
      const by = Number.isFinite(b.value) ? yOf(b.value) : base;
      out.push(
        `<rect x="${c(bx + 2)}" y="${by}" width="${c(barW - 4)}" height="${c(base - by)}" fill="${b.color}"><title>${esc(`${g.label} ${b.label}: ${fmt(b.value)}`)}</title></rect>`,
      );
      out.push(
        `<text x="${c(bx + barW / 2)}" y="${c(by - 3)}" ${FONT} font-size="9" text-anchor="middle">${fmt(b.value)}</text>`,
      );
      out.push(
        `<text x="${c(bx + barW / 2)}" y="${base + 12}" ${FONT} font-size="9" text-anchor="middle" fill="#555">${esc(b.label)}</text>`,
      );
    });
    out.push(
      `<text x="${c(plotX + gi * slot + slot / 2)}" y="${base + 28}" ${FONT} font-size="11" text-anchor="middle">${esc(g.label)}</text>`,
    );
  });
  for (const m of marks) {
    const my = yOf(m.value);
    out.push(
      `<line x1="${plotX}" x2="${plotX + plotW}" y1="${my}" y2="${my}" stroke="${m.color}" stroke-dasharray="5 4" stroke-width="1.5"/>`,
    );
    out.push(
      `<text x="${plotX + plotW}" y="${my - 3}" ${FONT} font-size="9" text-anchor="end" fill="${m.color}">${esc(m.label)}</text>`,
    );
  }
  out.push(
    `<line x1="${plotX}" x2="${plotX}" y1="${plotY}" y2="${plotY + plotH}" stroke="#333"/>`,
    `<line x1="${plotX}" x2="${plotX + plotW}" y1="${plotY + plotH}" y2="${plotY + plotH}" stroke="#333"/>`,
  );
  return out.join('\n');
}

/** Colour keys: requests in flight, and the scaling steps. */
function legend(x, y) {
  const items = [
    [COLORS[1], '1 in flight'],
    [COLORS[64], '64 in flight'],
    [COLORS.scale, 'n hr-agents, 16·n in flight'],
  ];
  return items.flatMap(([color, label], i) => [
    `<rect x="${x + i * 130}" y="${y}" width="10" height="10" fill="${color}"/>`,
    `<text x="${x + i * 130 + 14}" y="${y + 9}" ${FONT} font-size="10">${esc(label)}</text>`,
  ]);
}

/** The chart of a results document (see run.mjs) as an SVG string. */
export function renderChart(results) {
  const rows = results.scenarios;
  const groupsOf = (metric) => {
    const groups = [];
    for (const id of ['baseline', 'baseline-durable', 'agents.ask', 'gateway']) {
      const bars = rows
        .filter((r) => r.id === id)
        .map((r) => ({ label: String(r.inFlight), value: r[metric], color: COLORS[r.inFlight] }));
      const label = { gateway: 'gateway /v1/ask', 'baseline-durable': 'baseline, durable writes' }[id] ?? id;
      if (bars.length) groups.push({ label, bars });
    }
    const scale = rows.filter((r) => r.id === 'scaling');
    if (scale.length) {
      groups.push({
        label: 'hr-agent ×n, LLM 100 ms',
        bars: scale.map((r) => ({ label: `n=${r.instances}`, value: r[metric], color: COLORS.scale })),
      });
    }
    return groups;
  };
  const marksOf = (metric) =>
    rows
      .filter((r) => r.id === 'baseline')
      .map((r) => ({
        label: `baseline ${r.inFlight} in flight`,
        value: r[metric],
        color: COLORS[r.inFlight],
      }));
  const W = 900;
  const H = 330;
  const body = [
    panel({
      x: 10,
      y: 40,
      w: W - 20,
      h: H,
      title: 'Throughput (req/s)',
      groups: groupsOf('throughput'),
      marks: marksOf('throughput'),
    }),
    panel({
      x: 10,
      y: 50 + H,
      w: W - 20,
      h: H,
      title: 'p99 latency (ms)',
      groups: groupsOf('p99'),
      marks: marksOf('p99'),
    }),
  ];
  const m = results.machine;
  const subtitle = `${results.date} · ${m.cpus} CPUs · node ${m.node} · nats-server ${m.natsServer}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${2 * H + 70}" viewBox="0 0 ${W} ${2 * H + 70}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" ${FONT} font-size="16" font-weight="700">Switchboard bench</text>`,
    `<text x="10" y="36" ${FONT} font-size="11" fill="#555">${esc(subtitle)}</text>`,
    ...legend(W - 420, 14),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
