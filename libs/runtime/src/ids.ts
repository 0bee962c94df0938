import { nuid } from '@nats-io/nats-core';

/** A new unique id (22 characters of `0-9 A-Z a-z`), safe as a subject token and KV key. */
export function newId(): string {
  return nuid.next();
}
