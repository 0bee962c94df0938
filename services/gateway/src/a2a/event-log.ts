import type { ConsumerMessages, JetStreamClient } from '@nats-io/jetstream';
import { type MsgHdrs, headers as natsHeaders } from '@nats-io/transport-node';
import { Names, Subjects } from '@switchboard/contracts';

/** The headers of A2A over NATS (docs/a2a.md, "A2A over NATS"). */
export const A2aNatsHeaders = {
  version: 'A2A-Version',
  /** The position of a stream response in its stream, from 1. */
  seq: 'A2A-Seq',
  /** `true` on the last response of a stream. */
  final: 'A2A-Final',
  /** The stream a response belongs to (one per streaming request); with `A2A-Seq`, what to resume. */
  streamId: 'A2A-Stream-Id',
  authorization: 'Authorization',
  /** Open mode only: the user the request is made for (as the HTTP `Switchboard-User`). */
  user: 'Switchboard-User',
} as const;

/** One stream response as stored in `A2A_EVENTS` and sent to the caller. */
export interface StreamResponse {
  streamId: string;
  seq: number;
  final: boolean;
  /** The JSON-RPC response, as JSON. */
  data: string;
}

/** The headers of a stream response. */
export function responseHeaders(r: Pick<StreamResponse, 'streamId' | 'seq' | 'final'>): MsgHdrs {
  const h = natsHeaders();
  if (r.streamId !== '') h.set(A2aNatsHeaders.streamId, r.streamId);
  h.set(A2aNatsHeaders.seq, String(r.seq));
  if (r.final) h.set(A2aNatsHeaders.final, 'true');
  return h;
}

/** Stores one stream response of task `taskId` (deduplicated by stream and position). */
export async function storeResponse(js: JetStreamClient, taskId: string, r: StreamResponse): Promise<void> {
  await js.publish(Subjects.a2aEvents(taskId), r.data, {
    headers: responseHeaders(r),
    msgID: `${r.streamId}.${r.seq}`,
  });
}

/**
 * The stored responses of one stream of task `taskId` after position `after`, in order, through an
 * ordered consumer on `a2a.events.<taskId>`: what a client that lost its connection did not see.
 * Ends after the final one, or yields nothing more once `idleMs` passed without a new one (the
 * gateway running the stream stopped).
 */
export async function* storedResponses(
  js: JetStreamClient,
  taskId: string,
  streamId: string,
  after: number,
  idleMs: number,
): AsyncGenerator<StreamResponse> {
  const consumer = await js.consumers.get(Names.a2aEventsStream, {
    filter_subjects: Subjects.a2aEvents(taskId),
  });
  const messages: ConsumerMessages = await consumer.consume();
  const it = messages[Symbol.asyncIterator]();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<'idle'>((r) => {
        timer = setTimeout(() => r('idle'), idleMs);
      });
      const got = await Promise.race([it.next(), idle]);
      clearTimeout(timer);
      if (got === 'idle' || got.done) return;
      const h = got.value.headers;
      if (h?.get(A2aNatsHeaders.streamId) !== streamId) continue;
      const seq = Number(h.get(A2aNatsHeaders.seq));
      const final = h.get(A2aNatsHeaders.final) === 'true';
      if (seq > after) yield { streamId, seq, final, data: got.value.string() };
      if (final) return;
    }
  } finally {
    messages.stop();
    // Gone at once rather than after the server's inactivity threshold.
    void consumer.delete().catch(() => undefined);
  }
}
