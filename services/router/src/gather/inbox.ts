import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { AskReply, decodeJson } from '@switchboard/contracts';
import { type Logger, newId, newInbox } from '@switchboard/runtime';

/** The replies of one gather, collected until all came or the caller's time is up. */
export interface Collector {
  /** The correlation id: the token of the reply subjects that names this gather. */
  readonly id: string;
  /** The reply subject of part `i`: an inbox of this router instance. */
  subject(i: number): string;
  /**
   * Waits until every part replied or `until` (epoch ms) passed; then stops collecting. Each entry
   * is a part's first reply, `undefined` where none came.
   */
  wait(until: number): Promise<(AskReply | undefined)[]>;
  /** Part `i` will not reply (queued, or not handed on): not waited for. */
  skip(i: number): void;
  /** Stops collecting without waiting (a scatter that failed). */
  cancel(): void;
}

/** Every gather of this router instance, on one subscription: `<inbox>.<correlation id>.<part>`. */
export interface GatherInbox {
  open(parts: number): Collector;
  /** Gathers running now. */
  pending(): number;
  /**
   * Ends every gather still waiting (each answers with the parts that came), then unsubscribes: a
   * stopping router does not leave callers with long deadlines without an answer.
   */
  close(): Promise<void>;
}

interface Open {
  replies: (AskReply | undefined)[];
  /** Parts neither replied nor skipped. */
  waiting: Set<number>;
  done: () => void;
}

/**
 * Subscribes once to `<this connection's inbox>.>` (the router's identity may subscribe
 * `_INBOX.router.>`; agents answer only `_INBOX.` subjects) and routes each reply to its gather by
 * correlation id. A reply for a gather that has ended (a late part, a redelivered answer) is
 * dropped: the part's answer is in its session anyway.
 */
export async function createGatherInbox(nc: NatsConnection, log: Logger): Promise<GatherInbox> {
  const base = newInbox(nc);
  const open = new Map<string, Open>();
  const onReply = (subject: string, data: Uint8Array) => {
    const [id, part] = subject.slice(base.length + 1).split('.');
    const g = id === undefined ? undefined : open.get(id);
    const i = Number(part);
    if (!g || !Number.isInteger(i) || !g.waiting.has(i)) return;
    const parsed = AskReply.safeParse(safeJson(data));
    if (!parsed.success) {
      log.warn({ subject }, 'gather: a part reply that is not an ask reply was dropped');
      return;
    }
    g.replies[i] = parsed.data;
    g.waiting.delete(i);
    if (g.waiting.size === 0) g.done();
  };
  const sub: Subscription = nc.subscribe(`${base}.>`, {
    callback: (err, msg) => {
      if (err) log.error({ err }, 'gather inbox subscription error');
      else onReply(msg.subject, msg.data);
    },
  });
  // The subscription must be in place on the server before the first task names it.
  await nc.flush();
  return {
    open(parts: number): Collector {
      const id = newId();
      let done!: () => void;
      const all = new Promise<void>((resolve) => {
        done = resolve;
      });
      const g: Open = {
        replies: new Array(parts).fill(undefined),
        waiting: new Set(Array.from({ length: parts }, (_, i) => i)),
        done,
      };
      open.set(id, g);
      return {
        id,
        subject: (i) => `${base}.${id}.${i}`,
        async wait(until) {
          let timer: NodeJS.Timeout | undefined;
          const timeUp = new Promise<void>((resolve) => {
            timer = setTimeout(resolve, Math.max(0, until - Date.now()));
          });
          try {
            await Promise.race([all, timeUp]);
          } finally {
            clearTimeout(timer);
            open.delete(id);
          }
          return [...g.replies];
        },
        skip(i) {
          g.waiting.delete(i);
          if (g.waiting.size === 0) g.done();
        },
        cancel: () => {
          open.delete(id);
        },
      };
    },
    pending: () => open.size,
    close: async () => {
      for (const g of open.values()) g.done();
      await sub.drain().catch(() => undefined);
    },
  };
}

function safeJson(data: Uint8Array): unknown {
  try {
    return decodeJson(data, 'reply');
  } catch {
    return undefined;
  }
}
