// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per module, and
// inclusive time of the project's own functions. `node bench/profile-summary.mjs <file>... [--top N]`
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** The module a call frame belongs to: an npm package, a workspace package, a node: area, or V8. */
export function moduleOf({ url, functionName }) {
  if (!url) return SPECIAL.has(functionName) ? functionName : '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 14).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const ws = url.match(/\/(libs|services|bench)\/([^/]+)/);
  if (ws) return ws[1] === 'bench' ? 'bench' : `${ws[1]}/${ws[2]}`;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url;
}

const where = ({ url, lineNumber }) => (url ? `${basename(url)}:${lineNumber + 1}` : '');
const fnKey = (cf) => `${cf.functionName || '(anonymous)'} ${where(cf)} [${moduleOf(cf)}]`;

/**
 * Self and inclusive times (ms) of one profile; with `windowUs` ([from, until] on the monotonic
 * clock of `process.hrtime`, which V8's profiler shares), only the samples inside that window.
 */
export function summarise(profile, { top = 20, windowUs } = {}) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const selfModule = new Map();
  const inclusive = new Map();
  let total = 0;
  let idle = 0;
  const { samples, timeDeltas } = profile;
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i];
    if (windowUs && (t < windowUs[0] || t >= windowUs[1])) continue;
    // A sample lasts until the next one (the DevTools convention).
    const ms = (i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0) / 1000;
    const node = byId.get(samples[i]);
    total += ms;
    if (node.callFrame.functionName === '(idle)') {
      idle += ms;
      continue;
    }
    const key = fnKey(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + ms);
    const mod = moduleOf(node.callFrame);
    selfModule.set(mod, (selfModule.get(mod) ?? 0) + ms);
    const seen = new Set();
    for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
      const cf = byId.get(id).callFrame;
      if (!/\/(libs|services|bench)\//.test(cf.url)) continue;
      const k = fnKey(cf);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  }
  const busy = total - idle;
  const rank = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), pct: Math.round((1000 * ms) / busy) / 10 }));
  return {
    totalMs: Math.round(total),
    busyMs: Math.round(busy),
    idleMs: Math.round(idle),
    topSelf: rank(self),
    topModules: rank(selfModule),
    topOwnInclusive: rank(inclusive),
  };
}

/** A markdown rendering of {@link summarise}'s result. */
export function toMarkdown(title, s) {
  const table = (head, rows) =>
    [
      `| ${head} | ms | % of busy |`,
      '| --- | ---: | ---: |',
      ...rows.map((r) => `| \`${r.name}\` | ${r.ms} | ${r.pct} |`),
    ].join('\n');
  return [
    `### ${title}`,
    '',
    `sampled ${s.totalMs} ms: busy ${s.busyMs} ms, idle ${s.idleMs} ms` +
      (s.requests ? `; ${s.requests} requests, ${s.busyUsPerRequest} µs busy per request` : ''),
    '',
    table('module (self time)', s.topModules),
    '',
    table('function (self time)', s.topSelf),
    '',
    table('own function (inclusive time)', s.topOwnInclusive),
    '',
  ].join('\n');
}

if (import.meta.filename === process.argv[1]) {
  const args = process.argv.slice(2);
  const t = args.indexOf('--top');
  const top = t >= 0 ? Number(args.splice(t, 2)[1]) : 20;
  for (const file of args) {
    const s = summarise(JSON.parse(readFileSync(file, 'utf8')), { top });
    process.stdout.write(`${toMarkdown(basename(file), s)}\n`);
  }
}
