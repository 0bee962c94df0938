import { createHash } from 'node:crypto';
import { type ListTasksRequest, type ListTasksResponse, Task } from '@a2a-js/sdk';
import {
  InMemoryTaskStore,
  resolveUserScope,
  type ServerCallContext,
  type TaskStore,
} from '@a2a-js/sdk/server';
import type { KV } from '@nats-io/kv';
import { listEntries } from '@switchboard/runtime';
import type { ContextSessions } from './executor.js';

/**
 * One KV key token for any string: the SHA-256 of it, base64url (43 characters of `[A-Za-z0-9_-]`).
 * Task ids, context ids and user names come from callers; hashed, none can break out of its key.
 */
function token(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** The caller's scope, as the SDK's own store takes it: the tenant and the user. */
function scopeOf(context: ServerCallContext): string {
  return token(`${context.tenant ?? ''}\u0000${resolveUserScope(context)}`);
}

/** Key of one task record: `t.<scope>.<task>`, so one caller's tasks are the keys `t.<scope>.>`. */
export function taskKey(taskId: string, context: ServerCallContext): string {
  return `t.${scopeOf(context)}.${token(taskId)}`;
}

/**
 * The SDK's `TaskStore` over the `a2a_tasks` bucket: a task saved by one gateway is found by any
 * other, and after a restart. Records are the protocol's JSON (`Task.toJSON`), scoped to the
 * caller like the SDK's `InMemoryTaskStore` (tenant and user), so another user's `GetTask` finds
 * nothing. `settle` may bring a loaded task up to date (a queued turn answered since).
 */
export class KvTaskStore implements TaskStore {
  constructor(
    private readonly kv: KV,
    private readonly settle?: (task: Task, context: ServerCallContext) => Promise<Task | undefined>,
  ) {}

  async save(task: Task, context: ServerCallContext): Promise<void> {
    await this.kv.put(taskKey(task.id, context), JSON.stringify(Task.toJSON(task)));
  }

  async load(taskId: string, context: ServerCallContext): Promise<Task | undefined> {
    const entry = await this.kv.get(taskKey(taskId, context));
    if (entry?.operation !== 'PUT' || entry.length === 0) return undefined;
    const task = Task.fromJSON(entry.json());
    const settled = await this.settle?.(task, context);
    if (!settled) return task;
    await this.save(settled, context);
    return settled;
  }

  /**
   * The caller's tasks, filtered and paged exactly as the SDK does: they are read from the bucket
   * (`t.<scope>.>`) into an `InMemoryTaskStore` of this call, which answers the list.
   */
  async list(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    const view = new InMemoryTaskStore();
    for (const entry of await listEntries(this.kv, `t.${scopeOf(context)}.>`))
      await view.save(Task.fromJSON(entry.json()), context);
    return view.list(params, context);
  }
}

/**
 * The A2A contexts in the `a2a_tasks` bucket: `c.<context key>` → the Switchboard session, so a
 * context continues its session from any gateway and after a restart.
 */
export function kvContextSessions(kv: KV): ContextSessions {
  return {
    async get(key) {
      const entry = await kv.get(`c.${token(key)}`);
      return entry && entry.operation === 'PUT' && entry.length > 0 ? entry.string() : undefined;
    },
    async set(key, sessionId) {
      await kv.put(`c.${token(key)}`, sessionId);
    },
  };
}

/** The contexts of one process, for a gateway without the bucket (unit tests, `buildGateway` alone). */
export function memoryContextSessions(): ContextSessions {
  const map = new Map<string, string>();
  return {
    get: async (key) => map.get(key),
    set: async (key, sessionId) => {
      map.set(key, sessionId);
    },
  };
}
