import { PassThrough } from 'node:stream';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import {
  AskReply,
  type AskReplyError,
  type ChunkMessage,
  decodeJson,
  encodeJson,
  errorReply,
  type Failure,
  HeaderNames,
  isStreamId,
  parseEventId,
  Subjects,
  SwitchboardError,
} from '@switchboard/contracts';
import { type Guard, identifyCaller, type Logger, type TokenVerifier } from '@switchboard/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ChunkSource, newStreamId, openChunkSource } from './chunk-source.js';

/** The resume route's metric label (primed with the others in `buildGateway`). */
export const streamRoute = 'GET /v1/streams/:id';

/** How long a streamed answer waits for its reply record once the reply is in, ms. */
const REPLY_RECORD_WAIT_MS = 5000;

/** What the streamed `POST /v1/ask` and `GET /v1/streams/<id>` need; the error helpers are the gateway's. */
export interface StreamingDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  natsGuard: Guard;
  log: Logger;
  timeoutMs: number;
  tokens?: TokenVerifier | undefined;
  sendError(reply: FastifyReply, body: AskReplyError, requestId: string): FastifyReply;
  natsFailure(err: unknown): SwitchboardError | Failure;
}

/** The request asks for Server-Sent Events (`Accept: text/event-stream`). */
export function wantsEventStream(req: FastifyRequest): boolean {
  const accept = req.headers.accept;
  return typeof accept === 'string' && accept.includes('text/event-stream');
}

/** An SSE response: events written as they come; ends when the relay ends or the client leaves. */
class EventStream {
  readonly body = new PassThrough();
  closed = false;
  constructor(
    reply: FastifyReply,
    readonly streamId: string,
    onClose: () => void,
  ) {
    reply.raw.on('close', () => {
      this.closed = true;
      onClose();
    });
  }
  chunk(seq: number, text: string, restart?: boolean): void {
    // `restart`: the text shown before this chunk is void (docs/streaming.md).
    const data = JSON.stringify(restart ? { seq, text, restart } : { seq, text });
    this.write(`id: ${this.streamId}:${seq}\nevent: chunk\ndata: ${data}\n\n`);
  }
  event(name: string, data: unknown): void {
    this.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }
  end(): void {
    if (!this.body.writableEnded) this.body.end();
  }
  private write(s: string): void {
    if (!this.closed && !this.body.writableEnded) this.body.write(s);
  }
}

function startEvents(reply: FastifyReply, requestId: string, events: EventStream): FastifyReply {
  return reply
    .code(200)
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('x-accel-buffering', 'no')
    .header('x-request-id', requestId)
    .header(HeaderNames.streamId, events.streamId)
    .send(events.body);
}

/** Relays one message; `true` when the stream is complete (the reply record was relayed). */
function relayOne(events: EventStream, m: ChunkMessage, state: { lastSeq: number }): boolean {
  if (m.kind === 'reply') {
    events.event('reply', decodeJson(m.data, 'reply'));
    return true;
  }
  // Nothing twice: a chunk at or below the last one sent (seen before the drop, or stored twice) is skipped.
  if (m.seq > state.lastSeq) {
    events.chunk(m.seq, m.text, m.restart);
    state.lastSeq = m.seq;
  }
  return false;
}

/**
 * `POST /v1/ask` with `Accept: text/event-stream`: picks a stream id, sends `agents.ask` with it
 * (`Switchboard-Stream`), and relays the agent's chunks as `chunk` events, then the reply as a
 * `reply` event. A reply that comes without chunks (refused, queued, a clarifying question) is sent
 * as the `reply` event at once. `h` holds the request's headers, already written.
 */
export async function askStreamed(
  deps: StreamingDeps,
  reply: FastifyReply,
  requestId: string,
  body: unknown,
  h: MsgHdrs,
): Promise<FastifyReply> {
  const streamId = newStreamId();
  h.set(HeaderNames.streamId, streamId);
  // Opened before the request, so nothing the agent streams can be missed.
  const source = await deps.natsGuard
    .execute(() => openChunkSource(deps.js, streamId))
    .catch((err: unknown) => {
      throw deps.natsFailure(err);
    });
  const answer = deps.natsGuard
    .execute(() => deps.nc.request(Subjects.ask, encodeJson(body), { timeout: deps.timeoutMs, headers: h }))
    .then((msg) => {
      const parsed = AskReply.safeParse(decodeJson(msg.data, 'reply'));
      if (!parsed.success) throw new SwitchboardError('internal', 'the reply did not match the contract');
      return parsed.data;
    })
    .catch((err: unknown) => errorReply(deps.natsFailure(err)));
  const events = new EventStream(reply, streamId, () => source.stop());
  void relayLive(events, source, answer, deps.log).finally(() => {
    source.stop();
    events.end();
  });
  events.event('stream', { streamId });
  return startEvents(reply, requestId, events);
}

