import { RequestOne } from '@nats-io/nats-core/internal';

/**
 * nats-core 3.3.x builds `new RequestError("cancelled")`, stack trace included, at the end of every
 * *successful* request (the resolver calls `cancel()`, which rejects the already-resolved deferred
 * with a fresh error that nobody sees). Profiles showed 6–10% of router and agent CPU there, even
 * with `noAsyncTraces`. This marks a request as settled in its resolver and lets that trailing
 * `cancel()` skip the throwaway error; an explicit cancel or a timeout behaves as before.
 * Idempotent; a no-op if the library's shape ever changes.
 */
export function patchNatsRequestCancel(): boolean {
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
