// `npm ci` refuses a lock file that lacks a package's optional dependencies for other platforms
// (biome and turbo ship one binary package per platform), and `npm install` then rewrites the lock,
// leaving a fresh clone dirty. .ci/run installs with `npm ci`; this keeps the lock complete.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
}
const lock: { packages: Record<string, LockEntry> } = JSON.parse(
  readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8'),
);

describe('package-lock.json', () => {
  it('holds every optional dependency of every locked package, for every platform', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        // npm resolves a dependency next to its dependent first, then at the top level.
        const nested = `${path}/node_modules/${name}`;
        if (!lock.packages[nested] && !lock.packages[`node_modules/${name}`])
          missing.push(`${path} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('pins exact versions in every workspace manifest', () => {
    const ranges: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path.startsWith('node_modules/') || !('dependencies' in entry)) continue;
      const deps = (entry as { dependencies?: Record<string, string> }).dependencies ?? {};
      for (const [name, spec] of Object.entries(deps))
        if (!/^\d+\.\d+\.\d+/.test(spec)) ranges.push(`${path || '.'}: ${name}@${spec}`);
    }
    expect(ranges).toEqual([]);
  });
});
