import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The parts of a Grafana dashboard this test reads. */
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string; refId?: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}
interface Dashboard {
  __inputs?: { name: string; type: string; pluginId: string }[];
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: { name: string; definition?: string; query?: string | { query?: string } }[] };
}

const dashboard = JSON.parse(
  readFileSync(new URL('./switchboard-dashboard.json', import.meta.url), 'utf8'),
) as Dashboard;
const catalogue = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');

/** Metric names and types from the table rows of docs/metrics.md: `| \`name\` | type | ...`. */
const documented = new Map(
  [...catalogue.matchAll(/^\|\s*`(switchboard_[a-z0-9_]+)`\s*\|\s*(\w+)\s*\|/gm)].map((m) => [m[1]!, m[2]!]),
);

/** Series names a documented metric is queried by: histograms add `_bucket`, `_sum`, `_count`. */
const knownSeries = new Set<string>();
for (const [name, type] of documented) {
  knownSeries.add(name);
  if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) knownSeries.add(name + s);
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'atan2',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression selects (not functions, labels, keywords or numbers). */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // label lists
  const names: string[] = [];
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const before = stripped[m.index - 1] ?? ' ';
    const after = stripped.slice(m.index + m[0].length).trimStart();
    if (/[0-9.$]/.test(before)) continue; // 1e3, 5m, $var
    if (after.startsWith('(')) continue; // function call
    if (KEYWORDS.has(m[0].toLowerCase())) continue;
    names.push(m[0]);
  }
  return names;
}

function isAllowed(name: string): boolean {
  return knownSeries.has(name) || /^(process|nodejs)_[a-z0-9_]+$/.test(name) || name === 'up';
}

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

const panels = allPanels(dashboard.panels);
const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr ?? '' })));

describe('metricNames', () => {
  it('finds selected metrics and skips functions, labels, ranges and keywords', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, service) (rate(foo_bucket{service=~"$service",x="a b"}[$__rate_interval]))) / on (service) group_left bar > bool 1e3',
      ),
    ).toEqual(['foo_bucket', 'bar']);
    expect(metricNames('count(up == 0) or vector(0)')).toEqual(['up']);
  });
});

describe('Grafana dashboard', () => {
  it('the catalogue has metrics to check against', () => {
    expect(documented.size).toBeGreaterThan(5);
  });

  it('is an importable dashboard with a DS_PROMETHEUS input', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toBeTruthy();
    expect(dashboard.__inputs).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'DS_PROMETHEUS', pluginId: 'prometheus' })]),
    );
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size, 'panel ids are unique').toBe(ids.length);
    for (const p of panels.filter((p) => p.type !== 'row')) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's import placeholder, not a JS template
      expect(p.datasource?.uid, p.title).toBe('${DS_PROMETHEUS}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
  });

  it('every expr references only documented metrics, process_*/nodejs_* or up', () => {
    expect(exprs.length).toBeGreaterThan(10);
    const unknown = exprs.flatMap(({ panel, expr }) =>
      metricNames(expr)
        .filter((n) => !isAllowed(n))
        .map((n) => `${panel}: ${n}`),
    );
    expect(unknown).toEqual([]);
    for (const { panel, expr } of exprs)
      expect(metricNames(expr).length, `${panel}: ${expr}`).toBeGreaterThan(0);
  });

  it('template variables query known metrics', () => {
    for (const v of dashboard.templating?.list ?? []) {
      const q = typeof v.query === 'string' ? v.query : (v.query?.query ?? v.definition ?? '');
      const m = /^label_values\(\s*([^,]+),\s*\w+\s*\)$/.exec(q.trim());
      if (!m) continue;
      for (const n of metricNames(m[1]!)) expect(isAllowed(n), `${v.name}: ${n}`).toBe(true);
    }
  });

  it('graphs the metrics operators need', () => {
    const used = new Set(exprs.flatMap(({ expr }) => metricNames(expr)));
    for (const name of [
      'switchboard_requests_total',
      'switchboard_request_duration_seconds_bucket',
      'switchboard_tasks_total',
      'switchboard_task_duration_seconds_bucket',
      'switchboard_circuit_breaker_state',
      'switchboard_consumer_pending',
      'switchboard_dead_letters_total',
      'switchboard_llm_requests_total',
      'switchboard_routing_decisions_total',
      'switchboard_routing_score_bucket',
      'switchboard_sessions_total',
      'process_resident_memory_bytes',
    ]) {
      expect(used.has(name), name).toBe(true);
    }
  });

  it('maps breaker states 0/1/2 to closed/half-open/open', () => {
    const text = JSON.stringify(
      panels.filter((p) =>
        (p.targets ?? []).some((t) => t.expr?.includes('switchboard_circuit_breaker_state')),
      ),
    );
    for (const label of ['"closed"', '"half-open"', '"open"']) expect(text).toContain(label);
  });
});
