import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { Match, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { isInboxSubject, Limits, Names, Subjects, SwitchboardError, UserId } from '@switchboard/contracts';
import {
  bearerToken,
  formatTraceparent,
  identifyCaller,
  newId,
  nextHop,
  type TokenVerifier,
} from '@switchboard/runtime';
import { startDurableInbox } from './durable-inbox.js';
import {
  A2aNatsHeaders,
  responseHeaders,
  type StreamResponse,
  storedResponses,
  storeResponse,
} from './event-log.js';
import type { A2aCaller } from './executor.js';
import { callA2a, rpcError, type Transports } from './handlers.js';

/** JSON-RPC codes of the binding's own errors (the protocol's codes are the SDK's). */
export const A2aNatsErrors = {
  parse: -32700,
  invalidRequest: -32600,
  internal: -32603,
  /** No valid bearer token in secure mode (server-defined range; HTTP answers 401). */
  unauthenticated: -32000,
} as const;

export interface A2aNatsDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  /** The agent types served at `a2a.<agent>` (besides the router at `a2a.switchboard`). */
  agents: readonly string[];
  transportsOf: (target: string | undefined) => Transports;
  tokens?: TokenVerifier | undefined;
  /** How long a resumed stream waits for the next stored response, ms. */
  timeoutMs: number;
}

/** The card's `url` of the NATS interface: `nats://<server>/a2a.<agent>` (or `a2a.switchboard`). */
export function natsInterfaceUrl(nc: NatsConnection, target: string | undefined): string {
  return `nats://${nc.getServer()}/${target ? Subjects.a2aAgent(target) : Subjects.a2aRouter}`;
}

/** One A2A request, as a NATS message or a message of the durable inbox brings it. */
export interface A2aInput {
  data: Uint8Array;
  headers?: MsgHdrs | undefined;
}

/** Sends one response (the JSON-RPC body, the binding's headers) to where the caller wants it. */
export type SendResponse = (data: string, headers: MsgHdrs) => Promise<void>;

function header(msg: A2aInput, name: string): string | undefined {
  const v = msg.headers?.get(name, Match.IgnoreCase);
  return v === undefined || v === '' ? undefined : v;
}

type RpcBody = { id?: unknown; method?: unknown; params?: unknown } & Record<string, unknown>;

/** The request's JSON-RPC body, or the JSON-RPC error that answers it. */
function parseBody(msg: A2aInput): { body: RpcBody } | { error: object } {
  if (msg.data.byteLength > Limits.maxPayloadBytes) {
    const message = `Invalid Request: the payload is over ${Limits.maxPayloadBytes} bytes`;
    return { error: rpcError(null, { code: A2aNatsErrors.invalidRequest, message }) };
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(msg.data));
  } catch {
    return {
      error: rpcError(null, { code: A2aNatsErrors.parse, message: 'Parse error: send one JSON-RPC request' }),
    };
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    (body as RpcBody).jsonrpc !== '2.0'
  ) {
    const message = 'Invalid Request: send one JSON-RPC 2.0 request object (batches are not supported)';
    const id =
      typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as RpcBody).id : null;
    return { error: rpcError(id, { code: A2aNatsErrors.invalidRequest, message }) };
  }
  return { body: body as RpcBody };
}

/** The caller, as over HTTP: a valid bearer token in secure mode; `Switchboard-User` in open mode. */
async function callerOf(msg: A2aInput, tokens: TokenVerifier | undefined): Promise<A2aCaller> {
  const named = header(msg, A2aNatsHeaders.user);
  if (named !== undefined && !UserId.safeParse(named).success)
    throw new SwitchboardError('invalid_request', 'invalid Switchboard-User header');
  const authorization = header(msg, A2aNatsHeaders.authorization);
  const who = await identifyCaller(tokens, authorization, named);
  return {
    userId: who.userId,
    token: bearerToken(authorization),
    requestId: newId(),
    traceparent: formatTraceparent(nextHop(undefined)),
  };
}

