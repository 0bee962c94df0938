import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// promtool comes from Debian's `prometheus` package; CI installs it (scripts/check-prometheus.sh)
// before the tests. A missing promtool is a failure, not a skip: these checks must run.
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { status?: number; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(
        'promtool not found on PATH. Install it with `apt-get install -y prometheus` ' +
          '(or run scripts/check-prometheus.sh, which installs it) before running this test.',
      );
    }
    throw new Error(`promtool ${args.join(' ')} exited ${e.status}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

describe('Prometheus configuration (promtool)', () => {
  it('prometheus.yml is a valid config and loads alerts.yml', () => {
    const out = promtool('check', 'config', 'infra/prometheus/prometheus.yml');
    expect(out).toMatch(/SUCCESS: infra\/prometheus\/prometheus\.yml is valid prometheus config file syntax/);
    expect(out).toMatch(/SUCCESS: 1 rule files found/);
    expect(out).not.toMatch(/FAILED/);
  });

  it('alerts.yml has valid rules', () => {
    const out = promtool('check', 'rules', 'infra/prometheus/alerts.yml');
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
    expect(out).not.toMatch(/FAILED/);
  });

  it('alert unit tests pass', () => {
    const out = promtool('test', 'rules', 'infra/prometheus/tests/alerts.test.yml');
    expect(out).toMatch(/SUCCESS/);
    expect(out).not.toMatch(/FAILED/);
  });

  it('defines the alerts operators rely on', () => {
    const rules = readFileSync(new URL('./alerts.yml', import.meta.url), 'utf8');
    const alerts = [...rules.matchAll(/^\s*- alert: (\w+)/gm)].map((m) => m[1]);
    expect(alerts).toEqual(
      expect.arrayContaining([
        'SwitchboardBreakerOpen',
        'SwitchboardConsumerPendingGrowing',
        'SwitchboardDeadLetters',
        'SwitchboardDependencyMissing',
        'SwitchboardHighErrorRatio',
        'SwitchboardServiceDown',
      ]),
    );
  });
});
