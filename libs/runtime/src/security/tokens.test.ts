import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSwitchboardError } from '@switchboard/contracts';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import {
  bearerToken,
  createTokenVerifier,
  generateTokenKeys,
  issueDemoTokens,
  issueToken,
  publicKeyOf,
  readTokenVerifier,
  TOKEN_PUBLIC_KEY_ENV,
  TokenFiles,
  type TokenVerifier,
} from './tokens.js';

const keys = generateTokenKeys();
const other = generateTokenKeys();
let verifier: TokenVerifier;
let dir: string;

beforeAll(async () => {
  verifier = await createTokenVerifier(keys.publicKeyPem);
  dir = await mkdtemp(join(tmpdir(), 'switchboard-tokens-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const claims = (over: Record<string, unknown> = {}) => ({
  sub: 'alice',
  iss: 'switchboard',
  aud: 'switchboard',
  iat: now(),
  exp: now() + 600,
  ...over,
});

/** A token signed with `keyPem` (Ed25519) carrying exactly `payload`, built without our issuer. */
async function signRaw(payload: Record<string, unknown>, keyPem = keys.signingKeyPem): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .sign(await importPKCS8(keyPem, 'EdDSA'));
}

/** The `unauthorized` message `verify` refuses `authorization` with (fails when it accepts it). */
async function refusal(authorization: string | undefined): Promise<string> {
  const err = await verifier.verify(authorization).then(
    (user) => new Error(`accepted as ${user.userId}`),
    (e: unknown) => e,
  );
  expect(isSwitchboardError(err) && err.code).toBe('unauthorized');
  // The refusal never echoes the token.
  const token = authorization?.split(' ')[1];
  if (token) expect((err as Error).message).not.toContain(token);
  return (err as Error).message;
}

describe('issued tokens', () => {
  it('verify as their user, with or without the scheme in capitals', async () => {
    const token = await issueToken(keys.signingKeyPem, 'alice');
    expect(await verifier.verify(`Bearer ${token}`)).toEqual({ userId: 'alice' });
    expect(await verifier.verify(`bearer ${token}`)).toEqual({ userId: 'alice' });
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toEqual({ alg: 'EdDSA', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: 'alice', iss: 'switchboard', aud: 'switchboard' });
    expect(payload.exp - payload.iat).toBe(30 * 24 * 60 * 60);
    expect(payload.jti).toMatch(/^[0-9a-f]{32}$/);
  });

  it('are refused for a user id that is not valid', async () => {
    await expect(issueToken(keys.signingKeyPem, 'dave smith')).rejects.toThrow();
  });
});

describe('a token verifier refuses', () => {
  it('a request without an Authorization header', async () => {
    expect(await refusal(undefined)).toMatch(/send Authorization: Bearer/);
    expect(await refusal('')).toMatch(/send Authorization: Bearer/);
  });

  it.each([
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['no token', 'Bearer '],
    ['something that is not a JWT (an API key)', 'Bearer sk-live-0123456789'],
    ['two tokens', 'Bearer a.b.c d.e.f'],
  ])('%s', async (_label, value) => {
    expect(await refusal(value)).toMatch(/not Bearer <token>/);
  });

  it('a value longer than 4096 characters, before parsing it', async () => {
    const token = await issueToken(keys.signingKeyPem, 'alice');
    expect(await refusal(`Bearer ${token}${' '.repeat(4100)}`)).toMatch(/not Bearer <token>/);
  });

  it('a token signed with another key', async () => {
    const token = await issueToken(other.signingKeyPem, 'alice');
    expect(await refusal(`Bearer ${token}`)).toBe('the token is not valid');
  });

  it('a token whose user was changed after signing', async () => {
    const [h, , s] = (await issueToken(keys.signingKeyPem, 'alice')).split('.');
    const forged = `${h}.${b64(claims({ sub: 'bob' }))}.${s}`;
    expect(await refusal(`Bearer ${forged}`)).toBe('the token is not valid');
  });

  it('an unsigned token (alg none)', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}`;
    expect(await refusal(`Bearer ${unsigned}.`)).toMatch(/not Bearer <token>/);
    expect(await refusal(`Bearer ${unsigned}.AAAA`)).toBe('the token is not valid');
  });

  it('a token signed with HMAC using the public key as the secret (algorithm confusion)', async () => {
    const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims())}`;
    const mac = createHmac('sha256', keys.publicKeyPem).update(head).digest('base64url');
    expect(await refusal(`Bearer ${head}.${mac}`)).toBe('the token is not valid');
  });

  it('an expired token, saying so', async () => {
    const token = await issueToken(keys.signingKeyPem, 'alice', {
      issuedAt: now() - 7200,
      lifetimeSec: 3600,
    });
    expect(await refusal(`Bearer ${token}`)).toBe('the token has expired');
  });

  it.each([
    ['without an expiry', claims({ exp: undefined })],
    ['without a user', claims({ sub: undefined })],
    ['without an issue time', claims({ iat: undefined })],
    ['from another issuer', claims({ iss: 'someone-else' })],
    ['for another audience', claims({ aud: 'another-service' })],
  ])('a token %s', async (_label, payload) => {
    const token = await signRaw(JSON.parse(JSON.stringify(payload)));
    expect(await refusal(`Bearer ${token}`)).toBe('the token is not valid');
  });

  it('a token whose user is not a valid user id', async () => {
    const token = await signRaw(claims({ sub: 'alice smith' }));
    expect(await refusal(`Bearer ${token}`)).toBe('the token names no valid user');
  });
});

