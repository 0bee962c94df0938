import { DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import { Bucket, type KV, type KvEntry } from '@nats-io/kv';

/**
 * Listing a KV bucket's keys, or their last values, without `kv.keys()`.
 *
 * `kv.keys()` decides it is done when a delivered message says nothing is pending, or when the
 * consumer's idle heartbeat arrives. When a write lands while it lists (a key not delivered yet is
 * replaced), the server's pending count stays one too high, no message ever says "0 pending", and
 * `keys()` waits for the ordered consumer's heartbeat: 30 s with nats.js 3.3. It can also return
 * a key twice.
 *
 * Here the listing reads the number of last values the server counted when it created the consumer
 * (`num_pending` of its creation reply) and ends once it has seen that many keys: a value replaced
 * while listing is replaced by a write to the same key, which is delivered in its place, so the count
 * is always reached (keys, not messages: a key delivered and then rewritten comes twice). It ends at once when nothing matches, and earlier when a message says nothing is
 * pending. The consumer's heartbeat ends it only if messages vanished without a replacement (a
 * whole-bucket purge while listing). The result is the bucket as of the call or a little later,
 * each key once.
 *
 * Permissions: the ordered consumer of a KV watch (`watchOf(bucket)` in `security/identities.ts`).
 */

/** The last entry of each key found (with `headersOnly`, entries without their value). */
type Found = Map<string, KvEntry>;

function asBucket(kv: KV): Bucket {
  if (!(kv instanceof Bucket)) throw new TypeError('listKeys needs a KV opened with Kvm (@nats-io/kv)');
  return kv;
}

async function collect(kv: KV, filter: string, headersOnly: boolean): Promise<Found> {
  const b = asBucket(kv);
  b.validateSearchKey(filter);
  const oc = await b.js.consumers.getPushConsumer(b.stream, {
    filter_subjects: b.fullKeyName(b.encodeKey(filter)),
    deliver_policy: DeliverPolicy.LastPerSubject,
    headers_only: headersOnly,
  });
  const found: Found = new Map();
  const expected = (await oc.info(true)).num_pending;
  if (expected === 0) {
    await oc.delete().catch(() => undefined);
    return found;
  }
  // Keys seen, not messages: a key delivered, then rewritten while listing, is delivered again,
  // and counting that twice ended the listing before a later key's replacement came.
  const seen = new Set<string>();
  // Once a key came twice, "0 pending" can come before a rewritten key's new value: only the count ends it then.
  let rewritten = false;
  let over = false;
  let finish: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => {
    finish = () => {
      over = true;
      resolve();
    };
  });
  const iter = await oc.consume({
    callback: (m: JsMsg) => {
      if (over) return;
      const e = b.jmToWatchEntry(m, false);
      if (e.operation === 'PUT') found.set(e.key, e);
      else found.delete(e.key);
      if (seen.has(e.key)) rewritten = true;
      seen.add(e.key);
      if (seen.size >= expected || (m.info.pending === 0 && !rewritten)) finish();
    },
  });
  void iter.closed().then(finish, finish);
  void (async () => {
    for await (const s of iter.status()) if (s.type === 'heartbeat') finish();
  })();
  try {
    await ended;
  } finally {
    iter.stop();
    await oc.delete().catch(() => undefined);
  }
  return found;
}

/** The keys matching `filter` (`>`: all) that hold a value (not deleted or purged), sorted. */
export async function listKeys(kv: KV, filter = '>'): Promise<string[]> {
  return [...(await collect(kv, filter, true)).keys()].sort();
}

/** The last value of every key matching `filter` that holds one, sorted by key. */
export async function listEntries(kv: KV, filter = '>'): Promise<KvEntry[]> {
  const found = await collect(kv, filter, false);
  return [...found.keys()].sort().map((k) => found.get(k) as KvEntry);
}
