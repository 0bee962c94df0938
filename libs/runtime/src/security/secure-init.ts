import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nkeys } from '@nats-io/nats-core';
import { DeployedAgents } from '../provision.js';
import { agentIdentity, type Identity, identities } from './identities.js';
import { renderAuthorization, renderTls, type TlsFiles } from './nats-config.js';
import { writePrivate } from './private-file.js';
import { type DemoTokenFiles, issueDemoTokens } from './tokens.js';

/**
 * `npm run secure:init -- <dir>`: everything a deployment needs to run with NATS identities and
 * TLS, written into one directory (mode 0700):
 *
 * - `nats.conf`: the server's `authorization` block (one nkey user per identity of
 *   `identities.ts`, with its permissions) and its `tls` block; include it in a server config.
 * - `server.conf`: a whole single-server config (loopback, JetStream) that includes `nats.conf`.
 * - `ca.pem`, `server-cert.pem`, `server-key.pem` (0600): a CA made for this directory (its key is
 *   thrown away once the server certificate is signed) and the server's certificate for
 *   `localhost`, `127.0.0.1` and `::1` (and any `hosts` given).
 * - `<identity>.nk` (0600): each identity's nkey seed (one per service, `client`, `admin`, and
 *   `client-<user>` per demo user). `<identity>.env`: the variables a service or the CLI loads (`NATS_URL`, `NATS_NKEY_SEED_FILE`, `NATS_CA_FILE`, `NATS_INBOX_PREFIX`, and for
 *   the services `SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE` and `SWITCHBOARD_PROVISION=external`).
 * - the token files of `issueDemoTokens`: signing key, public key, `alice.token`, ...
 */
export interface SecureInitOptions {
  dir: string;
  /** The client port written into `server.conf` and the env files' `NATS_URL` (default 4222). */
  port?: number;
  /** More names or addresses the server certificate is valid for. */
  hosts?: readonly string[];
  /** Replace an earlier run's files (every key and certificate is new; tokens are re-issued). */
  force?: boolean;
  /** Agent types (default: the deployment's, `DeployedAgents`). */
  agents?: readonly string[];
  /** Validity of the certificates, days (default 825). */
  days?: number;
}

/** What {@link secureInit} wrote: absolute paths. */
export interface SecureInitResult {
  dir: string;
  natsConf: string;
  serverConf: string;
  tls: TlsFiles;
  /** Per identity: its seed file, its env file and its public nkey. */
  identities: Record<string, { seedFile: string; envFile: string; publicKey: string }>;
  tokens: DemoTokenFiles;
}

/** The services, which verify tokens and leave provisioning to `admin`. */
function isService(identity: string, agents: readonly string[]): boolean {
  return identity === 'router' || identity === 'gateway' || agents.some((a) => agentIdentity(a) === identity);
}

/** `KEY=value` lines; a value with other characters than a path's is double-quoted. */
export function renderEnvFile(comment: readonly string[], vars: Readonly<Record<string, string>>): string {
  const value = (v: string) => {
    if (/^[A-Za-z0-9_./:@,+-]*$/.test(v)) return v;
    if (/["\\\n$`]/.test(v)) throw new Error(`cannot write ${JSON.stringify(v)} into an env file`);
    return `"${v}"`;
  };
  return [
    ...comment.map((c) => `# ${c}`),
    ...Object.entries(vars).map(([k, v]) => `${k}=${value(v)}`),
    '',
  ].join('\n');
}

function openssl(args: readonly string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(missing ? 'openssl not found: install it (apt-get install openssl)' : r.error.message);
  }
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed:\n${r.stderr}`);
}

/**
 * A CA and a server certificate signed by it (EC P-256), made with the `openssl` CLI in a private
 * temporary directory. The CA's key is deleted afterwards: nobody can sign another certificate
 * this deployment's clients would trust; running `secure:init` again makes a new CA.
 */
async function makeCertificates(dir: string, hosts: readonly string[], days: number): Promise<TlsFiles> {
  const work = await mkdtemp(join(tmpdir(), 'switchboard-ca-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl(
      [
        'req',
        '-x509',
        ...ec,
        '-keyout',
        'ca-key.pem',
        '-out',
        'ca.pem',
        '-days',
        String(days),
        '-sha256',
        '-subj',
        '/CN=Switchboard secure:init CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      work,
    );
    openssl(
      ['req', ...ec, '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=localhost'],
      work,
    );
    const names = ['DNS:localhost', 'IP:127.0.0.1', 'IP:::1'];
    for (const h of hosts) names.push(/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`);
    const ext = [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${names.join(',')}`,
    ].join('\n');
    await writeFile(join(work, 'server.ext'), `${ext}\n`);
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca-key.pem',
        '-set_serial',
        `0x${randomBytes(16).toString('hex')}`,
        '-out',
        'server-cert.pem',
        '-days',
        String(days),
        '-sha256',
        '-extfile',
        'server.ext',
      ],
      work,
    );
    const files: TlsFiles = {
      caFile: join(dir, 'ca.pem'),
      certFile: join(dir, 'server-cert.pem'),
      keyFile: join(dir, 'server-key.pem'),
    };
    await writeFile(files.caFile, await readFile(join(work, 'ca.pem')), { mode: 0o644 });
    await writeFile(files.certFile, await readFile(join(work, 'server-cert.pem')), { mode: 0o644 });
    await writePrivate(files.keyFile, await readFile(join(work, 'server-key.pem'), 'utf8'));
    return files;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A new nkey user: its seed written to `<identity>.nk` (0600), its public key returned. */
async function makeNkey(file: string): Promise<string> {
  const kp = nkeys.createUser();
  await writePrivate(file, `${new TextDecoder().decode(kp.getSeed())}\n`);
  const pub = kp.getPublicKey();
  kp.clear();
  return pub;
}

function envOf(
  id: Identity,
  files: { seedFile: string; caFile: string; publicKeyFile: string },
  opts: { port: number; service: boolean },
): Record<string, string> {
  return {
    NATS_URL: `tls://127.0.0.1:${opts.port}`,
    NATS_NKEY_SEED_FILE: files.seedFile,
    NATS_CA_FILE: files.caFile,
    NATS_INBOX_PREFIX: id.inboxPrefix,
    ...(opts.service
      ? { SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE: files.publicKeyFile, SWITCHBOARD_PROVISION: 'external' }
      : {}),
  };
}