describe('a remembered token', () => {
  it('is refused once it expires, though verified before', async () => {
    let clock = Date.now();
    const timed = await createTokenVerifier(keys.publicKeyPem, { now: () => clock });
    const token = await issueToken(keys.signingKeyPem, 'alice', { lifetimeSec: 60 });
    expect(await timed.verify(`Bearer ${token}`)).toEqual({ userId: 'alice' });
    clock += 60_000;
    // Within the 30 s of clock tolerance: still accepted.
    expect(await timed.verify(`Bearer ${token}`)).toEqual({ userId: 'alice' });
    clock += 31_000;
    const err = await timed.verify(`Bearer ${token}`).catch((e: unknown) => e);
    expect(isSwitchboardError(err) && err.code).toBe('unauthorized');
    expect((err as Error).message).toBe('the token has expired');
  });

  it('is checked the same way when nothing is remembered', async () => {
    const uncached = await createTokenVerifier(keys.publicKeyPem, { cacheSize: 0 });
    const token = await issueToken(keys.signingKeyPem, 'bob');
    for (let i = 0; i < 3; i++) expect(await uncached.verify(`Bearer ${token}`)).toEqual({ userId: 'bob' });
    const forged = `${token.slice(0, -4)}AAAA`;
    await expect(uncached.verify(`Bearer ${forged}`)).rejects.toThrow('the token is not valid');
  });
});

describe('bearerToken', () => {
  it('takes only a bearer value shaped like a signed token', () => {
    expect(bearerToken('Bearer aa.bb.cc')).toBe('aa.bb.cc');
    expect(bearerToken('Bearer my-api-key')).toBeUndefined();
    expect(bearerToken('Token aa.bb.cc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('createTokenVerifier', () => {
  it('refuses a key that is not an Ed25519 public key', async () => {
    const rsa = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await expect(createTokenVerifier(rsa.publicKey)).rejects.toThrow(/not an Ed25519 public key/);
    await expect(createTokenVerifier('not a key')).rejects.toThrow(/not an Ed25519 public key/);
    await expect(createTokenVerifier(keys.signingKeyPem)).rejects.toThrow(/not an Ed25519 public key/);
  });
});

describe('issueDemoTokens', () => {
  it('writes the signing key and tokens for alice, bob and carol (0600) and the public key', async () => {
    const out = await issueDemoTokens(dir);
    expect(out.signingKeyFile).toBe(join(dir, TokenFiles.signingKey));
    expect(out.publicKeyFile).toBe(join(dir, TokenFiles.publicKey));
    expect(out.env).toEqual({ [TOKEN_PUBLIC_KEY_ENV]: out.publicKeyFile });
    expect(Object.keys(out.tokenFiles)).toEqual(['alice', 'bob', 'carol']);
    expect((await stat(out.signingKeyFile)).mode & 0o777).toBe(0o600);
    const pub = await readFile(out.publicKeyFile, 'utf8');
    expect(pub).toBe(publicKeyOf(await readFile(out.signingKeyFile, 'utf8')));
    const fromFile = await readTokenVerifier(out.publicKeyFile);
    for (const [user, file] of Object.entries(out.tokenFiles)) {
      expect(file).toBe(join(dir, `${user}.token`));
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const token = (await readFile(file, 'utf8')).trim();
      expect(await fromFile?.verify(`Bearer ${token}`)).toEqual({ userId: user });
    }
  });

  it('keeps the signing key when run again: earlier tokens stay valid', async () => {
    const first = await issueDemoTokens(dir, { users: ['alice'] });
    const key = await readFile(first.signingKeyFile, 'utf8');
    const earlier = (await readFile(first.tokenFiles.alice!, 'utf8')).trim();
    const again = await issueDemoTokens(dir, { users: ['alice', 'dave'] });
    expect(await readFile(again.signingKeyFile, 'utf8')).toBe(key);
    const fromFile = await readTokenVerifier(again.publicKeyFile);
    expect(await fromFile?.verify(`Bearer ${earlier}`)).toEqual({ userId: 'alice' });
    const dave = (await readFile(again.tokenFiles.dave!, 'utf8')).trim();
    expect(await fromFile?.verify(`Bearer ${dave}`)).toEqual({ userId: 'dave' });
  });
});

describe('issueDemoTokens with newKey', () => {
  it('replaces the signing key: tokens issued before are refused', async () => {
    const first = await issueDemoTokens(dir, { users: ['alice'] });
    const earlier = (await readFile(first.tokenFiles.alice!, 'utf8')).trim();
    const key = await readFile(first.signingKeyFile, 'utf8');
    const again = await issueDemoTokens(dir, { users: ['alice'], newKey: true });
    expect(await readFile(again.signingKeyFile, 'utf8')).not.toBe(key);
    expect((await stat(again.signingKeyFile)).mode & 0o777).toBe(0o600);
    const fromFile = await readTokenVerifier(again.publicKeyFile);
    await expect(fromFile!.verify(`Bearer ${earlier}`)).rejects.toThrow('the token is not valid');
    const fresh = (await readFile(again.tokenFiles.alice!, 'utf8')).trim();
    expect(await fromFile!.verify(`Bearer ${fresh}`)).toEqual({ userId: 'alice' });
  });
});

describe('readTokenVerifier', () => {
  it('is undefined without a file (open mode)', async () => {
    expect(await readTokenVerifier(undefined)).toBeUndefined();
  });

  it('is a configuration error for a missing file or one without a public key', async () => {
    const missing = join(dir, 'absent.pub');
    const err = await readTokenVerifier(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems[0]).toContain(`${TOKEN_PUBLIC_KEY_ENV}: cannot read ${missing}`);
    const junk = join(dir, 'junk.pub');
    await writeFile(junk, 'hello');
    const bad = await readTokenVerifier(junk).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ConfigError);
    expect((bad as ConfigError).problems[0]).toMatch(/not an Ed25519 public key/);
  });
});
