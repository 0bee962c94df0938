import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SwitchboardError, UserId } from '@switchboard/contracts';
import { errors, importPKCS8, importSPKI, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { ConfigError, type NatsSecurityEnv } from '../config.js';
import { newSecretId } from '../ids.js';
import type { Logger } from '../logger.js';
import { natsSecurityOptions } from '../nats.js';
import { writePrivate } from './private-file.js';

/**
 * Callers prove who they are with a signed token: a JWT signed with Ed25519 (`alg: EdDSA`) whose
 * subject (`sub`) is the user id. Whoever holds the signing key issues tokens (`npm run
 * secure:init` issues demo tokens for alice, bob and carol); the services hold only the public key
 * (`SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE`) and verify. Over NATS the token travels in the request
 * header `Authorization: Bearer <token>`; over HTTP it is the bearer token.
 */
export const TokenSettings = {
  algorithm: 'EdDSA',
  issuer: 'switchboard',
  audience: 'switchboard',
  /** Clock difference between the issuer and a service that is still accepted, in seconds. */
  clockToleranceSec: 30,
  /** A longer `Authorization` value is refused before any parsing. */
  maxTokenChars: 4096,
  /** The users `npm run secure:init` issues demo tokens for. */
  demoUsers: ['alice', 'bob', 'carol'],
  /** How long a demo token is valid, in seconds: 30 days. */
  demoLifetimeSec: 30 * 24 * 60 * 60,
} as const;

/** The file names `issueDemoTokens` writes into its directory. */
export const TokenFiles = {
  /** The Ed25519 private key that signs tokens (PKCS#8 PEM, mode 0600). Services never need it. */
  signingKey: 'token-signing.key',
  /** The public key services verify with (SPKI PEM): point `SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE` here. */
  publicKey: 'token-verify.pub',
  /** One user's token (mode 0600). */
  token: (userId: string) => `${userId}.token`,
} as const;

/** The environment variable naming the token public key file; set, every caller must show a token. */
export const TOKEN_PUBLIC_KEY_ENV = 'SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE';

/** A caller whose token was verified. */
export interface VerifiedUser {
  userId: string;
}

/** Checks tokens; built once per service from the public key. */
export interface TokenVerifier {
  /**
   * Verifies an `Authorization` header value (`Bearer <token>`) and returns the token's user.
   * Throws `SwitchboardError('unauthorized')` when it is missing, malformed, not signed by the
   * signing key, expired, or not for Switchboard. Never logs or echoes the token.
   */
  verify(authorization: string | undefined): Promise<VerifiedUser>;
}

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+) *$/i;

/** The token of a `Bearer <token>` value that has the shape of a signed JWT, or `undefined`. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization || authorization.length > TokenSettings.maxTokenChars) return undefined;
  return BEARER.exec(authorization)?.[1];
}

const unauthorized = (message: string) => new SwitchboardError('unauthorized', message);

/** Options of {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  /** The clock, epoch ms (default `Date.now`): tests move it to see tokens expire. */
  now?: () => number;
  /** Verified tokens remembered until they expire (default 1024; 0: none). */
  cacheSize?: number;
}

/**
 * A verifier for tokens signed by the private half of `publicKeyPem` (an Ed25519 public key, SPKI
 * PEM). Only `EdDSA` is accepted (no `none`, no HMAC with the public key as secret); `sub`, `exp`
 * and `iat` are required, `iss` and `aud` must be `switchboard`. A signature check costs about
 * 250 µs, so the last `cacheSize` verified tokens are remembered with their user and expiry: a
 * caller's next request with the same token is a map look-up, and still refused once it expires.
 */
export async function createTokenVerifier(
  publicKeyPem: string,
  opts: TokenVerifierOptions = {},
): Promise<TokenVerifier> {
  let key: Awaited<ReturnType<typeof importSPKI>>;
  try {
    if (createPublicKey(publicKeyPem).asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
    key = await importSPKI(publicKeyPem, TokenSettings.algorithm);
  } catch (err) {
    throw new Error('the token public key is not an Ed25519 public key in PEM (SPKI)', { cause: err });
  }
  const now = opts.now ?? Date.now;
  const cacheSize = opts.cacheSize ?? 1024;
  /** Verified token → its user and when it stops being accepted (epoch ms, tolerance included). */
  const verified = new Map<string, { userId: string; until: number }>();
  const check = async (token: string): Promise<{ userId: string; until: number }> => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [TokenSettings.algorithm],
        issuer: TokenSettings.issuer,
        audience: TokenSettings.audience,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: TokenSettings.clockToleranceSec,
        currentDate: new Date(now()),
      }));
    } catch (err) {
      // The reason, never the token: a caller learns whether to get a new one.
      throw unauthorized(
        err instanceof errors.JWTExpired ? 'the token has expired' : 'the token is not valid',
      );
    }
    const user = UserId.safeParse(payload.sub);
    if (!user.success) throw unauthorized('the token names no valid user');
    return { userId: user.data, until: (payload.exp! + TokenSettings.clockToleranceSec) * 1000 };
  };
  return {
    async verify(authorization) {
      if (!authorization) throw unauthorized('send Authorization: Bearer <token>');
      const token = bearerToken(authorization);
      if (!token) throw unauthorized('the Authorization header is not Bearer <token>');
      const known = verified.get(token);
      if (known && known.until > now()) return { userId: known.userId };
      verified.delete(token);
      const fresh = await check(token);
      if (cacheSize > 0) {
        // Oldest first out: a Map iterates in insertion order.
        if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
        verified.set(token, fresh);
      }
      return { userId: fresh.userId };
    },
  };
}

