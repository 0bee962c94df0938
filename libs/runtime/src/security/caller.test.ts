import { headers } from '@nats-io/transport-node';
import { isSwitchboardError } from '@switchboard/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { authorizationOf, type Caller, checkSessionAccess, identifyCaller } from './caller.js';
import { createTokenVerifier, generateTokenKeys, issueToken, type TokenVerifier } from './tokens.js';

const keys = generateTokenKeys();
let tokens: TokenVerifier;
let alice: string;

beforeAll(async () => {
  tokens = await createTokenVerifier(keys.publicKeyPem);
  alice = `Bearer ${await issueToken(keys.signingKeyPem, 'alice')}`;
});

/** The error code `fn` throws, or `'none'`. */
async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'none';
  } catch (err) {
    return isSwitchboardError(err) ? err.code : `untyped: ${String(err)}`;
  }
}

describe('identifyCaller', () => {
  it('in open mode takes the userId of the request as it is, or nobody', async () => {
    expect(await identifyCaller(undefined, undefined, 'bob')).toEqual({ userId: 'bob', verified: false });
    expect(await identifyCaller(undefined, alice, undefined)).toEqual({ verified: false });
  });

  it("in secure mode is the token's user, whether or not the request names it", async () => {
    expect(await identifyCaller(tokens, alice, undefined)).toEqual({ userId: 'alice', verified: true });
    expect(await identifyCaller(tokens, alice, 'alice')).toEqual({ userId: 'alice', verified: true });
  });

  it('in secure mode refuses a request without a valid token (unauthorized)', async () => {
    expect(await codeOf(() => identifyCaller(tokens, undefined, 'alice'))).toBe('unauthorized');
    expect(await codeOf(() => identifyCaller(tokens, 'Bearer x.y.z', 'alice'))).toBe('unauthorized');
  });

  it("in secure mode refuses a userId that is not the token's (forbidden)", async () => {
    expect(await codeOf(() => identifyCaller(tokens, alice, 'bob'))).toBe('forbidden');
  });
});

describe('checkSessionAccess', () => {
  const verified = (userId: string): Caller => ({ userId, verified: true });
  const claimed = (userId?: string): Caller => (userId ? { userId, verified: false } : { verified: false });
  it.each([
    ['a verified owner', { userId: 'alice' }, verified('alice'), 'none'],
    ['a verified other user', { userId: 'alice' }, verified('bob'), 'forbidden'],
    ['a verified user, session of nobody', {}, verified('bob'), 'forbidden'],
    ['open mode: the owner named', { userId: 'alice' }, claimed('alice'), 'none'],
    ['open mode: another user named', { userId: 'alice' }, claimed('dave'), 'forbidden'],
    ['open mode: nobody named', { userId: 'alice' }, claimed(), 'none'],
    ['open mode: session of nobody', {}, claimed('dave'), 'none'],
  ])('%s → %s', async (_label, session, caller, code) => {
    expect(await codeOf(() => checkSessionAccess(session, caller))).toBe(code);
  });
});

describe('authorizationOf', () => {
  it('reads the Authorization header of a NATS message, its name in any case', () => {
    const h = headers();
    h.set('Authorization', 'Bearer a.b.c');
    expect(authorizationOf(h)).toBe('Bearer a.b.c');
    const lower = headers();
    lower.set('authorization', 'Bearer d.e.f');
    expect(authorizationOf(lower)).toBe('Bearer d.e.f');
    expect(authorizationOf(headers())).toBeUndefined();
    expect(authorizationOf(undefined)).toBeUndefined();
  });

  it('takes two values as none: which one would count is ambiguous', () => {
    const h = headers();
    h.append('Authorization', 'Bearer a.b.c');
    h.append('authorization', 'Bearer d.e.f');
    expect(authorizationOf(h)).toBeUndefined();
  });
});
