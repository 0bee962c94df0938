import type { AgentCard } from '@a2a-js/sdk';
import { A2A_LEGACY_PROTOCOL_VERSION } from '@a2a-js/sdk/compat/v0_3';
import { LegacyJsonRpcTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import {
  DefaultRequestHandler,
  InMemoryTaskStore,
  JsonRpcTransportHandler,
  ServerCallContext,
  type TaskStore,
  type User,
  validateVersion,
} from '@a2a-js/sdk/server';
import type { KV } from '@nats-io/kv';
import type { StoredSession } from '@switchboard/runtime';
import { gatewayCard } from './cards.js';
import type { OpenChunks } from './chunk-events.js';
import {
  type A2aCaller,
  type AskTurn,
  type ContextSessions,
  callerKey,
  SwitchboardExecutor,
} from './executor.js';
import { settleQueued } from './settle-queued.js';
import { KvTaskStore, kvContextSessions, memoryContextSessions } from './task-store.js';

class Caller implements User {
  constructor(private readonly id: string | undefined) {}
  get isAuthenticated() {
    return this.id !== undefined;
  }
  get userName() {
    return this.id ?? 'anonymous';
  }
}

/** The SDK's handlers for one target (an agent type, or the router when undefined). */
export interface Transports {
  v1: JsonRpcTransportHandler;
  legacy: LegacyJsonRpcTransportHandler;
  /** The card the SDK checks versions and input modes against. */
  card: AgentCard;
}

export interface A2aServiceDeps {
  ask: AskTurn;
  secure: boolean;
  /** The `a2a_tasks` bucket: tasks and contexts shared by every gateway. Absent: in this process only. */
  tasksKv?: KV | undefined;
  /** Opens a streamed answer's chunks: with it streaming methods stream the answer (docs/streaming.md). */
  chunks?: OpenChunks | undefined;
  /** Reads a session: with it a queued task is settled when its answer has landed. */
  readSession?: ((sessionId: string) => Promise<StoredSession | null>) | undefined;
}

/** The task store and contexts of one gateway: in `a2a_tasks` when given, else in memory. */
function storesOf(deps: A2aServiceDeps): { store: TaskStore; sessions: ContextSessions } {
  if (!deps.tasksKv) return { store: new InMemoryTaskStore(), sessions: memoryContextSessions() };
  return {
    store: new KvTaskStore(deps.tasksKv, deps.readSession && settleQueued(deps.readSession)),
    sessions: kvContextSessions(deps.tasksKv),
  };
}

/**
 * The A2A request handling shared by HTTP (`route.ts`) and NATS (`nats-binding.ts`): per target,
 * the SDK's `DefaultRequestHandler` with our executor, behind its JSON-RPC handlers (v1.0, and
 * v0.3 when no `A2A-Version: 1.0` is sent).
 */
export function createA2aService(deps: A2aServiceDeps): (target: string | undefined) => Transports {
  const { store, sessions } = storesOf(deps);
  const transports = new Map<string, Transports>();
  return (target) => {
    const key = target ?? '';
    let t = transports.get(key);
    if (!t) {
      const card = gatewayCard([], target ? `/a2a/${target}` : '/a2a', deps.secure);
      // Without chunks the published cards say `streaming: false`; a caller that streams anyway
      // gets the turn's events (task, answer, final status), so the SDK's own check lets it through.
      card.capabilities = { ...card.capabilities!, streaming: true };
      const handler = new DefaultRequestHandler(
        card,
        store,
        new SwitchboardExecutor(target, deps.ask, sessions, deps.chunks),
      );
      t = {
        v1: new JsonRpcTransportHandler(handler),
        legacy: new LegacyJsonRpcTransportHandler(handler),
        card,
      };
      transports.set(key, t);
    }
    return t;
  };
}

/** A JSON-RPC error response. */
export function rpcError(id: unknown, error: { code: number; message: string }) {
  return { jsonrpc: '2.0', id: id ?? null, error };
}

/** What one JSON-RPC request gave: one response, or a stream of them (each a JSON-RPC response). */
export type RpcOutcome =
  | { kind: 'unary'; response: unknown }
  | {
      kind: 'stream';
      events: AsyncGenerator<unknown>;
      mapError: (err: unknown) => { code: number; message: string };
    };

/**
 * Hands one parsed JSON-RPC request to the SDK as `caller`, with the `A2A-Version` the caller sent
 * (none: v0.3). Errors come back as JSON-RPC error responses, never thrown.
 */
export async function callA2a(
  t: Transports,
  body: { id?: unknown } & Record<string, unknown>,
  caller: A2aCaller,
  version: string | undefined,
): Promise<RpcOutcome> {
  const requested = version !== undefined && version !== '' ? version : undefined;
  const legacy = (requested ?? A2A_LEGACY_PROTOCOL_VERSION) === A2A_LEGACY_PROTOCOL_VERSION;
  const streaming = body.method === 'SendStreamingMessage' || body.method === 'message/stream';
  const context = new ServerCallContext({
    user: new Caller(caller.userId),
    ...(requested ? { requestedVersion: requested } : {}),
    state: new Map<string, unknown>([[callerKey, { ...caller, streaming }]]),
  });
  const mapError = legacy
    ? LegacyJsonRpcTransportHandler.mapToLegacyJSONRPCError
    : JsonRpcTransportHandler.mapToJSONRPCError;
  try {
    validateVersion(context.requestedVersion, t.card, 'JSONRPC');
    const out = await (legacy ? t.legacy : t.v1).handle(body, context);
    if (out && typeof out === 'object' && Symbol.asyncIterator in out)
      return { kind: 'stream', events: out as AsyncGenerator<unknown>, mapError };
    return { kind: 'unary', response: out };
  } catch (err) {
    return { kind: 'unary', response: rpcError(body.id, mapError(err)) };
  }
}
