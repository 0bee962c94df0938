import { HeaderNames } from './headers.js';
import { UserId } from './ids.js';

/**
 * Streamed answers (docs/streaming.md): an answer goes to `chunks.<streamId>` in ordered chunks,
 * then a record of the final reply. This file holds the split and the header codec both ends use.
 */

/** One piece of a streamed answer as it is stored: `seq` is 1-based, `final` marks the last. */
export interface Chunk {
  kind: 'chunk';
  seq: number;
  final: boolean;
  text: string;
  /**
   * The text streamed before this chunk is void: the answer starts again here (a retried LLM call,
   * a new tool round, a fallback answer, a redelivered task). Absent on most chunks.
   */
  restart?: boolean;
  /** The user the answer is for, when the request had one (a stream is shown only to that user). */
  userId?: string;
}

/** The record of the final reply, stored after the last chunk, so a resumed client gets it too. */
export interface ChunkReply {
  kind: 'reply';
  /** The reply JSON as sent to the caller's reply subject. */
  data: Uint8Array;
  userId?: string;
}

/** What a chunk message is read as: a chunk, the reply record, or `undefined` when malformed. */
export type ChunkMessage = Chunk | ChunkReply;

/** The header access the codec needs (a nats.js `MsgHdrs` fits). */
interface Headers {
  get(name: string): string;
  set(name: string, value: string): void;
}

/** `Switchboard-Chunk-Restart: true` on a chunk: the answer starts again with it ({@link Chunk.restart}). */
export const chunkRestartHeader = HeaderNames.chunkRestart;

/**
 * Periods that end no sentence: after an abbreviation ("incl. tax", "e.g. this", "approx. 3"), and
 * "no." before a number ("no. 5"); matched case-blind, as lookbehinds so the period stays in the body.
 */
const ABBREVIATION = String.raw`(?<=(?:^|[^\p{L}.])(?:incl|e\.g|i\.e|approx|vs|cf|ca|resp|dept|mr|mrs|ms|dr))\.|(?<=(?:^|[^\p{L}.])nos?)\.(?=\s*\d)`;

/** Text up to a sentence end (punctuation before a space or the end) or a line end, with it. */
const SENTENCE = new RegExp(
  String.raw`(?:${ABBREVIATION}|[^\n.!?]|[.!?](?![\s.!?]|$))*(?:[.!?]+[^\S\n]*\n*|\n+|$)`,
  'giu',
);

/**
 * Splits an answer into chunks at line ends and sentence ends (`.`, `!`, `?` followed by space, not
 * the period of an abbreviation such as "incl." or "e.g."), keeping every character: joining the
 * chunks gives the text back. Empty text is one empty chunk.
 */
export function splitIntoChunks(text: string): string[] {
  const parts = text.match(SENTENCE) ?? [];
  const chunks: string[] = [];
  let carried = '';
  for (const p of parts) {
    // A short piece (the "1. " of a list item) goes on with the next one.
    carried += p;
    if (carried.trim().length >= 3) {
      chunks.push(carried);
      carried = '';
    }
  }
  if (carried !== '') {
    if (chunks.length > 0) chunks[chunks.length - 1] += carried;
    else chunks.push(carried);
  }
  return chunks.length > 0 ? chunks : [''];
}

/** Writes a chunk's headers. */
export function writeChunkHeaders(h: Pick<Headers, 'set'>, c: Omit<Chunk, 'kind' | 'text'>): void {
  h.set(HeaderNames.chunkSeq, String(c.seq));
  if (c.final) h.set(HeaderNames.chunkFinal, 'true');
  if (c.restart) h.set(chunkRestartHeader, 'true');
  if (c.userId) h.set(HeaderNames.userId, c.userId);
}

/** Writes the reply record's headers. */
export function writeReplyHeaders(h: Pick<Headers, 'set'>, userId?: string): void {
  h.set(HeaderNames.chunkReply, 'true');
  if (userId) h.set(HeaderNames.userId, userId);
}

/** Reads a message of `chunks.<streamId>`; `undefined` when its headers are not a chunk's or a reply's. */
export function readChunkMessage(
  h: Pick<Headers, 'get'> | undefined,
  data: Uint8Array,
): ChunkMessage | undefined {
  if (!h) return undefined;
  const rawUser = h.get(HeaderNames.userId);
  const userId = rawUser && UserId.safeParse(rawUser).success ? rawUser : undefined;
  const who = userId ? { userId } : {};
  if (h.get(HeaderNames.chunkReply) === 'true') return { kind: 'reply', data, ...who };
  const seq = h.get(HeaderNames.chunkSeq);
  if (!/^[1-9]\d{0,8}$/.test(seq)) return undefined;
  const final = h.get(HeaderNames.chunkFinal) === 'true';
  const restart = h.get(chunkRestartHeader) === 'true' ? { restart: true } : {};
  const text = new TextDecoder().decode(data);
  return { kind: 'chunk', seq: Number(seq), final, text, ...restart, ...who };
}

/** A stream id a caller may choose: a safe token, 16 to 64 characters of `[A-Za-z0-9_-]`. */
export function isStreamId(value: string | undefined): value is string {
  return value !== undefined && /^[A-Za-z0-9_-]{16,64}$/.test(value);
}

/** An SSE event id, `<streamId>:<seq>`, parsed (`Last-Event-ID`); `undefined` when malformed. */
export function parseEventId(value: string | undefined): { streamId: string; seq: number } | undefined {
  const m = value ? /^([A-Za-z0-9_-]{16,64}):(\d{1,9})$/.exec(value.trim()) : null;
  return m ? { streamId: m[1]!, seq: Number(m[2]) } : undefined;
}
