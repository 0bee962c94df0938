import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKvMirror, type KvMirror } from './kv-mirror.js';

let server: NatsServer;
let nc: NatsConnection;
let buckets = 0;
const enc = new TextEncoder();
const dec = new TextDecoder();

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url, noAsyncTraces: true });
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

async function bucket(): Promise<KV> {
  return new Kvm(nc).create(`mirror_${++buckets}`, { history: 1 });
}

/** Numbers only: anything else fails to parse, as a corrupt record would. */
const parseNumber = (v: Uint8Array) => {
  const n = Number(dec.decode(v));
  if (!Number.isFinite(n)) throw new Error('not a number');
  return n;
};

/** Reads `key` until the mirror answers `ok`, or fails after 2 s. */
async function until<T>(
  mirror: KvMirror<T>,
  key: string,
  ok: (e: ReturnType<KvMirror<T>['get']>) => boolean,
) {
  for (let i = 0; i < 200; i++) {
    const e = mirror.get(key);
    if (ok(e)) return e;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the mirror never answered for ${key}`);
}

describe('kv mirror', () => {
  it('answers nothing until loaded, then values, absences and deletes with their revisions', async () => {
    const kv = await bucket();
    const one = await kv.put('n.one', enc.encode('1'));
    await kv.put('n.two', enc.encode('2'));
    await kv.put('other', enc.encode('9'));
    const mirror = createKvMirror(kv, 'n.>', parseNumber);
    try {
      // The first read starts the watch; until the initial values are in, the caller reads the bucket.
      expect(mirror.get('n.one')).toBeUndefined();
      expect(await until(mirror, 'n.one', (e) => e !== undefined)).toEqual({ value: 1, revision: one });
      expect(mirror.get('n.two')?.value).toBe(2);
      // A key the bucket does not have is known to be absent.
      expect(mirror.get('n.three')).toEqual({ value: null, revision: 0 });
      await kv.delete('n.two');
      expect((await until(mirror, 'n.two', (e) => e?.value === null))?.revision).toBeGreaterThan(one);
    } finally {
      mirror.stop();
    }
  });

  it('does not answer for a value that does not parse: the bucket read reports it', async () => {
    const kv = await bucket();
    await kv.put('n.bad', enc.encode('not a number'));
    await kv.put('n.good', enc.encode('5'));
    const mirror = createKvMirror(kv, 'n.>', parseNumber);
    try {
      await until(mirror, 'n.good', (e) => e?.value === 5);
      expect(mirror.get('n.bad')).toBeUndefined();
    } finally {
      mirror.stop();
    }
  });

  it("keeps a process's own newer write over an older value the watch delivers late", async () => {
    const kv = await bucket();
    await kv.put('n.x', enc.encode('1'));
    const mirror = createKvMirror(kv, 'n.>', parseNumber);
    try {
      await until(mirror, 'n.x', (e) => e?.value === 1);
      const revision = await kv.put('n.x', enc.encode('2'));
      mirror.saw('n.x', 2, revision);
      expect(mirror.get('n.x')).toEqual({ value: 2, revision });
      // A stale delivery (an older revision) changes nothing.
      mirror.saw('n.x', 1, revision - 1);
      expect(mirror.get('n.x')).toEqual({ value: 2, revision });
    } finally {
      mirror.stop();
    }
  });

  it('answers nothing once stopped, and does not start watching again', async () => {
    const kv = await bucket();
    await kv.put('n.y', enc.encode('3'));
    const mirror = createKvMirror(kv, 'n.>', parseNumber);
    await until(mirror, 'n.y', (e) => e?.value === 3);
    mirror.stop();
    await until(mirror, 'n.y', (e) => e === undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(mirror.get('n.y')).toBeUndefined();
  });

  it('after its bucket is deleted and created again, a reset follows the new bucket from revision 1', async () => {
    const name = `mirror_${++buckets}`;
    const kv = await new Kvm(nc).create(name, { history: 1 });
    for (let i = 1; i <= 5; i++) await kv.put('n.z', enc.encode(String(i)));
    const mirror = createKvMirror(kv, 'n.>', parseNumber);
    try {
      expect(await until(mirror, 'n.z', (e) => e?.value === 5)).toEqual({ value: 5, revision: 5 });
      await kv.destroy();
      await new Kvm(nc).create(name, { history: 1 });
      // The handle still works on the new stream, whose revisions start again at 1.
      expect(await kv.put('n.z', enc.encode('42'))).toBe(1);
      mirror.reset();
      expect(mirror.get('n.z')).toBeUndefined();
      expect(await until(mirror, 'n.z', (e) => e?.value === 42)).toEqual({ value: 42, revision: 1 });
      // And it keeps following it.
      const revision = await kv.put('n.w', enc.encode('7'));
      expect(await until(mirror, 'n.w', (e) => e?.value === 7)).toEqual({ value: 7, revision });
    } finally {
      mirror.stop();
    }
  });
});