/** Writes the files of `npm run secure:init` (see {@link SecureInitOptions}). */
export async function secureInit(opts: SecureInitOptions): Promise<SecureInitResult> {
  const dir = resolve(opts.dir);
  const natsConf = join(dir, 'nats.conf');
  if (existsSync(natsConf) && !opts.force) {
    throw new Error(`${natsConf} exists: pass --force to replace every key and certificate in ${dir}`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const port = opts.port ?? 4222;
  const agents = opts.agents ?? DeployedAgents;
  const tls = await makeCertificates(dir, opts.hosts ?? [], opts.days ?? 825);
  // `force` means new keys everywhere: the token signing key too (old tokens stop working).
  const tokens = await issueDemoTokens(dir, { newKey: opts.force === true });
  // Each user with a token gets a client identity of their own (`client-alice`): their own inboxes.
  const table = identities(agents, Object.keys(tokens.tokenFiles));
  const result: SecureInitResult['identities'] = {};
  const users = [];
  for (const id of Object.values(table)) {
    const seedFile = join(dir, `${id.name}.nk`);
    const envFile = join(dir, `${id.name}.env`);
    const publicKey = await makeNkey(seedFile);
    users.push({ identity: id, auth: { nkey: publicKey } });
    const service = isService(id.name, agents);
    const env = envOf(
      id,
      { seedFile, caFile: tls.caFile, publicKeyFile: tokens.publicKeyFile },
      { port, service },
    );
    const comment = [
      `Switchboard NATS identity "${id.name}": ${id.description}.`,
      'Written by npm run secure:init. Load it into the environment of the process that runs as this',
      `identity, e.g. set -a; . ${envFile}; set +a`,
    ];
    await writeFile(envFile, renderEnvFile(comment, env), { mode: 0o644 });
    result[id.name] = { seedFile, envFile, publicKey };
  }
  const header = [
    '# Written by npm run secure:init: the NATS identities of Switchboard (nkey users with the',
    '# permissions of libs/runtime/src/security/identities.ts) and TLS. Include it in a nats-server',
    '# configuration (`include ./nats.conf`), or start a server with server.conf.',
    '',
  ].join('\n');
  await writeFile(natsConf, `${header}${renderAuthorization(users)}\n${renderTls(tls)}`, { mode: 0o600 });
  const serverConf = join(dir, 'server.conf');
  const server = [
    '# Written by npm run secure:init: one nats-server with JetStream, loopback only, TLS and the',
    `# Switchboard identities:  nats-server -c ${serverConf}`,
    'server_name: switchboard-secure',
    `listen: 127.0.0.1:${port}`,
    'max_payload: 1MB',
    'jetstream {',
    `  store_dir: ${JSON.stringify(join(dir, 'jetstream'))}`,
    '}',
    'include ./nats.conf',
    '',
  ].join('\n');
  await writeFile(serverConf, server, { mode: 0o600 });
  return { dir, natsConf, serverConf, tls, identities: result, tokens };
}
