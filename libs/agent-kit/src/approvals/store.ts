import type { KV } from '@nats-io/kv';
import { decodeJson, encodeJson, Failure, parseWith } from '@switchboard/contracts';
import { isRevisionConflict, listEntries } from '@switchboard/runtime';
import { ApprovalRecord } from './record.js';

/** A record with the revision it was read at. */
export interface StoredApproval {
  record: ApprovalRecord;
  revision: number;
}

/** What a change decided: the record to write (none: leave it) and the answer. */
export interface ApprovalChange<T> {
  next?: ApprovalRecord;
  result: T;
}

const MAX_ATTEMPTS = 10;

/**
 * Every record, read with one listing of the bucket's last values (`listEntries`). Not
 * `kv.keys()`: when a write lands while it lists, `keys()` can wait for the consumer's heartbeat
 * (30 s) to know it is done, and the approvals bucket is written all the time.
 */
async function listApprovals(kv: KV): Promise<ApprovalRecord[]> {
  const found: ApprovalRecord[] = [];
  for (const e of await listEntries(kv)) {
    const parsed = e.value.length > 0 ? ApprovalRecord.safeParse(e.json()) : undefined;
    if (parsed?.success) found.push(parsed.data);
  }
  return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/**
 * The `approvals` bucket: every write is a `create` or an `update` against the revision read, so
 * of two instances (or two managers' turns) deciding at once exactly one wins.
 */
export function createApprovalStore(kv: KV) {
  const get = async (approvalId: string): Promise<StoredApproval | null> => {
    const e = await kv.get(approvalId);
    if (e?.operation !== 'PUT' || e.value.length === 0) return null;
    const record = parseWith(ApprovalRecord, decodeJson(e.value, 'approval'), 'approval');
    return { record, revision: e.revision };
  };
  return {
    kv,
    get,
    /** Stores a new record; false when one with this id exists already (a rerun). */
    async create(record: ApprovalRecord): Promise<boolean> {
      try {
        await kv.create(record.approvalId, encodeJson(record));
        return true;
      } catch (err) {
        if (isRevisionConflict(err)) return false;
        throw err;
      }
    },
    /**
     * Applies `change` to the record with a revision check, re-reading and applying it again when
     * another writer won (so `change` must be a pure function of the record). `null`: no record.
     */
    async change<T>(
      approvalId: string,
      change: (record: ApprovalRecord) => ApprovalChange<T>,
    ): Promise<{ result: T; written: boolean } | null> {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const current = await get(approvalId);
        if (!current) return null;
        const out = change(current.record);
        if (!out.next) return { result: out.result, written: false };
        try {
          await kv.update(approvalId, encodeJson(out.next), current.revision);
          return { result: out.result, written: true };
        } catch (err) {
          if (!isRevisionConflict(err)) throw err;
        }
      }
      throw new Failure('contended', `approval ${approvalId} is being changed by others; try again`, {
        retryAfterMs: 200,
      });
    },
    /** Every record, oldest first. */
    list: () => listApprovals(kv),
  };
}
export type ApprovalStore = ReturnType<typeof createApprovalStore>;
