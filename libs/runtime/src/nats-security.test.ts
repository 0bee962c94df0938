import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connect, type NatsConnection, nkeys } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseEnv, ConfigError, loadConfig, type NatsSecurityEnv } from './config.js';
import { createLogger } from './logger.js';
import { connectNats, natsSecurityOptions, newInbox } from './nats.js';
import { Identities } from './security/identities.js';
import { passwordVariable, renderPermissionsExample } from './security/nats-config.js';
import { type SecureInitResult, secureInit } from './security/secure-init.js';
import { type NatsServer, startNatsServer } from './testing/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-nats-security-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
}

/** A logger whose JSON lines are collected. */
function collectingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: createLogger({ service: 'test', destination }), lines };
}

/** A user seed that no identity of the server has. */
const SEED = new TextDecoder().decode(nkeys.createUser().getSeed());

describe('NATS connection settings', () => {
  it('are open mode when nothing is set', () => {
    expect(natsSecurityOptions({})).toEqual({
      mode: 'open',
      summary: { auth: 'none', tls: false, inboxPrefix: '_INBOX' },
      options: {},
    });
  });

  it('read an nkey seed or a password from files, never from the environment itself', () => {
    const seed = natsSecurityOptions({
      NATS_NKEY_SEED_FILE: file('a.nk', `${SEED}\n`),
      NATS_INBOX_PREFIX: '_INBOX.router',
    });
    expect(seed.mode).toBe('secure');
    expect(seed.summary).toEqual({ auth: 'nkey', tls: false, inboxPrefix: '_INBOX.router' });
    expect(typeof seed.options.authenticator).toBe('function');
    expect(seed.options.inboxPrefix).toBe('_INBOX.router');
    const user = natsSecurityOptions({ NATS_USER: 'gateway', NATS_PASSWORD_FILE: file('pw', 's3cret\n') });
    expect(user.summary.auth).toBe('user');
    expect(JSON.stringify(user)).not.toContain('s3cret');
  });

  it('require TLS with the CA file, or for a tls:// URL', () => {
    const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\n');
    expect(natsSecurityOptions({ NATS_CA_FILE: ca }).options.tls).toEqual({ caFile: ca });
    expect(natsSecurityOptions({}, 'tls://127.0.0.1:4222').options.tls).toEqual({});
    expect(natsSecurityOptions({}, 'tls://127.0.0.1:4222').mode).toBe('secure');
  });

  it('refuse incomplete or contradictory settings, and files that cannot be read, naming the variable', () => {
    const problems = (env: Partial<NatsSecurityEnv>) => {
      try {
        natsSecurityOptions(env);
        return [];
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems;
      }
    };
    expect(problems({ NATS_USER: 'router' })).toEqual(['NATS_USER: needs NATS_PASSWORD_FILE']);
    expect(problems({ NATS_PASSWORD_FILE: '/x' })).toEqual(['NATS_PASSWORD_FILE: needs NATS_USER']);
    expect(problems({ NATS_USER: 'r', NATS_PASSWORD_FILE: '/x', NATS_NKEY_SEED_FILE: '/y' })[0]).toMatch(
      /either/,
    );
    expect(problems({ NATS_NKEY_SEED_FILE: join(dir, 'missing.nk') })[0]).toMatch(
      /^NATS_NKEY_SEED_FILE: cannot read .*ENOENT/,
    );
    expect(problems({ NATS_NKEY_SEED_FILE: file('bad.nk', 'not a seed') })[0]).toMatch(
      /does not hold a user nkey seed/,
    );
    // One character in the middle changed: the checksum no longer matches. (Not the last character:
    // its low bits are padding, so changing it may leave the same seed.)
    const broken = `${SEED.slice(0, 20)}${SEED[20] === 'A' ? 'B' : 'A'}${SEED.slice(21)}`;
    expect(problems({ NATS_NKEY_SEED_FILE: file('broken.nk', broken) })[0]).toMatch(
      /does not hold a user nkey seed/,
    );
    expect(problems({ NATS_CA_FILE: join(dir, 'missing.pem') })[0]).toMatch(/^NATS_CA_FILE: cannot read/);
    expect(problems({ NATS_USER: 'r', NATS_PASSWORD_FILE: file('empty', '\n') })[0]).toMatch(/is empty/);
  });

  it('are checked by the config: no credentials in NATS_URL, a well-formed inbox prefix', () => {
    const bad = (env: NodeJS.ProcessEnv) => {
      try {
        loadConfig(BaseEnv, env);
        return '';
      } catch (err) {
        return (err as ConfigError).problems.join('\n');
      }
    };
    expect(bad({ NATS_URL: 'nats://router:pw@127.0.0.1:4222' })).toMatch(
      /NATS_URL: must not hold credentials/,
    );
    expect(bad({ NATS_URL: 'nats://127.0.0.1:4222,tls://a:b@host:4222' })).toMatch(/NATS_URL/);
    expect(bad({ NATS_URL: 'router:pw@127.0.0.1:4222' })).toMatch(/NATS_URL/);
    expect(bad({ NATS_INBOX_PREFIX: '_INBOX.>' })).toMatch(/NATS_INBOX_PREFIX/);
    expect(bad({ NATS_INBOX_PREFIX: 'events.hr' })).toMatch(/NATS_INBOX_PREFIX/);
    expect(bad({ NATS_USER: 'router' })).toMatch(/NATS_USER: needs NATS_PASSWORD_FILE/);
    expect(
      bad({ NATS_URL: 'tls://127.0.0.1:4222,nats://10.0.0.2:4222', NATS_INBOX_PREFIX: '_INBOX.hr-agent' }),
    ).toBe('');
  });
});

