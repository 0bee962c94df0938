import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  createToolExecutor,
  type DomainEvent,
  type ToolContext,
  type ToolExecutor,
  type ToolResult,
} from '@switchboard/agent-kit';
import { createLogger, type Logger, listEntries } from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll } from 'vitest';
import { type HrStore, openHrStore } from '../store.js';
import { createHrTools } from '../tools/index.js';

/**
 * Test support (not used by the service): a real `nats-server` per test file, and per test a fresh
 * `hr_data`-like bucket seeded for a fixed day, with the HR tools behind an executor.
 */
export interface HrServer {
  server: NatsServer;
  nc: NatsConnection;
  log: Logger;
  close(): Promise<void>;
}

export async function startHrServer(): Promise<HrServer> {
  const server = await startNatsServer();
  const nc = await connect({ servers: server.url, noAsyncTraces: true });
  return {
    server,
    nc,
    log: createLogger({ service: 'hr-test', level: 'silent' }),
    async close() {
      await nc.close();
      await server.stop();
    },
  };
}

/**
 * One HR test server for the calling test file: started before its tests, closed after them. The
 * returned object reads through to it, so it can be used in tests and hooks as an `HrServer`.
 */
export function useHrServer(): HrServer {
  let started: HrServer | undefined;
  beforeAll(async () => {
    started = await startHrServer();
  });
  afterAll(async () => {
    await started?.close();
  });
  const current = (): HrServer => {
    if (!started) throw new Error('the HR test server is started in beforeAll');
    return started;
  };
  return {
    get server() {
      return current().server;
    },
    get nc() {
      return current().nc;
    },
    get log() {
      return current().log;
    },
    close: () => current().close(),
  };
}

let buckets = 0;

/** A unique bucket name for one test. */
export function testBucket(): string {
  return `hr_test_${process.pid}_${++buckets}`;
}

export interface HrToolsFixture {
  store: HrStore;
  executor: ToolExecutor;
  events: DomainEvent[];
  /** A tool context for `userId` (taskId defaults to a fresh one). */
  ctx(userId: string | undefined, taskId?: string): ToolContext;
  /** Every key of the bucket with its revision and value, to show nothing changed. */
  snapshot(): Promise<Record<string, { revision: number; value: string }>>;
}

let tasks = 0;

export async function hrTools(hr: HrServer, today: string): Promise<HrToolsFixture> {
  const store = await openHrStore(hr.nc, { today: () => today, bucket: testBucket() });
  const executor = createToolExecutor({
    agent: 'hr',
    tools: createHrTools({ store, today: () => today, now: () => new Date(`${today}T09:00:00.000Z`) }),
  });
  const events: DomainEvent[] = [];
  return {
    store,
    executor,
    events,
    ctx: (userId, taskId) => ({
      userId,
      taskId: taskId ?? `task-${++tasks}`,
      log: hr.log,
      signal: new AbortController().signal,
      emit: (e) => events.push(e),
    }),
    snapshot: () => snapshot(store),
  };
}

export async function snapshot(store: HrStore): Promise<Record<string, { revision: number; value: string }>> {
  const out: Record<string, { revision: number; value: string }> = {};
  for (const e of await listEntries(store.kv)) out[e.key] = { revision: e.revision, value: e.string() };
  return out;
}

/** A tool result's output; throws (failing the test) when the tool refused. */
export function outputOf<T>(r: ToolResult): T {
  if (!r.ok) throw new Error(`${r.tool} refused: ${r.error.code} ${r.error.message}`);
  return r.output as T;
}
