import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchNatsRequestCancel } from './nats-request-patch.js';
import { type NatsServer, startNatsServer } from './testing/index.js';

let server: NatsServer;
let nc: NatsConnection;
beforeAll(async () => {
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