/** A new Ed25519 key pair for signing and verifying tokens, both PEM. */
export function generateTokenKeys(): { signingKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { signingKeyPem: privateKey, publicKeyPem: publicKey };
}

/** The public key (SPKI PEM) of a signing key (PKCS#8 PEM). */
export function publicKeyOf(signingKeyPem: string): string {
  return createPublicKey(createPrivateKey(signingKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Issues a token for `userId`, signed with `signingKeyPem` (Ed25519, PKCS#8 PEM). `issuedAt` (epoch
 * seconds, default now) and `lifetimeSec` (default {@link TokenSettings.demoLifetimeSec}) set
 * `iat` and `exp`; every token has its own random `jti`.
 */
export async function issueToken(
  signingKeyPem: string,
  userId: string,
  opts: { lifetimeSec?: number; issuedAt?: number } = {},
): Promise<string> {
  const user = UserId.parse(userId);
  const key = await importPKCS8(signingKeyPem, TokenSettings.algorithm);
  const iat = opts.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: TokenSettings.algorithm, typ: 'JWT' })
    .setSubject(user)
    .setIssuer(TokenSettings.issuer)
    .setAudience(TokenSettings.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (opts.lifetimeSec ?? TokenSettings.demoLifetimeSec))
    .setJti(newSecretId())
    .sign(key);
}

/** What {@link issueDemoTokens} wrote: absolute paths. */
export interface DemoTokenFiles {
  signingKeyFile: string;
  publicKeyFile: string;
  /** Token file per user. */
  tokenFiles: Record<string, string>;
  /** The line services need: `SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE=<publicKeyFile>`. */
  env: Record<typeof TOKEN_PUBLIC_KEY_ENV, string>;
}

/**
 * Writes the token files of `npm run secure:init` into `dir`: the signing key (made once and kept
 * when the file exists, so running again re-issues tokens without invalidating earlier ones; with
 * `newKey` a new one replaces it, and every token issued before is refused), its public key, and a
 * token per user (default alice, bob and carol). Key and tokens are mode 0600.
 */
export async function issueDemoTokens(
  dir: string,
  opts: { users?: readonly string[]; lifetimeSec?: number; newKey?: boolean } = {},
): Promise<DemoTokenFiles> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const signingKeyFile = join(root, TokenFiles.signingKey);
  const publicKeyFile = join(root, TokenFiles.publicKey);
  let signingKeyPem = opts.newKey
    ? undefined
    : await readFile(signingKeyFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
  if (signingKeyPem === undefined) {
    signingKeyPem = generateTokenKeys().signingKeyPem;
    await writePrivate(signingKeyFile, signingKeyPem);
  }
  await writeFile(publicKeyFile, publicKeyOf(signingKeyPem), { mode: 0o644 });
  const tokenFiles: Record<string, string> = {};
  for (const user of opts.users ?? TokenSettings.demoUsers) {
    const file = join(root, TokenFiles.token(user));
    const lifetime = opts.lifetimeSec === undefined ? {} : { lifetimeSec: opts.lifetimeSec };
    await writePrivate(file, `${await issueToken(signingKeyPem, user, lifetime)}\n`);
    tokenFiles[user] = file;
  }
  return { signingKeyFile, publicKeyFile, tokenFiles, env: { [TOKEN_PUBLIC_KEY_ENV]: publicKeyFile } };
}

/**
 * The verifier for the public key in `file`, or `undefined` without a file (open mode: `userId`
 * in a request is trusted). A file that cannot be read or holds no Ed25519 public key is a
 * {@link ConfigError}.
 */
export async function readTokenVerifier(file: string | undefined): Promise<TokenVerifier | undefined> {
  if (!file) return undefined;
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${TOKEN_PUBLIC_KEY_ENV}: cannot read ${file} (${(err as Error).message})`]);
  }
  try {
    return await createTokenVerifier(pem);
  } catch (err) {
    throw new ConfigError([`${TOKEN_PUBLIC_KEY_ENV}: ${file}: ${(err as Error).message}`]);
  }
}

/**
 * For a composition root: the verifier from `SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE`, logging once which
 * mode the service runs in. A bad file prints `<service>: invalid configuration: ...` and exits
 * with code 2, like a bad environment variable.
 */
export async function loadTokenVerifierOrExit(
  service: string,
  config: {
    SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE?: string | undefined;
    NATS_URL?: string;
  } & Partial<NatsSecurityEnv>,
  log: Logger,
): Promise<TokenVerifier | undefined> {
  try {
    const verifier = await readTokenVerifier(config.SWITCHBOARD_TOKEN_PUBLIC_KEY_FILE);
    const message = `callers are not verified: ${TOKEN_PUBLIC_KEY_ENV} is not set, so the userId of a request is trusted`;
    if (verifier) log.info('callers must prove who they are: requests need a signed token');
    // Fully open: the NATS connection's one warning says so already; this is detail.
    else if (natsSecurityOptions(config, config.NATS_URL).mode === 'open') log.info(message);
    else log.warn(message);
    return verifier;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${service}: ${err.message}\n`);
    process.exit(2);
  }
}
