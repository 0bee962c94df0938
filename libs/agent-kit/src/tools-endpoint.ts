import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  decodeJson,
  encodeJson,
  Limits,
  Names,
  parseWith,
  Subjects,
  SwitchboardError,
  type SwitchboardEvent,
  type ToolDescription,
  ToolsRequest,
} from '@switchboard/contracts';
import {
  authorizationOf,
  type Caller,
  type InFlight,
  identifyCaller,
  type Logger,
  type Metrics,
  newSecretId,
  type RequestContext,
  serveEndpoint,
  type TokenVerifier,
} from '@switchboard/runtime';
import { z } from 'zod';
import type { DomainEvent } from './engine.js';
import type { ToolExecutor, ToolResult } from './tools/executor.js';
import type { Tool, ToolContext } from './tools/types.js';

/** Settings of {@link serveToolsEndpoint}. */
export interface ToolsEndpointOptions {
  agent: string;
  nc: NatsConnection;
  /** Publishes the domain events a call caused, as a turn's are. */
  js: JetStreamClient;
  executor: ToolExecutor;
  log: Logger;
  metrics: Metrics;
  inFlight: InFlight;
  /** Verifies the caller's token; absent: open mode, the request's `userId` is trusted. */
  tokens?: TokenVerifier | undefined;
}

/**
 * Serves `agents.<agent>.tools` in the agent's queue group: `{"op":"list"}` answers the agent's
 * tools with the JSON Schema of their input, `{"op":"call","name","arguments"}` runs one through
 * the executor (input checked against its schema, timeout, breaker) and answers its result. The
 * caller is identified exactly as on `agents.<agent>.ask`; the tool runs as that user. Each call
 * gets a fresh task id: the tools key their changes by it, so a call is one change, and a call
 * sent again is another (see docs/mcp.md).
 */
export function serveToolsEndpoint(opts: ToolsEndpointOptions): Subscription {
  const { agent } = opts;
  const described = describeTools(opts.executor.tools);
  return serveEndpoint({
    nc: opts.nc,
    subject: Subjects.agentTools(agent),
    queue: Names.agentQueue(agent),
    endpoint: `agents.${agent}.tools`,
    log: opts.log,
    metrics: opts.metrics,
    inFlight: opts.inFlight,
    handle: async (msg, ctx) => {
      const req = decodeToolsRequest(msg.data);
      const caller = await identifyCaller(opts.tokens, authorizationOf(msg.headers), req.userId);
      if (req.op === 'list') return { ok: true, agent, tools: described };
      const result = await callTool(opts, req.name, req.arguments ?? {}, caller, ctx);
      return { ok: true, agent, result };
    },
  });
}

/** A request on `agents.<agent>.tools`, checked: size, JSON, then the contract. */
export function decodeToolsRequest(data: Uint8Array): ToolsRequest {
  if (data.byteLength > Limits.maxPayloadBytes) {
    throw new SwitchboardError('payload_too_large', `payload is over ${Limits.maxPayloadBytes} bytes`);
  }
  return parseWith(ToolsRequest, decodeJson(data, 'tools request'), 'tools request');
}

/**
 * The tools as `op: list` answers them: name, description and the JSON Schema of the input (input
 * side: fields with defaults are optional), computed once.
 */
export function describeTools(tools: readonly Tool[]): ToolDescription[] {
  return tools.map((t) => {
    const { $schema: _, ...inputSchema } = z.toJSONSchema(t.input, {
      io: 'input',
      unrepresentable: 'any',
    }) as Record<string, unknown>;
    return { name: t.name, description: t.description, inputSchema };
  });
}

/**
 * Runs one tool for the caller with a fresh task id, bounded by the caller's deadline; the domain
 * events of a successful call are published as `events.<agent>.<kind>` (without a session).
 */
async function callTool(
  opts: ToolsEndpointOptions,
  name: string,
  args: Record<string, unknown>,
  caller: Caller,
  ctx: RequestContext,
): Promise<ToolResult> {
  const events: DomainEvent[] = [];
  const taskId = newSecretId();
  const signal =
    ctx.deadline === undefined
      ? new AbortController().signal
      : AbortSignal.timeout(Math.max(1, ctx.deadline - Date.now()));
  const toolCtx: ToolContext = {
    userId: caller.userId,
    taskId,
    get log() {
      return ctx.log;
    },
    signal,
    emit: (e) => events.push(e),
  };
  const result = await opts.executor.execute(name, args, toolCtx);
  if (result.ok && events.length > 0) {
    // The change is made: a lost event must not turn the caller's result into an error.
    await publishCallEvents(opts, taskId, caller, events).catch((err: unknown) =>
      ctx.log.warn({ err, tool: name }, 'domain events of a tool call not published'),
    );
  }
  return result;
}

/** Publishes a call's domain events; each id derives from the call's task id (deduplicated by the stream). */
async function publishCallEvents(
  opts: ToolsEndpointOptions,
  taskId: string,
  caller: Caller,
  events: readonly DomainEvent[],
): Promise<void> {
  const at = new Date().toISOString();
  await Promise.all(
    events.map((e, i) => {
      const type = `${opts.agent}.${e.kind}`;
      const ev: SwitchboardEvent = {
        eventId: `${taskId}.${type}.${i}`,
        type,
        at,
        agent: opts.agent,
        taskId,
        ...(caller.userId ? { userId: caller.userId } : {}),
        data: e.data,
      };
      return opts.js.publish(Subjects.event(opts.agent, e.kind), encodeJson(ev), { msgID: ev.eventId });
    }),
  );
}
