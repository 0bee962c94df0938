import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { nkeys } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNatsServer } from '../testing/nats-server.js';
import { IdentityNames } from './identities.js';
import { renderEnvFile, type SecureInitResult, secureInit } from './secure-init.js';

let root: string;
let dir: string;
let r: SecureInitResult;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'switchboard-secure-init-'));
  dir = join(root, 'secure');
  r = await secureInit({ dir, port: 4333, hosts: ['nats.internal'] });
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mode = (file: string) => statSync(file).mode & 0o777;

describe('secureInit', () => {
  it('writes a seed (0600) and an env file per identity, in a directory only its owner can read', () => {
    expect(mode(dir)).toBe(0o700);
    expect(Object.keys(r.identities)).toEqual([...IdentityNames]);
    for (const [name, files] of Object.entries(r.identities)) {
      expect(mode(files.seedFile)).toBe(0o600);
      const seed = readFileSync(files.seedFile, 'utf8').trim();
      expect(seed).toMatch(/^SU[A-Z2-7]{56}$/);
      // The seed belongs to the public key the server config names.
      expect(nkeys.fromSeed(new TextEncoder().encode(seed)).getPublicKey()).toBe(files.publicKey);
      const env = parseEnv(readFileSync(files.envFile, 'utf8')) as Record<string, string>;
      const service = ['router', 'hr-agent', 'finance-agent', 'gateway'].includes(name);
      expect(env).toEqual({
        NATS_URL: 'tls://127.0.0.1:4333',
        NATS_NKEY_SEED_FILE: files.seedFile,
        NATS_CA_FILE: r.tls.caFile,
        NATS_INBOX_PREFIX: `_INBOX.${name}`,
        ...(service
          ? { SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE: r.tokens.publicKeyFile, SWITCHBOARD_PROVISION: 'external' }
          : {}),
      });
      // Paths only: no secret in an env file.
      expect(readFileSync(files.envFile, 'utf8')).not.toContain(seed);
    }
    expect(mode(r.tls.keyFile)).toBe(0o600);
    expect(Object.keys(r.tokens.tokenFiles).sort()).toEqual(['alice', 'bob', 'carol']);
  });

  it('writes a client identity per user with a token, with its own inbox prefix', () => {
    for (const user of Object.keys(r.tokens.tokenFiles)) {
      const files = r.identities[`client-${user}`];
      expect(files, user).toBeDefined();
      expect(files!.seedFile).toBe(join(dir, `client-${user}.nk`));
      expect(files!.envFile).toBe(join(dir, `client-${user}.env`));
      const env = parseEnv(readFileSync(files!.envFile, 'utf8')) as Record<string, string>;
      expect(env.NATS_INBOX_PREFIX).toBe(`_INBOX.client-${user}`);
      expect(env.SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE).toBeUndefined();
    }
    const conf = readFileSync(r.natsConf, 'utf8');
    const alice = conf.slice(conf.indexOf(`nkey: ${r.identities['client-alice']!.publicKey}`));
    const from = alice.indexOf('subscribe:');
    const aliceSubscribe = alice.slice(from, alice.indexOf(']', from));
    expect(aliceSubscribe).toContain('"_INBOX.client-alice.>"');
    expect(aliceSubscribe).not.toMatch(/_INBOX\.(client|client-bob|client-carol)\./);
  });

  it('writes a nats.conf with every identity as an nkey user, and TLS, that nats-server accepts', () => {
    const conf = readFileSync(r.natsConf, 'utf8');
    for (const files of Object.values(r.identities)) expect(conf).toContain(`nkey: ${files.publicKey}`);
    expect(conf).toContain(`ca_file: "${r.tls.caFile}"`);
    expect(conf).not.toMatch(/SU[A-Z2-7]{56}/);
    const bin = findNatsServer();
    if (!bin) throw new Error('nats-server not found');
    for (const file of [r.natsConf, r.serverConf]) {
      const t = spawnSync(bin, ['-t', '-c', file], { encoding: 'utf8' });
      expect(t.status, `${t.stdout}${t.stderr}`).toBe(0);
    }
  });

  it('makes a server certificate for loopback and the given hosts, signed by a CA whose key is gone', () => {
    const v = spawnSync('openssl', ['verify', '-CAfile', r.tls.caFile, r.tls.certFile], { encoding: 'utf8' });
    expect(v.status, v.stderr).toBe(0);
    const text = spawnSync('openssl', ['x509', '-in', r.tls.certFile, '-noout', '-text'], {
      encoding: 'utf8',
    }).stdout;
    expect(text).toMatch(/DNS:localhost/);
    expect(text).toMatch(/IP Address:127\.0\.0\.1/);
    expect(text).toMatch(/DNS:nats\.internal/);
    expect(text).toMatch(/TLS Web Server Authentication/);
    const files = readdirSync(dir).join(' ');
    expect(files).not.toMatch(/ca-key|\.csr|\.srl/);
  });

  it('refuses to overwrite an earlier run without force, and replaces every key with it', async () => {
    await expect(secureInit({ dir })).rejects.toThrow(/--force/);
    const again = await secureInit({ dir, force: true });
    for (const name of IdentityNames) {
      expect(again.identities[name]!.publicKey).not.toBe(r.identities[name]!.publicKey);
    }
    r = again;
  });
});

describe('renderEnvFile', () => {
  it('quotes values with spaces and refuses what a shell or dotenv would read differently', () => {
    expect(renderEnvFile(['c'], { A: '/x/y.nk', B: '/with space/f' })).toBe(
      '# c\nA=/x/y.nk\nB="/with space/f"\n',
    );
    expect(() => renderEnvFile([], { A: 'a"b' })).toThrow();
    expect(() => renderEnvFile([], { A: '$HOME x' })).toThrow();
  });
});
