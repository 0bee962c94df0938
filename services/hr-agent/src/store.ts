import { type KV, type KvEntry, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { createKvMirror } from '@switchboard/agent-kit';
import { decodeJson, encodeJson, Failure, Names, parseWith } from '@switchboard/contracts';
import { agentDataBucketConfig, isRevisionConflict } from '@switchboard/runtime';
import { companyHolidays, defaultLeaveRecord, demoEmployees, demoLeaveRecords } from './data/demo.js';
import { yearOf } from './domain/calendar.js';
import { Directory, type Employee, HolidayList, LeaveRecord } from './domain/schemas.js';

/** The KV bucket holding the HR data set (`hr_data`). */
export const HR_BUCKET = Names.agentDataBucket('hr');

/** Keys of the bucket. */
export const HrKeys = {
  directory: 'directory',
  leave: (employeeId: string) => `leave.${employeeId}`,
  holidays: (year: number) => `holidays.${year}`,
} as const;

/** The value of a live entry; `undefined` for a missing, deleted or purged key. */
function liveValue(e: KvEntry | null): Uint8Array | undefined {
  return e?.operation === 'PUT' && e.value.length > 0 ? e.value : undefined;
}

async function createIfAbsent(kv: KV, key: string, value: unknown): Promise<void> {
  try {
    await kv.create(key, encodeJson(value));
  } catch (err) {
    if (!isRevisionConflict(err)) throw err;
  }
}

/** What a leave change decided: the record to write (none: nothing to change) and the answer. */
export interface LeaveChange<T> {
  next?: LeaveRecord;
  result: T;
}

/**
 * Reads and writes the HR data set in the `hr_data` bucket. Seeding uses `create`, so an existing
 * value is never overwritten (a restart or a second instance keeps every change); every change to
 * a leave record is a read-modify-write with a revision check, retried when another writer won.
 */
export function createHrStore(kv: KV, opts: { today: () => string }) {
  const parseLeave = (value: Uint8Array) =>
    parseWith(LeaveRecord, decodeJson(value, 'leave record'), 'leave record');
  const parseDirectory = (value: Uint8Array) =>
    parseWith(Directory, decodeJson(value, 'directory'), 'directory').employees;
  // The directory and the leave records are read by almost every tool call: KV watches keep parsed
  // copies current, so reads cost no round trip and no parse (a JetStream read is ~75 µs of CPU
  // across client and server). Reads may trail another instance's write by the watch delay; every
  // write checks the revision it read, so a stale read is retried, never written over a newer value.
  const directory = createKvMirror(kv, HrKeys.directory, parseDirectory);
  const leaveRecords = createKvMirror(kv, HrKeys.leave('>'), parseLeave);

  const readLeave = async (
    employeeId: string,
    fresh = false,
  ): Promise<{ record: LeaveRecord; revision: number } | null> => {
    const key = HrKeys.leave(employeeId);
    const mirrored = fresh ? undefined : leaveRecords.get(key);
    if (mirrored) return mirrored.value ? { record: mirrored.value, revision: mirrored.revision } : null;
    const e = await kv.get(key);
    const value = liveValue(e);
    if (!e || !value) return null;
    return { record: parseLeave(value), revision: e.revision };
  };

  const employees = async (): Promise<Employee[]> => {
    const mirrored = directory.get(HrKeys.directory)?.value;
    if (mirrored) return mirrored;
    const value = liveValue(await kv.get(HrKeys.directory));
    if (!value) throw new Failure('not_ready', 'the HR directory is not loaded yet');
    return parseDirectory(value);
  };

  /** Loads the demo data set into keys that do not exist yet. */
  const seed = async (): Promise<void> => {
    const today = opts.today();
    const year = yearOf(today);
    await createIfAbsent(kv, HrKeys.directory, { employees: [...demoEmployees] } satisfies Directory);
    await Promise.all([
      ...demoLeaveRecords(today).map((r) => createIfAbsent(kv, HrKeys.leave(r.employeeId), r)),
      ...[year, year + 1].map((y) =>
        createIfAbsent(kv, HrKeys.holidays(y), { year: y, holidays: companyHolidays(y) }),
      ),
    ]);
  };

  return {
    kv,
    employees,
    /** Stops the watches that keep the in-memory copies. */
    close(): void {
      directory.stop();
      leaveRecords.stop();
    },
    seed,
    /**
     * After the bucket was deleted and created again: drops the in-memory copies (their watches
     * follow the old stream, and revisions start over) and seeds the demo data set again.
     */
    async restore(): Promise<void> {
      directory.reset();
      leaveRecords.reset();
      await seed();
    },

    async employee(id: string): Promise<Employee | undefined> {
      return (await employees()).find((x) => x.id === id);
    },

    async leave(employeeId: string): Promise<LeaveRecord> {
      return (await readLeave(employeeId))?.record ?? defaultLeaveRecord(employeeId, yearOf(opts.today()));
    },

    /**
     * Applies `change` to an employee's leave record with a revision check; on a lost race it
     * re-reads and applies `change` again (so it must be a pure function of the record).
     */
    async changeLeave<T>(employeeId: string, change: (record: LeaveRecord) => LeaveChange<T>): Promise<T> {
      const key = HrKeys.leave(employeeId);
      for (let attempt = 0; attempt < 10; attempt++) {
        // The first attempt trusts the mirror; after a lost race the bucket itself is read.
        const current = await readLeave(employeeId, attempt > 0);
        const out = change(current?.record ?? defaultLeaveRecord(employeeId, yearOf(opts.today())));
        if (!out.next) return out.result;
        try {
          const revision = current
            ? await kv.update(key, encodeJson(out.next), current.revision)
            : await kv.create(key, encodeJson(out.next));
          leaveRecords.saw(key, out.next, revision);
          return out.result;
        } catch (err) {
          if (!isRevisionConflict(err)) throw err;
        }
      }
      throw new Failure('contended', 'the leave record is being changed by others; try again', {
        retryAfterMs: 200,
      });
    },

    /** The company holidays of `year`, computed and stored on first use of a year. */
    async holidays(year: number): Promise<HolidayList> {
      const key = HrKeys.holidays(year);
      const value = liveValue(await kv.get(key));
      if (value) return parseWith(HolidayList, decodeJson(value, 'holidays'), 'holidays');
      const list = { year, holidays: companyHolidays(year) };
      await createIfAbsent(kv, key, list);
      return list;
    },
  };
}
export type HrStore = ReturnType<typeof createHrStore>;

/** Creates (or binds) the `hr_data` bucket (`bucket` overrides the name, for tests) and seeds it. */
export async function openHrStore(
  nc: NatsConnection,
  opts: { today: () => string; replicas?: number; bucket?: string },
): Promise<HrStore> {
  const kv = await new Kvm(nc).create(
    opts.bucket ?? HR_BUCKET,
    agentDataBucketConfig({ replicas: opts.replicas ?? 1 }),
  );
  const store = createHrStore(kv, opts);
  await store.seed();
  return store;
}
