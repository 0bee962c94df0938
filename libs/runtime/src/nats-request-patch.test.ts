import { RequestOne } from '@nats-io/nats-core/internal';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsCoreVersion, patchNatsRequestCancel } from './nats-request-patch.js';

// What the patch is for: the library's own `RequestOne.cancel` (which builds a throwaway
// RequestError) must not run at the end of a successful request. Counted by wrapping it before the
// patch wraps it in turn.
type Cancellable = { cancel: (err?: Error) => void };
const proto = (RequestOne as unknown as { prototype: Cancellable }).prototype;
const libraryCancel = proto.cancel;
let libraryCancels = 0;
proto.cancel = function (this: Cancellable, err?: Error) {
  libraryCancels++;
  return libraryCancel.call(this, err);
};

import { type NatsServer, startNatsServer } from './testing/index.js';

let server: NatsServer;
let nc: NatsConnection;
beforeAll(async () => {
  expect(patchNatsRequestCancel('3.4.0'), 'not applied to a release it was not written for').toBe(false);
  expect(natsCoreVersion()).toMatch(/^3\.3\./);
  expect(patchNatsRequestCancel()).toBe(true);
  expect(patchNatsRequestCancel()).toBe(true);
  server = await startNatsServer({ jetstream: false });
  nc = await connect({ servers: server.url, noAsyncTraces: true });
  nc.subscribe('echo', {
    callback: (_e, m) => {
      m.respond(m.data);
    },
  });
  nc.subscribe('silent', { callback: () => {} });
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('patched request/reply', () => {
  it('builds no throwaway error at the end of a successful request, and still cancels on a timeout', async () => {
    libraryCancels = 0;
    for (let i = 0; i < 50; i++) await nc.request('echo', `m${i}`, { timeout: 1000 });
    expect(libraryCancels).toBe(0);
    await expect(nc.request('silent', 'x', { timeout: 50 })).rejects.toThrow(/timeout/i);
    expect(libraryCancels).toBe(1);
  });

  it('still answers, times out, reports no responders and can be aborted', async () => {
    for (let i = 0; i < 100; i++)
      expect((await nc.request('echo', `m${i}`, { timeout: 1000 })).string()).toBe(`m${i}`);
    await expect(nc.request('silent', 'x', { timeout: 50 })).rejects.toThrow(/timeout/i);
    await expect(nc.request('nobody.here', 'x', { timeout: 1000 })).rejects.toThrow(/no responders/i);
    const stats = nc.stats();
    expect(stats.outMsgs).toBeGreaterThanOrEqual(102);
  });
  it('leaves no request registered after success', async () => {
    await nc.request('echo', 'x', { timeout: 1000 });
    const mux = (nc as unknown as { protocol: { muxSubscriptions: { size(): number } } }).protocol
      .muxSubscriptions;
    expect(mux.size()).toBe(0);
  });
});
