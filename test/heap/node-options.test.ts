// The services' heap limits: given to `node` through NODE_OPTIONS at start (scripts/lib/node-options.mjs),
// never by changing V8 flags at run time.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../e2e/harness.js';

const run = promisify(execFile);

interface NodeOptionsModule {
  SERVICE_HEAP_OPTIONS: string;
  serviceNodeOptions(inherited?: string): string;
}
const { SERVICE_HEAP_OPTIONS, serviceNodeOptions } = (await import(
  pathToFileURL(join(repoRoot, 'scripts', 'lib', 'node-options.mjs')).href
)) as NodeOptionsModule;

function flagMB(options: string, flag: string): number {
  const m = new RegExp(`--${flag}=(\\d+)(?!.*--${flag}=)`).exec(options);
  if (!m) throw new Error(`no --${flag} in "${options}"`);
  return Number(m[1]);
}
const oldMB = flagMB(SERVICE_HEAP_OPTIONS, 'max-old-space-size');
const semiMB = flagMB(SERVICE_HEAP_OPTIONS, 'max-semi-space-size');

/** Runs an ES module script in `node` with `NODE_OPTIONS` set to `nodeOptions`; returns its JSON output. */
async function nodeWith<T>(nodeOptions: string | undefined, script: string): Promise<T> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  if (nodeOptions !== undefined) env.NODE_OPTIONS = nodeOptions;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
  return JSON.parse(stdout) as T;
}

/**
 * Allocates with many survivors, as a busy service does, yielding to the event loop now and then;
 * prints the largest young and old generation it saw (MB) and the heap's limit.
 */
const CHURN = `
  import v8 from 'node:v8';
  import { setImmediate as tick } from 'node:timers/promises';
  const MB = 2 ** 20;
  const size = (name) => v8.getHeapSpaceStatistics().find((s) => s.space_name === name).space_size / MB;
  let young = 0;
  let old = 0;
  const keep = [];
  for (let i = 0; i < 3e6; i++) {
    keep.push({ i, s: 'x' + i });
    if (keep.length > 100000) keep.splice(0, 50000);
    if (i % 2000 === 0) {
      await tick();
      young = Math.max(young, size('new_space'));
      old = Math.max(old, size('old_space'));
    }
  }
  process.stdout.write(JSON.stringify({ young, old, limit: v8.getHeapStatistics().heap_size_limit / MB }));
`;
interface Churn {
  young: number;
  old: number;
  limit: number;
}

describe('the services heap limits', () => {
  it('are options Node accepts in NODE_OPTIONS, and the caller’s own NODE_OPTIONS come after them', async () => {
    expect(serviceNodeOptions(undefined)).toBe(SERVICE_HEAP_OPTIONS);
    expect(serviceNodeOptions('')).toBe(SERVICE_HEAP_OPTIONS);
    expect(serviceNodeOptions(' --max-old-space-size=512 ')).toBe(
      `${SERVICE_HEAP_OPTIONS} --max-old-space-size=512`,
    );
    // The heap's limit is the old generation's plus three semi-spaces (V8's young generation).
    const limit = await nodeWith<number>(
      serviceNodeOptions(''),
      `import v8 from 'node:v8'; process.stdout.write(String(v8.getHeapStatistics().heap_size_limit / 2 ** 20));`,
    );
    expect(limit).toBe(oldMB + 3 * semiMB);
    // V8 takes the last value of a repeated flag: a caller can raise a limit.
    const raised = await nodeWith<number>(
      serviceNodeOptions(`--max-old-space-size=${oldMB * 2}`),
      `import v8 from 'node:v8'; process.stdout.write(String(v8.getHeapStatistics().heap_size_limit / 2 ** 20));`,
    );
    expect(raised).toBe(2 * oldMB + 3 * semiMB);
  });

  it('hold the young generation at its cap and the old one near its live size under load', async () => {
    const capped = await nodeWith<Churn>(serviceNodeOptions(''), CHURN);
    const youngCapOnly = await nodeWith<Churn>(`--max-semi-space-size=${semiMB}`, CHURN);
    const v8Own = await nodeWith<Churn>(undefined, CHURN);
    // Two semi-spaces of at most `semiMB`; V8's own limit is two of 16 MB.
    expect(capped.young).toBeLessThanOrEqual(2 * semiMB);
    expect(capped.young).toBeGreaterThan(2);
    expect(v8Own.young).toBeGreaterThan(2 * semiMB);
    // About 10 MB stay live. With V8's own old-generation limit (~4 GB) the old generation grows to
    // ~40 MB here before a full collection; with the services' limit it stays near 20 MB.
    expect(youngCapOnly.old).toBeGreaterThan(30);
    expect(capped.old).toBeLessThan(30);
  });
});

/** Markdown files of the docs that show how to run a service. */
async function docs(): Promise<string[]> {
  const out = [join(repoRoot, 'README.md')];
  for (const dir of ['docs', 'infra']) {
    const entries = await readdir(join(repoRoot, dir), { recursive: true, withFileTypes: true });
    for (const e of entries) if (e.isFile() && e.name.endsWith('.md')) out.push(join(e.parentPath, e.name));
  }
  return out;
}

it('every doc and start script that starts a service alone gives it the same heap limits', async () => {
  const shown: string[] = [];
  for (const f of await docs()) {
    const lines = (await readFile(f, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      if (/\bnode services\/[^/\s]+\/dist\/main\.js/.test(line)) {
        shown.push(`${relative(repoRoot, f)}:${i + 1}`);
        expect(line, `${relative(repoRoot, f)}:${i + 1}`).toContain(`NODE_OPTIONS='${SERVICE_HEAP_OPTIONS}'`);
      }
    });
  }
  // The README (alone and scaling), docs/architecture.md, infra/nats/README.md.
  expect(shown.length, shown.join(', ')).toBeGreaterThanOrEqual(4);
  for (const service of ['router', 'hr-agent', 'finance-agent', 'gateway']) {
    const pkg = JSON.parse(await readFile(join(repoRoot, 'services', service, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    };
    expect(pkg.scripts.start, service).toBe(
      `NODE_OPTIONS="${SERVICE_HEAP_OPTIONS} $NODE_OPTIONS" node dist/main.js`,
    );
  }
});

/** Every source file (not built output) under `dir`. */
async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(path)));
    else if (/\.(ts|mts|js|mjs|cjs)$/.test(e.name)) out.push(path);
  }
  return out;
}

it('no code of the services, libraries, scripts or bench changes V8 flags at run time', async () => {
  const dirs = ['libs', 'services', 'scripts', 'bench'].map((d) => join(repoRoot, d));
  const files = (await Promise.all(dirs.map(sources))).flat();
  expect(files.length).toBeGreaterThan(100);
  const offenders: string[] = [];
  for (const f of files)
    if (/setFlagsFromString/.test(await readFile(f, 'utf8'))) offenders.push(relative(repoRoot, f));
  expect(offenders).toEqual([]);
});