/** The task a stream response is about (`task`, `statusUpdate`, `artifactUpdate` results). */
function taskIdOf(response: unknown): string | undefined {
  const result = (response as { result?: Record<string, { id?: unknown; taskId?: unknown }> }).result;
  const inner = result && (result.task ?? result.statusUpdate ?? result.artifactUpdate);
  const id = inner?.id ?? inner?.taskId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Sends a stream's responses to the caller's inbox, each stored first in `A2A_EVENTS` (so what the
 * caller saw can always be read again), numbered from 1; the last carries `A2A-Final: true`. One
 * response is held back until the next arrives, to know which is last.
 */
async function relayStream(
  deps: A2aNatsDeps,
  send: SendResponse,
  id: unknown,
  events: AsyncGenerator<unknown>,
  mapError: (err: unknown) => { code: number; message: string },
): Promise<void> {
  const streamId = randomUUID();
  let seq = 0;
  let taskId: string | undefined;
  let held: unknown;
  const relay = async (response: unknown, final: boolean) => {
    taskId ??= taskIdOf(response);
    const r: StreamResponse = { streamId, seq: ++seq, final, data: JSON.stringify(response) };
    if (taskId) await storeResponse(deps.js, taskId, r);
    await send(r.data, responseHeaders(r));
  };
  try {
    for await (const event of events) {
      if (held !== undefined) await relay(held, false);
      held = event;
    }
  } catch (err) {
    if (held !== undefined) await relay(held, false);
    held = rpcError(id, mapError(err));
  }
  await relay(
    held ?? rpcError(id, { code: A2aNatsErrors.internal, message: 'the stream ended empty' }),
    true,
  );
}

/**
 * One A2A request for `target` (an agent type, or the router when undefined): answered once, or
 * streamed, through `send`. Every outcome is a response, bad input included.
 */
export async function serveA2aRequest(
  deps: A2aNatsDeps,
  msg: A2aInput,
  target: string | undefined,
  send: SendResponse,
): Promise<void> {
  const parsed = parseBody(msg);
  const answer = (response: unknown) =>
    send(JSON.stringify(response), responseHeaders({ streamId: '', seq: 1, final: true }));
  if ('error' in parsed) return answer(parsed.error);
  const { body } = parsed;
  let caller: A2aCaller;
  try {
    caller = await callerOf(msg, deps.tokens);
  } catch (err) {
    const message = err instanceof SwitchboardError ? `${err.code}: ${err.message}` : 'unauthenticated';
    return answer(rpcError(body.id, { code: A2aNatsErrors.unauthenticated, message }));
  }
  const t = deps.transportsOf(target);
  const resumeFrom = header(msg, A2aNatsHeaders.streamId);
  if (body.method === 'SubscribeToTask' && resumeFrom !== undefined) {
    const after = Number(header(msg, A2aNatsHeaders.seq) ?? '0');
    return resume(deps, { send, body, t, caller, streamId: resumeFrom, after }, answer);
  }
  const out = await callA2a(t, body, caller, header(msg, A2aNatsHeaders.version));
  if (out.kind === 'unary') return answer(out.response);
  return relayStream(deps, send, body.id, out.events, out.mapError);
}

interface ResumeRequest {
  send: SendResponse;
  body: RpcBody;
  t: Transports;
  caller: A2aCaller;
  streamId: string;
  after: number;
}

/**
 * Resumes a stream (`SubscribeToTask` with `A2A-Stream-Id` and the last `A2A-Seq` seen): the
 * caller must see the task (`GetTask` as the caller), then gets the stored responses after that
 * position, then those still to come, up to the final one.
 */
async function resume(deps: A2aNatsDeps, r: ResumeRequest, answer: (response: unknown) => Promise<void>) {
  const taskId = (r.body.params as { id?: unknown } | undefined)?.id;
  const notFound = rpcError(r.body.id, { code: -32001, message: 'Task not found' });
  if (typeof taskId !== 'string' || !Number.isSafeInteger(r.after) || r.after < 0) return answer(notFound);
  const get = { jsonrpc: '2.0', id: r.body.id, method: 'GetTask', params: { id: taskId } };
  const seen = await callA2a(r.t, get, r.caller, '1.0');
  if (seen.kind !== 'unary' || 'error' in (seen.response as object))
    return answer(seen.kind === 'unary' ? seen.response : notFound);
  let last = r.after;
  try {
    for await (const s of storedResponses(deps.js, taskId, r.streamId, r.after, deps.timeoutMs)) {
      await r.send(s.data, responseHeaders(s));
      last = s.seq;
      if (s.final) return;
    }
  } catch {
    // Falls through to the error below.
  }
  const message = `no stored response after A2A-Seq ${last} within ${deps.timeoutMs} ms: the stream did not finish`;
  await r.send(
    JSON.stringify(rpcError(r.body.id, { code: A2aNatsErrors.internal, message })),
    responseHeaders({ streamId: r.streamId, seq: last + 1, final: true }),
  );
}

/**
 * A2A over NATS (docs/a2a.md): the gateway serves `a2a.switchboard` (the router picks the agent) and
 * `a2a.<agent>` in queue groups `a2a-<target>`, with the same SDK handlers as `POST /a2a`, and the
 * durable requests of `a2a.inbox.<target>` (`durable-inbox.ts`).
 */
export function startA2aNatsBinding(deps: A2aNatsDeps): { stop(): Promise<void> } {
  const inFlight = new Set<Promise<void>>();
  const subs: Subscription[] = [undefined, ...deps.agents].map((target) => {
    const subject = target ? Subjects.a2aAgent(target) : Subjects.a2aRouter;
    return deps.nc.subscribe(subject, {
      queue: Names.a2aQueue(target ?? 'switchboard'),
      callback: (err, msg) => {
        // Answers go only to inboxes, never into a stream or another service's subject.
        if (err || !msg.reply || !isInboxSubject(msg.reply)) return;
        const reply = msg.reply;
        const send: SendResponse = async (data, headers) => deps.nc.publish(reply, data, { headers });
        const p = serveA2aRequest(deps, msg, target, send).catch(() => undefined);
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      },
    });
  });
  const inbox = startDurableInbox(deps);
  return {
    async stop() {
      await Promise.all([...subs.map((s) => s.drain().catch(() => undefined)), inbox.stop()]);
      await Promise.all(inFlight);
    },
  };
}
