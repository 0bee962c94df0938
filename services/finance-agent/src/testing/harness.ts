import type { DomainEvent, ToolContext } from '@switchboard/agent-kit';
import { createLogger, type Logger, listEntries, type NatsConnection } from '@switchboard/runtime';
import { type FinanceStore, openFinanceStore } from '../store/finance-store.js';

/** Helpers for the Finance tests: a pinned clock, a quiet logger, tool contexts, KV snapshots. */

/** Sunday 15 November 2026, 10:00 UTC: Q4 2026. */
export const testNow = new Date('2026-11-15T10:00:00.000Z');
export const clock = (): Date => testNow;

export function quietLog(): Logger {
  return createLogger({ service: 'finance-test', level: 'silent' });
}

let counter = 0;
/** A fresh bucket name per call, so tests never see each other's writes. */
export function uniqueBucket(prefix = 'finance_test'): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}

export async function openTestStore(nc: NatsConnection, bucket = uniqueBucket()): Promise<FinanceStore> {
  return openFinanceStore({ nc, log: quietLog(), now: clock, bucket });
}

/** A tool context for `userId` and `taskId`; emitted events land in `events`. */
export function toolContext(
  userId: string | undefined,
  taskId: string,
  events: DomainEvent[] = [],
): ToolContext & { events: DomainEvent[] } {
  return {
    userId,
    taskId,
    log: quietLog(),
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
    events,
  };
}

/** Every key of the bucket with its revision: equal snapshots mean nothing was written. */
export async function snapshot(store: FinanceStore): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const e of await listEntries(store.kv)) out[e.key] = e.revision;
  return out;
}
