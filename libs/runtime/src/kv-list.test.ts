import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEntries, listKeys } from './kv-list.js';
import { type NatsServer, startNatsServer } from './testing/index.js';

let server: NatsServer;
let nc: NatsConnection;
let writer: NatsConnection;
let n = 0;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  writer = await connect({ servers: server.url });
});
afterAll(async () => {
  await writer?.close();
  await nc?.close();
  await server?.stop();
});

/** A fresh bucket (history 1, like the services' data buckets), opened by both connections. */
async function bucket(): Promise<{ kv: KV; other: KV; name: string }> {
  const name = `list_${++n}`;
  const kv = await new Kvm(nc).create(name, { history: 1 });
  return { kv, other: await new Kvm(writer).open(name), name };
}

const key = (i: number) => `item.${String(i).padStart(4, '0')}`;

/** Consumers left on the bucket's stream (a listing deletes its own). */
async function consumersOf(kv: KV): Promise<number> {
  return (await kv.status()).streamInfo.state.consumer_count;
}

describe('listKeys and listEntries', () => {
  it('list the keys holding a value under a filter, sorted, without deleted or purged ones', async () => {
    const { kv } = await bucket();
    for (const k of ['expense.alice.E2', 'expense.alice.E1', 'expense.bob.E3', 'invoice.I1', 'gone.x'])
      await kv.put(k, JSON.stringify({ k }));
    await kv.put('expense.alice.E1', JSON.stringify({ k: 'second' }));
    await kv.put('expense.alice.E9', '{}');
    await kv.delete('expense.alice.E9');
    await kv.purge('gone.x');
    expect(await listKeys(kv, 'expense.alice.*')).toEqual(['expense.alice.E1', 'expense.alice.E2']);
    expect(await listKeys(kv, 'expense.*.E3')).toEqual(['expense.bob.E3']);
    expect(await listKeys(kv)).toEqual([
      'expense.alice.E1',
      'expense.alice.E2',
      'expense.bob.E3',
      'invoice.I1',
    ]);
    const entries = await listEntries(kv, 'expense.>');
    expect(entries.map((e) => [e.key, e.json<{ k: string }>().k])).toEqual([
      ['expense.alice.E1', 'second'],
      ['expense.alice.E2', 'expense.alice.E2'],
      ['expense.bob.E3', 'expense.bob.E3'],
    ]);
    expect(await consumersOf(kv)).toBe(0);
  });

  it('return an empty list at once for a filter with no keys, an empty bucket, or only deleted keys', async () => {
    const { kv } = await bucket();
    expect(await listKeys(kv)).toEqual([]);
    await kv.put('expense.alice.E1', '{}');
    await kv.put('deleted.one', '{}');
    await kv.delete('deleted.one');
    // A KV watch of last values waits forever here: nothing is ever delivered for this filter.
    expect(await listKeys(kv, 'expense.carol.*')).toEqual([]);
    expect(await listEntries(kv, 'invoice.>')).toEqual([]);
    expect(await listKeys(kv, 'deleted.*')).toEqual([]);
    expect(await consumersOf(kv)).toBe(0);
  });

  it('refuses a filter that is not a key pattern', async () => {
    const { kv } = await bucket();
    await expect(listKeys(kv, 'a b')).rejects.toThrow();
  });

  // The write lands right after the listing's consumer is created (its creation advisory), on the
  // key with the highest sequence, which has not been delivered yet: the server's pending count
  // then stays one too high, and `kv.keys()` waits for the ordered consumer's 30 s heartbeat (it
  // did in about one run of two when this was written, and returned keys twice in others). A
  // stalled listing here would exceed this test's timeout (20 s for eight listings).
  it('return every key once, at once, when a write replaces a value not delivered yet', async () => {
    const { kv, other, name } = await bucket();
    const count = 1500;
    await Promise.all(Array.from({ length: count }, (_, i) => kv.put(key(i), `v${i}`.padEnd(200, '.'))));
    const last = key(count - 1);
    let writes = 0;
    const sub = writer.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.CREATED.KV_${name}.>`, {
      callback: () => {
        writes++;
        void other.put(last, `rewritten ${writes}`);
        void other.put(`item.new.${writes}`, 'new');
      },
    });
    await writer.flush();
    try {
      const all = Array.from({ length: count }, (_, i) => key(i));
      for (let round = 1; round <= 4; round++) {
        const keys = await listKeys(kv, 'item.*');
        expect(keys).toEqual(all);
        const entries = await listEntries(kv, 'item.*');
        expect(entries.map((e) => e.key)).toEqual(all);
        expect(entries[0]?.string()).toMatch(/^v0\.+$/);
        expect(entries.at(-1)?.string()).toMatch(/^(v1499\.+|rewritten \d+)$/);
      }
      expect(writes).toBe(8);
      const everything = await listKeys(kv);
      expect(new Set(everything).size).toBe(everything.length);
      expect(everything.filter((k) => k.startsWith('item.new.')).length).toBeGreaterThanOrEqual(8);
    } finally {
      sub.unsubscribe();
    }
  }, 20_000);

  // Capability cards refreshed every few seconds: a key delivered and then rewritten comes twice,
  // and counting messages ended the listing before a later key's new value came (one key of two
  // listed in about half of the listings when this was written).
  it('return every key while all of them are rewritten', async () => {
    const { kv, other } = await bucket();
    const keys = ['finance.a', 'hr.b', 'legal.c'];
    for (const k of keys) await kv.put(k, 'v0');
    let stop = false;
    const rewrite = (async () => {
      for (let i = 1; !stop; i++) {
        for (const k of keys) await other.put(k, `v${i}`);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    try {
      for (let round = 0; round < 100; round++) expect((await listKeys(kv)).join()).toBe(keys.join());
    } finally {
      stop = true;
      await rewrite;
    }
  }, 30_000);
});
