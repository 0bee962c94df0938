import { type KV, type KvEntry, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { decodeJson, encodeJson, parseWith, SwitchboardError } from '@switchboard/contracts';
import { isRevisionConflict } from '@switchboard/runtime';
import { companyHolidays, defaultLeaveRecord, demoEmployees, demoLeaveRecords } from './data/demo.js';
import { yearOf } from './domain/calendar.js';
import { Directory, type Employee, HolidayList, LeaveRecord } from './domain/schemas.js';

/** The KV bucket holding the HR data set. */
export const HR_BUCKET = 'hr_data';

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
  const readLeave = async (employeeId: string): Promise<{ record: LeaveRecord; revision: number } | null> => {
    const e = await kv.get(HrKeys.leave(employeeId));
    const value = liveValue(e);
    if (!e || !value) return null;
    return {
      record: parseWith(LeaveRecord, decodeJson(value, 'leave record'), 'leave record'),
      revision: e.revision,
    };
  };

  const parseDirectory = (value: Uint8Array) =>
    parseWith(Directory, decodeJson(value, 'directory'), 'directory').employees;
  // The directory is read by almost every tool call: a KV watch keeps a parsed copy current, so
  // reads cost no round trip and no parse. Until the watch delivers, reads go to the bucket.
  let cached: Employee[] | undefined;
  let watching = false;
  const watchDirectory = async () => {
    watching = true;
    try {
      const updates = await kv.watch({ key: HrKeys.directory });
      for await (const e of updates) {
        const value = liveValue(e);
        cached = value ? parseDirectory(value) : undefined;
      }
    } catch {
      cached = undefined;
    } finally {
      watching = false;
    }
  };
  const employees = async (): Promise<Employee[]> => {
    if (!watching) void watchDirectory();
    if (cached) return cached;
    const value = liveValue(await kv.get(HrKeys.directory));
    if (!value) throw new SwitchboardError('agent_unavailable', 'the HR directory is not loaded yet');
    return parseDirectory(value);
  };

  return {
    kv,
    employees,
    /** Loads the demo data set into keys that do not exist yet. */
    async seed(): Promise<void> {
      const today = opts.today();
      const year = yearOf(today);
      await createIfAbsent(kv, HrKeys.directory, { employees: [...demoEmployees] } satisfies Directory);
      await Promise.all([
        ...demoLeaveRecords(today).map((r) => createIfAbsent(kv, HrKeys.leave(r.employeeId), r)),
        ...[year, year + 1].map((y) =>
          createIfAbsent(kv, HrKeys.holidays(y), { year: y, holidays: companyHolidays(y) }),
        ),
      ]);
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
      for (let attempt = 0; attempt < 10; attempt++) {
        const current = await readLeave(employeeId);
        const out = change(current?.record ?? defaultLeaveRecord(employeeId, yearOf(opts.today())));
        if (!out.next) return out.result;
        try {
          if (current) await kv.update(HrKeys.leave(employeeId), encodeJson(out.next), current.revision);
          else await kv.create(HrKeys.leave(employeeId), encodeJson(out.next));
          return out.result;
        } catch (err) {
          if (!isRevisionConflict(err)) throw err;
        }
      }
      throw new SwitchboardError(
        'agent_unavailable',
        'the leave record is being changed by others; try again',
        {
          retryAfterMs: 200,
        },
      );
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
  const kv = await new Kvm(nc).create(opts.bucket ?? HR_BUCKET, { history: 1, replicas: opts.replicas ?? 1 });
  const store = createHrStore(kv, opts);
  await store.seed();
  return store;
}
