import type { JetStreamClient } from '@nats-io/jetstream';
import { type ChunkMessage, Names, readChunkMessage, Subjects } from '@switchboard/contracts';

/** A message of `chunks.<streamId>` as a test reads it, with when it arrived (ms after `open`). */
export type ReadChunk = ChunkMessage & { atMs: number; msgId: string };

/**
 * Follows `chunks.<streamId>` in `AGENT_CHUNKS` from the start, as the gateway does (an ordered
 * consumer), collecting every message with its arrival time; for the streaming tests only.
 */
export async function followChunks(js: JetStreamClient, streamId: string) {
  const started = Date.now();
  const consumer = await js.consumers.get(Names.chunksStream, { filter_subjects: Subjects.chunks(streamId) });
  const messages = await consumer.consume();
  const got: ReadChunk[] = [];
  const done = (async () => {
    for await (const m of messages) {
      const c = readChunkMessage(m.headers, m.data);
      if (c) got.push({ ...c, atMs: Date.now() - started, msgId: m.headers?.get('Nats-Msg-Id') ?? '' });
    }
  })();
  return {
    got,
    /** When following began (`Date.now()`): the origin of every `atMs`. */
    startedAt: started,
    /** Waits until the reply record is in (or `ms` passed). */
    async untilReply(ms = 5000): Promise<void> {
      const until = Date.now() + ms;
      while (!got.some((c) => c.kind === 'reply') && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop(): Promise<void> {
      messages.stop();
      await done;
    },
  };
}

/** The text of the chunks since the last restart: what a client shows when the stream ends. */
export function shownText(got: readonly ChunkMessage[]): string {
  let text = '';
  for (const c of got) {
    if (c.kind !== 'chunk') continue;
    text = c.restart ? c.text : text + c.text;
  }
  return text;
}