describe('connecting with the generated identities (TLS and nkeys)', () => {
  let server: NatsServer;
  let init: SecureInitResult;
  const envOf = (identity: string): Partial<NatsSecurityEnv> => ({
    NATS_NKEY_SEED_FILE: init.identities[identity]!.seedFile,
    NATS_CA_FILE: init.tls.caFile,
    NATS_INBOX_PREFIX: Identities[identity]!.inboxPrefix,
  });
  const url = () => `tls://127.0.0.1:${server.port}`;
  const open: NatsConnection[] = [];

  beforeAll(async () => {
    init = await secureInit({ dir: join(dir, 'secure') });
    server = await startNatsServer({ configFile: init.natsConf, jetstream: false });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close()));
    await server?.stop();
  });

  it('connects as a service, logs what it uses and no warning, and makes inboxes under its prefix', async () => {
    const { log, lines } = collectingLogger();
    const nc = await connectNats({
      url: url(),
      service: 'gateway',
      instance: 't1',
      log,
      security: envOf('gateway'),
    });
    open.push(nc);
    expect(lines.map((l) => l.msg)).toEqual(['connected to NATS']);
    expect(lines[0]).toMatchObject({ auth: 'nkey', tls: true, inboxPrefix: '_INBOX.gateway' });
    expect(JSON.stringify(lines)).not.toContain(
      readFileSync(init.identities.gateway!.seedFile, 'utf8').trim(),
    );
    expect(newInbox(nc)).toMatch(/^_INBOX\.gateway\.[A-Za-z0-9]+$/);
    // Its requests work: the inbox is its own, agents.ask is allowed (nobody serves it here).
    await expect(nc.request('agents.ask', 'hi', { timeout: 2000 })).rejects.toThrow(/no responders|503/i);
  });

  it('is refused without credentials, with another identity seed, or without trusting the CA', async () => {
    const tryConnect = (env: Partial<NatsSecurityEnv>) =>
      connect({
        ...natsSecurityOptions(env, url()).options,
        servers: url(),
        maxReconnectAttempts: 0,
        timeout: 3000,
      }).then(
        async (nc) => {
          await nc.close();
          return 'connected';
        },
        (err: Error) => `${err.name}: ${err.message}`,
      );
    expect(await tryConnect({ NATS_CA_FILE: init.tls.caFile })).toMatch(/Authorization/i);
    expect(
      await tryConnect({ NATS_NKEY_SEED_FILE: file('other.nk', SEED), NATS_CA_FILE: init.tls.caFile }),
    ).toMatch(/Authorization/i);
    const { NATS_CA_FILE: _, ...noCa } = envOf('client');
    expect(await tryConnect(noCa)).toMatch(/certificate|self.signed|unable to verify/i);
    // Without TLS at all the server does not talk to it.
    expect(
      await connect({ servers: `127.0.0.1:${server.port}`, maxReconnectAttempts: 0, timeout: 3000 }).then(
        () => 'connected',
        (err: Error) => err.message,
      ),
    ).not.toBe('connected');
  });
});

describe('infra/nats/permissions.conf (users with passwords)', () => {
  let server: NatsServer;
  let passwords: Record<string, string>;

  beforeAll(async () => {
    passwords = Object.fromEntries(Object.keys(Identities).map((id) => [id, `pw-${id}-${Math.random()}`]));
    const conf = file('permissions.conf', renderPermissionsExample());
    const env: Record<string, string> = {};
    for (const [id, pw] of Object.entries(passwords)) env[passwordVariable(id)] = pw;
    Object.assign(process.env, env);
    try {
      server = await startNatsServer({ configFile: conf, jetstream: false });
    } finally {
      for (const k of Object.keys(env)) delete process.env[k];
    }
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('lets a user with its password file in, allowed what its identity is and nothing more', async () => {
    const { log } = collectingLogger();
    const nc = await connectNats({
      url: server.url,
      service: 'client',
      instance: 't',
      log,
      security: {
        NATS_USER: 'client',
        NATS_PASSWORD_FILE: file('client.pw', passwords.client!),
        NATS_INBOX_PREFIX: '_INBOX.client',
      },
    });
    try {
      await expect(nc.request('agents.ask', 'hi', { timeout: 2000 })).rejects.toThrow(/no responders|503/i);
      await expect(nc.request('tasks.hr', '{}', { timeout: 2000 })).rejects.toThrow(/permissions violation/i);
    } finally {
      await nc.close();
    }
    const wrong = await connect({
      ...natsSecurityOptions({ NATS_USER: 'client', NATS_PASSWORD_FILE: file('wrong.pw', 'nope') }).options,
      servers: server.url,
      maxReconnectAttempts: 0,
    }).then(
      () => 'connected',
      (err: Error) => err.name,
    );
    expect(wrong).toMatch(/Authorization/i);
  });
});

describe('open mode', () => {
  it('warns once that the service connects unauthenticated', async () => {
    const server = await startNatsServer({ jetstream: false });
    const { log, lines } = collectingLogger();
    const nc = await connectNats({ url: server.url, service: 'router', instance: 't', log });
    try {
      const warnings = lines.filter((l) => /unauthenticated/.test(String(l.msg)));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: 40 });
      expect(lines.find((l) => l.msg === 'connected to NATS')).toMatchObject({ auth: 'none', tls: false });
    } finally {
      await nc.close();
      await server.stop();
    }
  });
});
