import { describe, expect, it } from 'vitest';
import {
  isStreamId,
  parseEventId,
  readChunkMessage,
  splitIntoChunks,
  writeChunkHeaders,
  writeReplyHeaders,
} from './chunks.js';
import { readContext, writeContext } from './context.js';

/** Headers as nats.js reads them: '' when absent. */
function headers() {
  const m = new Map<string, string>();
  return { get: (k: string) => m.get(k) ?? '', set: (k: string, v: string) => void m.set(k, v) };
}

describe('splitIntoChunks', () => {
  it('splits at sentence and line ends and keeps every character', () => {
    const text = 'Hello there. You have 12.5 days left! Anything else?\nLine two\n\nEnd';
    const chunks = splitIntoChunks(text);
    expect(chunks).toEqual([
      'Hello there. ',
      'You have 12.5 days left! ',
      'Anything else?\n',
      'Line two\n\n',
      'End',
    ]);
    expect(chunks.join('')).toBe(text);
  });

  it('keeps a list number with its item and a short tail with the chunk before', () => {
    expect(splitIntoChunks('1. one thing\n2. two things\nok')).toEqual([
      '1. one thing\n',
      '2. two things\nok',
    ]);
  });

  it('does not end a sentence at an abbreviation (incl., e.g., i.e., approx., no. 5)', () => {
    const text =
      'Prices incl. VAT apply. Use a form, e.g. the HR one. That is, i.e. today. It takes approx. 3 days. Ask for form No. 5 now! The answer is no. Next.';
    const chunks = splitIntoChunks(text);
    expect(chunks).toEqual([
      'Prices incl. VAT apply. ',
      'Use a form, e.g. the HR one. ',
      'That is, i.e. today. ',
      'It takes approx. 3 days. ',
      'Ask for form No. 5 now! ',
      'The answer is no. ',
      'Next.',
    ]);
    expect(chunks.join('')).toBe(text);
    // A word that merely ends like one ("casino.", "piano.") still ends its sentence.
    expect(splitIntoChunks('We met at the casino. Then left.')).toEqual([
      'We met at the casino. ',
      'Then left.',
    ]);
  });

  it('gives one chunk for text without a sentence end, and one empty chunk for empty text', () => {
    expect(splitIntoChunks('a.b.c')).toEqual(['a.b.c']);
    expect(splitIntoChunks('')).toEqual(['']);
  });
});

describe('chunk codec', () => {
  it('reads back what it writes: chunks with seq, final and user, and the reply record', () => {
    const h = headers();
    writeChunkHeaders(h, { seq: 3, final: true, userId: 'alice' });
    const data = new TextEncoder().encode('Done.');
    expect(readChunkMessage(h, data)).toEqual({
      kind: 'chunk',
      seq: 3,
      final: true,
      text: 'Done.',
      userId: 'alice',
    });
    const mid = headers();
    writeChunkHeaders(mid, { seq: 1, final: false });
    expect(readChunkMessage(mid, data)).toEqual({ kind: 'chunk', seq: 1, final: false, text: 'Done.' });
    const again = headers();
    writeChunkHeaders(again, { seq: 7, final: false, restart: true });
    expect(again.get('Switchboard-Chunk-Restart')).toBe('true');
    expect(readChunkMessage(again, data)).toEqual({
      kind: 'chunk',
      seq: 7,
      final: false,
      restart: true,
      text: 'Done.',
    });
    const r = headers();
    writeReplyHeaders(r, 'bob');
    expect(readChunkMessage(r, data)).toEqual({ kind: 'reply', data, userId: 'bob' });
  });

  it('refuses a message without a valid sequence', () => {
    const h = headers();
    h.set('Switchboard-Chunk-Seq', '0');
    expect(readChunkMessage(h, new Uint8Array())).toBeUndefined();
    expect(readChunkMessage(undefined, new Uint8Array())).toBeUndefined();
  });

  it('parses event ids and stream ids, refusing malformed ones', () => {
    expect(parseEventId('0123456789abcdef0123456789abcdef:4')).toEqual({
      streamId: '0123456789abcdef0123456789abcdef',
      seq: 4,
    });
    expect(parseEventId('short:4')).toBeUndefined();
    expect(parseEventId('0123456789abcdef0123456789abcdef')).toBeUndefined();
    expect(isStreamId('0123456789abcdef')).toBe(true);
    expect(isStreamId('chunks.>')).toBe(false);
  });

  it('carries the stream id in the message context like the deadline', () => {
    const h = headers();
    writeContext(h, { requestId: 'r1', streamId: '0123456789abcdef0123456789abcdef' });
    expect(readContext(h, () => 'x').streamId).toBe('0123456789abcdef0123456789abcdef');
    const bad = headers();
    bad.set('Switchboard-Stream', 'chunks.>');
    expect(readContext(bad, () => 'x').streamId).toBeUndefined();
  });
});