async function relayLive(
  events: EventStream,
  source: ChunkSource,
  answer: Promise<AskReply>,
  log: Logger,
): Promise<void> {
  const state = { lastSeq: 0 };
  let answered: AskReply | undefined;
  void answer.then((a) => {
    answered = a;
  });
  // Once the reply is in: until when its reply record may still come (undefined: not checked yet).
  let waitUntil: number | undefined;
  while (!events.closed) {
    const m = await source.next(250);
    if (m) {
      if (relayOne(events, m, state)) return;
      continue;
    }
    if (answered === undefined) continue; // the request has its own timeout: it always settles
    if (waitUntil === undefined) {
      // The agent stores its chunks before it replies: nothing stored means nothing was streamed.
      if (!(await source.anyStored().catch(() => false))) return events.event('reply', answered);
      waitUntil = Date.now() + REPLY_RECORD_WAIT_MS;
    } else if (Date.now() > waitUntil) {
      log.warn({ streamId: events.streamId }, 'streamed answer without its reply record: reply sent as is');
      return events.event('reply', answered);
    }
  }
}

/**
 * `GET /v1/streams/<id>` (SSE): replays a stream from the chunk after `Last-Event-ID`
 * (`<streamId>:<seq>`; none: from the first) out of `AGENT_CHUNKS`, then follows it live until the
 * reply record, sent as the `reply` event. Secure mode: a valid token (401), and only the user the
 * answer was for (403). Nothing stored within the gateway timeout: 504 `timeout`.
 */
export function registerStreamRoute(app: FastifyInstance, deps: StreamingDeps): void {
  app.get<{ Params: { id: string } }>('/v1/streams/:id', async (req, reply) => {
    const requestId = (req as { requestId?: string }).requestId!;
    let source: ChunkSource | undefined;
    try {
      const caller = deps.tokens
        ? await identifyCaller(deps.tokens, req.headers.authorization, undefined)
        : undefined;
      const streamId = req.params.id;
      if (!isStreamId(streamId)) throw new SwitchboardError('invalid_request', 'invalid stream id');
      const lastHeader = req.headers['last-event-id'];
      const last = typeof lastHeader === 'string' && lastHeader !== '' ? parseEventId(lastHeader) : undefined;
      if (lastHeader && (!last || last.streamId !== streamId)) {
        throw new SwitchboardError(
          'invalid_request',
          'Last-Event-ID must be <streamId>:<seq> of this stream',
        );
      }
      const opened = await deps.natsGuard
        .execute(() => openChunkSource(deps.js, streamId))
        .catch((err: unknown) => {
          throw deps.natsFailure(err);
        });
      source = opened;
      const first = await opened.next(deps.timeoutMs);
      if (!first) throw new SwitchboardError('timeout', 'nothing was streamed under this id');
      // Bound to its user: in secure mode only the user the answer is for may read it.
      if (caller && first.userId !== caller.userId)
        throw new SwitchboardError('forbidden', 'not your stream');
      const events = new EventStream(reply, streamId, () => opened.stop());
      void relayStored(events, opened, first, last?.seq ?? 0, deps.timeoutMs).finally(() => {
        opened.stop();
        events.end();
      });
      return startEvents(reply, requestId, events);
    } catch (err) {
      source?.stop();
      return deps.sendError(reply, errorReply(err), requestId);
    }
  });
}

async function relayStored(
  events: EventStream,
  source: ChunkSource,
  first: ChunkMessage,
  afterSeq: number,
  waitMs: number,
): Promise<void> {
  const state = { lastSeq: afterSeq };
  let m: ChunkMessage | undefined = first;
  while (m && !events.closed) {
    // Every message of one stream is for the same user as its first.
    if (m.userId !== first.userId) break;
    if (relayOne(events, m, state)) return;
    m = await source.next(waitMs);
  }
  if (!events.closed) {
    events.event('error', errorReply(new SwitchboardError('timeout', 'the stream did not finish in time')));
  }
}
