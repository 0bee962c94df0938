import type { ChunkSource } from '../chunk-source.js';

/** Opens the chunks of one streamed answer (`chunks.<streamId>` in `AGENT_CHUNKS`, docs/streaming.md). */
export type OpenChunks = (streamId: string) => Promise<ChunkSource>;

/** How long to wait for the next chunk while the turn runs, and after its reply came (all stored by then). */
const pollMs = 250;
const drainMs = 1000;

/**
 * Relays the chunks of a streamed answer as they are stored, to `emit(text, append)`: the first
 * chunk and a restart chunk replace what was sent (`append: false`), the others append. Ends at
 * the final chunk or the reply record, or once `replied` has settled and nothing more comes.
 */
export async function relayChunks(
  source: ChunkSource,
  replied: Promise<unknown>,
  emit: (text: string, append: boolean) => void,
): Promise<void> {
  let settled = false;
  void replied.finally(() => {
    settled = true;
  });
  let sent = 0;
  try {
    for (;;) {
      const m = await source.next(settled ? drainMs : pollMs);
      if (!m) {
        if (settled) return;
        continue;
      }
      if (m.kind === 'reply') return;
      emit(m.text, sent > 0 && m.restart !== true);
      sent++;
      if (m.final) return;
    }
  } finally {
    source.stop();
  }
}
