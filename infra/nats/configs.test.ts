import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IdentityNames, passwordVariable, renderPermissionsExample } from '@switchboard/runtime';
import { describe, expect, it } from 'vitest';

// `nats-server -t` parses a configuration and exits without starting: 0 and "is valid" when it
// parses. A missing nats-server fails the test (the whole suite needs it anyway).
const here = fileURLToPath(new URL('.', import.meta.url));

const configs = [
  'single.conf',
  'cluster/node-1.conf',
  'cluster/node-2.conf',
  'cluster/node-3.conf',
  'permissions.conf',
];

/** permissions.conf reads its passwords from the environment; the check needs them set. */
const passwords = Object.fromEntries(IdentityNames.map((id) => [passwordVariable(id), `test-${id}`]));

/** Runs `nats-server -t -c <file>`; returns its exit status and everything it printed. */
function checkConfig(file: string, env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const r = spawnSync('nats-server', ['-t', '-c', file], {
    cwd: here,
    env,
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new Error('nats-server not found on PATH (Debian: apt-get install nats-server)');
    throw r.error;
  }
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('infra/nats configurations', () => {
  for (const file of configs) {
    it(`${file} is a valid nats-server configuration`, () => {
      const r = checkConfig(file, { ...process.env, ...passwords });
      expect(r, r.output).toMatchObject({ status: 0 });
      expect(r.output).toContain(`configuration file ${file} is valid`);
    });
  }

  it('permissions.conf is generated from the identity table (npm run secure:init -- --example)', () => {
    const file = readFileSync(new URL('./permissions.conf', import.meta.url), 'utf8');
    expect(file, 'out of date: run npm run secure:init -- --example').toBe(renderPermissionsExample());
    for (const id of IdentityNames) expect(file).toContain(`user: ${id}\n`);
  });

  it('permissions.conf refuses to load without its passwords', () => {
    const env = { ...process.env };
    for (const k of Object.keys(passwords)) delete env[k];
    const r = checkConfig('permissions.conf', env);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/SWITCHBOARD_ROUTER_PASSWORD/);
  });

  it('cluster nodes differ in name, ports and store, and route to each other', () => {
    const nodes = [1, 2, 3].map((n) =>
      readFileSync(new URL(`./cluster/node-${n}.conf`, import.meta.url), 'utf8'),
    );
    const field = (text: string, re: RegExp) => re.exec(text)?.[1];
    for (const re of [
      /^server_name:\s*(\S+)/m,
      /^listen:\s*(\S+)/m,
      /^http:\s*(\S+)/m,
      /store_dir:\s*"([^"]+)"/m,
    ]) {
      const values = nodes.map((t) => field(t, re));
      expect(values.every(Boolean), String(re)).toBe(true);
      expect(new Set(values).size, String(re)).toBe(3);
    }
    const clusterListen = nodes.map((t) => field(t, /cluster\s*\{[^}]*?listen:\s*(\S+)/s));
    for (const t of nodes) {
      for (const addr of clusterListen) expect(t).toContain(`nats-route://${addr}`);
    }
  });
});
