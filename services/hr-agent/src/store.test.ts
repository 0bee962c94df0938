import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { encodeJson } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { HrKeys, openHrStore } from './store.js';
import { snapshot, testBucket, useHrServer } from './testing/hr-fixture.js';

const today = () => '2026-07-15';
const hr = useHrServer();

describe('hr store', () => {
  it('seeds an empty bucket once: a restart or second instance never overwrites changes', async () => {
    const bucket = testBucket();
    const first = await openHrStore(hr.nc, { today, bucket });
    const seeded = await snapshot(first);
    expect(Object.keys(seeded)).toEqual(
      expect.arrayContaining([
        HrKeys.directory,
        HrKeys.leave('alice'),
        HrKeys.leave('bob'),
        HrKeys.leave('carol'),
        HrKeys.holidays(2026),
        HrKeys.holidays(2027),
      ]),
    );
    await first.changeLeave('alice', (r) => ({ next: { ...r, annualDays: 99 }, result: null }));
    const changed = await snapshot(first);
    // A later start (another instance, next year) only adds what is missing: 2028's holidays.
    const second = await openHrStore(hr.nc, { today: () => '2027-03-01', bucket });
    const after = await snapshot(second);
    expect(after).toMatchObject(changed);
    expect(Object.keys(after).filter((k) => !(k in changed))).toEqual([HrKeys.holidays(2028)]);
    expect((await second.leave('alice')).annualDays).toBe(99);
  });

  it('retries a change that lost a revision race, applying it to the newer record', async () => {
    const store = await openHrStore(hr.nc, { today, bucket: testBucket() });
    let calls = 0;
    let competing: Promise<number> | undefined;
    await store.changeLeave('dave', (r) => {
      calls++;
      // Someone else writes between our read and our write (published first on the same connection).
      if (calls === 1) competing = store.kv.put(HrKeys.leave('dave'), encodeJson({ ...r, sickDays: 12 }));
      return { next: { ...r, annualDays: r.annualDays + 1 }, result: null };
    });
    await competing;
    expect(calls).toBe(2);
    const rec = await store.leave('dave');
    expect(rec).toMatchObject({ annualDays: 21, sickDays: 12 });
  });

  it('gives an employee without a record the default entitlement', async () => {
    const store = await openHrStore(hr.nc, { today, bucket: testBucket() });
    await store.kv.delete(HrKeys.leave('ivy'));
    expect(await store.leave('ivy')).toMatchObject({ annualDays: 20, requests: [] });
    await store.changeLeave('ivy', (r) => ({ next: { ...r, carriedOverDays: 1 }, result: null }));
    expect(await store.leave('ivy')).toMatchObject({ carriedOverDays: 1 });
  });

  it('answers reads from its watched copy with no round trip, and follows other writers', async () => {
    const bucket = testBucket();
    const store = await openHrStore(hr.nc, { today, bucket });
    const sent = () => hr.nc.stats().outMsgs;
    /** Reads alice's record; `trips` is how many messages the read sent to the server. */
    const read = async () => {
      const before = sent();
      const record = await store.leave('alice');
      return { record, trips: sent() - before };
    };
    const until = async (ok: (r: Awaited<ReturnType<typeof read>>) => boolean) => {
      for (let i = 0; i < 200; i++) {
        const r = await read();
        if (ok(r)) return r;
        await new Promise((done) => setTimeout(done, 10));
      }
      throw new Error('the watched copy never answered');
    };
    // The first reads go to the bucket while the watch loads; then none leaves the process.
    const warm = await until((r) => r.trips === 0);
    expect(warm.record.employeeId).toBe('alice');

    // Another instance (its own connection) changes the record: the copy follows within the watch delay.
    const other = await connect({ servers: hr.server.url, noAsyncTraces: true });
    try {
      const kv = await new Kvm(other).open(bucket);
      await kv.put(HrKeys.leave('alice'), encodeJson({ ...warm.record, annualDays: 31 }));
      const seen = await until((r) => r.record.annualDays === 31);
      expect(seen.trips).toBe(0);

      // A change made right after the other's write lands on top of it, whether or not the copy
      // had caught up (a stale copy fails the revision check and the bucket is read again).
      const again = await kv.put(HrKeys.leave('alice'), encodeJson({ ...warm.record, annualDays: 40 }));
      expect(again).toBeGreaterThan(0);
      await store.changeLeave('alice', (r) => ({
        next: { ...r, carriedOverDays: r.annualDays },
        result: null,
      }));
      const stored = await kv.get(HrKeys.leave('alice'));
      expect(JSON.parse(new TextDecoder().decode(stored!.value))).toMatchObject({
        annualDays: 40,
        carriedOverDays: 40,
      });
      // Its own write reads back at once.
      expect((await read()).record).toMatchObject({ annualDays: 40, carriedOverDays: 40 });
    } finally {
      store.close();
      await other.close();
    }
  });

  it('after its bucket is deleted and created again, restore seeds it and its copies follow the new one', async () => {
    const bucket = testBucket();
    const store = await openHrStore(hr.nc, { today, bucket });
    try {
      await store.changeLeave('alice', (r) => ({ next: { ...r, annualDays: 77 }, result: null }));
      for (let i = 0; i < 200 && (await store.leave('alice')).annualDays !== 77; i++) {
        await new Promise((done) => setTimeout(done, 10));
      }
      // The bucket is deleted (its data with it) and created again empty.
      await store.kv.destroy();
      await new Kvm(hr.nc).create(bucket, { history: 1 });
      await store.restore();
      expect((await store.employees()).map((e) => e.id)).toEqual(expect.arrayContaining(['alice', 'bob']));
      // The demo record again, not the copy of the deleted one.
      expect((await store.leave('alice')).annualDays).not.toBe(77);
      await store.changeLeave('alice', (r) => ({ next: { ...r, annualDays: 55 }, result: null }));
      expect((await store.leave('alice')).annualDays).toBe(55);
      // A write by another instance reaches the copy through the new watch.
      const rec = await store.leave('alice');
      await new Kvm(hr.nc)
        .open(bucket)
        .then((kv) => kv.put(HrKeys.leave('alice'), encodeJson({ ...rec, annualDays: 12 })));
      let seen = 0;
      for (let i = 0; i < 200 && seen !== 12; i++) {
        seen = (await store.leave('alice')).annualDays;
        if (seen !== 12) await new Promise((done) => setTimeout(done, 10));
      }
      expect(seen).toBe(12);
    } finally {
      store.close();
    }
  });
});
