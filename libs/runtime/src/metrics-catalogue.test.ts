import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';
import { llmOutcomes } from './metrics-prime.js';

/** One row of the catalogue table in docs/metrics.md. */
interface CatalogueRow {
  type: string;
  labels: string[];
}

const docPath = new URL('../../../docs/metrics.md', import.meta.url);

/** Rows whose first cell is a back-quoted `switchboard_*` name: `| \`name\` | type | \`a\`, \`b\` | ... |`. */
function parseCatalogue(markdown: string): Map<string, CatalogueRow> {
  const rows = new Map<string, CatalogueRow>();
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*`(switchboard_[a-z0-9_]+)`\s*\|([^|]*)\|([^|]*)\|/.exec(line);
    if (!m) continue;
    const [, name, type, labels] = m as unknown as [string, string, string, string];
    if (rows.has(name)) throw new Error(`docs/metrics.md lists ${name} twice`);
    rows.set(name, {
      type: type.trim(),
      labels: [...labels.matchAll(/`([a-zA-Z_][a-zA-Z0-9_]*)`/g)].map((l) => l[1]!).sort(),
    });
  }
  return rows;
}

/** prom-client keeps a metric's label names on the instance; the public typings do not declare them. */
function labelNamesOf(metric: unknown): string[] {
  const names = (metric as { labelNames?: unknown }).labelNames;
  if (!Array.isArray(names)) throw new Error('prom-client metric has no labelNames array');
  return names.map(String);
}

describe('docs/metrics.md catalogue', () => {
  const metrics = createMetrics('test');
  const doc = parseCatalogue(readFileSync(docPath, 'utf8'));

  it('parses a non-empty table', () => {
    expect(doc.size).toBeGreaterThan(5);
  });

  it('lists exactly the switchboard_* metrics the code exports', async () => {
    const exported = (await metrics.registry.getMetricsAsJSON())
      .map((m) => m.name)
      .filter((n) => n.startsWith('switchboard_'))
      .sort();
    const documented = [...doc.keys()].sort();
    const missingFromDoc = exported.filter((n) => !doc.has(n));
    const missingFromCode = documented.filter((n) => !exported.includes(n));
    expect(missingFromDoc, 'exported by createMetrics but not in docs/metrics.md').toEqual([]);
    expect(missingFromCode, 'in docs/metrics.md but not exported by createMetrics').toEqual([]);
  });

  it('documents each metric with its type and labels (service included)', async () => {
    // Every series also carries the registry's default label `service`.
    const defaultLabels = ['service'];
    for (const m of await metrics.registry.getMetricsAsJSON()) {
      if (!m.name.startsWith('switchboard_')) continue;
      const row = doc.get(m.name);
      if (!row) continue; // reported by the test above
      const labels = [...defaultLabels, ...labelNamesOf(metrics.registry.getSingleMetric(m.name))].sort();
      expect({ name: m.name, type: row.type, labels: row.labels }).toEqual({
        name: m.name,
        type: m.type,
        labels,
      });
    }
  });

  it('documents every outcome of switchboard_llm_requests_total', () => {
    const row = readFileSync(docPath, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('| `switchboard_llm_requests_total`'));
    const meaning = row?.split('|')[4] ?? '';
    const documented = [...meaning.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
    expect(llmOutcomes.filter((o) => !documented.includes(o))).toEqual([]);
  });

  it('puts the service label on every series', async () => {
    metrics.requests.inc({ endpoint: 'agents.ask', outcome: 'ok' });
    expect(await metrics.registry.metrics()).toContain(
      'switchboard_requests_total{endpoint="agents.ask",outcome="ok",service="test"} 1',
    );
  });
});
