import { Match, type MsgHdrs } from '@nats-io/nats-core';
import { HeaderNames, type Session, SwitchboardError } from '@switchboard/contracts';
import type { TokenVerifier } from './tokens.js';

/** Who is asking, as far as the service can tell. */
export interface Caller {
  /** The user: the token's (verified), or the request's `userId` in open mode; absent when unknown. */
  userId?: string;
  /** True when a token proved `userId`; false in open mode (no token public key configured). */
  verified: boolean;
}

/**
 * The `Authorization` header of a NATS message, its name matched without regard to case. Two or
 * more values are ambiguous and count as none.
 */
export function authorizationOf(headers: MsgHdrs | undefined): string | undefined {
  const values = headers?.values(HeaderNames.authorization, Match.IgnoreCase) ?? [];
  return values.length === 1 && values[0] ? values[0] : undefined;
}

/**
 * Establishes the caller of a request. With `tokens` (secure mode) the `Authorization` value must
 * hold a valid token (else `unauthorized`), and a `userId` in the request must be the token's user
 * (else `forbidden`): the request's `userId` is never trusted. Without `tokens` (open mode) the
 * request's `userId` is taken as it is, as before.
 */
export async function identifyCaller(
  tokens: TokenVerifier | undefined,
  authorization: string | undefined,
  claimedUserId: string | undefined,
): Promise<Caller> {
  if (!tokens) return claimedUserId ? { userId: claimedUserId, verified: false } : { verified: false };
  const { userId } = await tokens.verify(authorization);
  if (claimedUserId !== undefined && claimedUserId !== userId) {
    throw new SwitchboardError('forbidden', 'userId is not the user of the token');
  }
  return { userId, verified: true };
}

/**
 * A session belongs to the user who opened it: a verified caller may read or continue only a
 * session whose `userId` is its own (a session without a user belongs to nobody who can prove it).
 * In open mode a request that names a user other than the session's is refused too, so a session
 * never changes hands; one that names nobody continues as the session's user. Throws `forbidden`.
 */
export function checkSessionAccess(session: Pick<Session, 'userId'>, caller: Caller): void {
  const mismatch = caller.verified
    ? session.userId !== caller.userId
    : caller.userId !== undefined && session.userId !== undefined && session.userId !== caller.userId;
  if (mismatch) throw new SwitchboardError('forbidden', 'this session belongs to another user');
}
