import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RequestOne } from '@nats-io/nats-core/internal';

/** The nats-core releases whose `RequestOne` this patch was written against and tested with. */
const patchedVersions = /^3\.3\./;

/** The installed nats-core version (its package.json; the package does not export it). */
export function natsCoreVersion(): string {
  const main = createRequire(import.meta.url).resolve('@nats-io/nats-core');
  return JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')).version;
}

/**
 * nats-core 3.3.x builds `new RequestError("cancelled")`, stack trace included, at the end of every
 * *successful* request (`RequestOne.resolver` resolves, then calls `cancel()`, which rejects the
 * already-resolved deferred with a fresh error that nobody sees). Profiles showed 6–10% of router and
 * agent CPU there, even with `noAsyncTraces`. This marks a request as settled in its resolver and
 * lets that trailing `cancel()` skip the throwaway error; an explicit cancel or a timeout behaves as
 * before. It waits for nats.js to stop rejecting a settled request in `RequestOne.cancel` (still so
 * in the installed 3.3.1); until then each composition root applies it explicitly at start.
 *
 * Applied only to the nats-core versions it was written for (3.3.x), and only if the prototype still
 * has the expected shape; returns whether it is in effect. Idempotent.
 */
export function patchNatsRequestCancel(version = natsCoreVersion()): boolean {
  if (!patchedVersions.test(version)) return false;
  type Patchable = {
    resolver: (err: Error | null, msg: unknown) => void;
    cancel: (err?: Error) => void;
    __switchboardPatched?: boolean;
  };
  const proto = (RequestOne as unknown as { prototype: Patchable }).prototype;
  if (!proto || proto.__switchboardPatched) return Boolean(proto?.__switchboardPatched);
  if (typeof proto.resolver !== 'function' || typeof proto.cancel !== 'function') return false;
  const resolver = proto.resolver;
  const cancel = proto.cancel;
  const settled = new WeakSet<object>();
  proto.resolver = function (this: Patchable & { timer?: { cancel(): void } }, err, msg) {
    settled.add(this);
    resolver.call(this, err, msg);
  };
  proto.cancel = function (
    this: Patchable & { timer?: { cancel(): void }; mux: { cancel(r: unknown): void } },
    err,
  ) {
    if (!err && settled.has(this)) {
      this.timer?.cancel();
      this.mux.cancel(this);
      return;
    }
    cancel.call(this, err);
  };
  proto.__switchboardPatched = true;
  return true;
}
