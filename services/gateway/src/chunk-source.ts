import { randomBytes } from 'node:crypto';
import type { ConsumerMessages, JetStreamClient } from '@nats-io/jetstream';
import { type ChunkMessage, Names, readChunkMessage, Subjects } from '@switchboard/contracts';

/** A stream id as the gateway makes them (`POST /v1/ask`, A2A streaming): 32 random hex digits. */
export function newStreamId(): string {
  return randomBytes(16).toString('hex');
}

/** The messages of one `chunks.<streamId>`, in order, from the first stored one on. */
export interface ChunkSource {
  /** The next message; `undefined` once `waitMs` passed without one (or after `stop`). */
  next(waitMs: number): Promise<ChunkMessage | undefined>;
  /** Whether the server had delivered or held anything for this stream when asked. */
  anyStored(): Promise<boolean>;
  stop(): void;
}

/**
 * Reads `chunks.<streamId>` from `AGENT_CHUNKS` through an ordered consumer (ephemeral, filtered on
 * the one subject, deliver all): a resumed client's chunks are read again from the stream and the
 * ones it saw are skipped by sequence. Messages whose headers are not a chunk's are skipped.
 */
export async function openChunkSource(js: JetStreamClient, streamId: string): Promise<ChunkSource> {
  const consumer = await js.consumers.get(Names.chunksStream, { filter_subjects: Subjects.chunks(streamId) });
  const messages: ConsumerMessages = await consumer.consume();
  const it = messages[Symbol.asyncIterator]();
  let stopped = false;
  let pending: Promise<IteratorResult<{ headers?: unknown; data: Uint8Array }>> | undefined;
  const read = async (waitMs: number): Promise<ChunkMessage | undefined> => {
    for (;;) {
      pending ??= it.next();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), waitMs);
      });
      const got = await Promise.race([pending, timeout]);
      clearTimeout(timer);
      if (got === 'timeout') return undefined;
      pending = undefined;
      if (got.done) return undefined;
      const m = got.value as { headers?: { get(n: string): string }; data: Uint8Array };
      const chunk = readChunkMessage(m.headers, m.data);
      if (chunk) return chunk;
    }
  };
  return {
    next: read,
    anyStored: async () => {
      const info = await consumer.info();
      return info.num_pending > 0 || info.delivered.consumer_seq > 0;
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      messages.stop();
      // Gone at once rather than after the server's inactivity threshold.
      void consumer.delete().catch(() => undefined);
    },
  };
}
