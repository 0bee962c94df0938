import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNewWrite } from './nats.js';
import { type NatsServer, startNatsServer } from './testing/index.js';

let server: NatsServer;
let nc: NatsConnection;
/** Every socket write of `nc`, as text. */
const writes: string[] = [];

beforeAll(async () => {
  server = await startNatsServer({ jetstream: false });
  nc = await connect({ servers: server.url, noAsyncTraces: true });
  const transport = (nc as unknown as { protocol: { transport: { send(b: Uint8Array): void } } }).protocol
    .transport;
  const send = transport.send.bind(transport);
  transport.send = (b: Uint8Array) => {
    writes.push(new TextDecoder().decode(b));
    send(b);
  };
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

/** Publishes `fillerBytes` of other traffic, then a reply and an ack, in one synchronous step. */
async function replyAndAckAfter(fillerBytes: number, newWrite: boolean): Promise<string[]> {
  await nc.flush();
  writes.length = 0;
  nc.publish('other', 'x'.repeat(fillerBytes));
  if (newWrite) startNewWrite(nc);
  nc.publish('the.reply', 'answer');
  nc.publish('the.ack', '+ACK');
  await nc.flush();
  return writes.filter((w) => w.includes('the.reply') || w.includes('the.ack'));
}

describe('startNewWrite', () => {
  it('keeps a reply and its ack in one socket write when the buffer is nearly full', async () => {
    // Without it, nats.js writes its buffer out when the reply takes it past 32 KB: the ack
    // follows in a second write, and a process killed in between answered without acking.
    const split = await replyAndAckAfter(32 * 1024 - 30, false);
    expect(split).toHaveLength(2);
    const together = await replyAndAckAfter(32 * 1024 - 30, true);
    expect(together).toHaveLength(1);
    expect(together[0]).toContain('the.reply');
    expect(together[0]).toContain('the.ack');
  });

  it('leaves a small buffer alone, so writes stay batched', async () => {
    const batched = await replyAndAckAfter(100, true);
    expect(batched).toHaveLength(1);
    expect(batched[0]).toContain('other');
  });
});
