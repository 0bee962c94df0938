import { randomBytes } from 'node:crypto';
import { nuid } from '@nats-io/nats-core';

/**
 * A new unique id (22 characters of `0-9 A-Z a-z`), safe as a subject token and KV key. Sequential
 * and so guessable from ids seen before: for request ids only, never for anything an id grants
 * access to (use {@link newSecretId}).
 */
export function newId(): string {
  return nuid.next();
}

/**
 * A new id nobody can guess: 128 random bits as 32 lower-case hex characters (a valid `SessionId`
 * and `TaskId`, never starting with `-`). Session ids and task ids use it: knowing some ids tells
 * nothing about any other.
 */
export function newSecretId(): string {
  return randomBytes(16).toString('hex');
}
