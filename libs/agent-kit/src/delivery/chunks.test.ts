import { type JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { AskReplyOk } from '@switchboard/contracts';
import { ensureStreams } from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followChunks, shownText } from './chunk-reader.testing.js';
import { openChunkStream, SEQ_PER_DELIVERY, takeReady } from './chunks.js';

// The chunk stream of one answer against a real nats-server: coalescing, sequence numbers, msg ids,
// restarts, and the reply record, read back the way the gateway reads them.

let server: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  await ensureStreams(await jetstreamManager(nc));
  js = jetstream(nc);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

let n = 0;
const ids = () => {
  n++;
  return { streamId: `stream-test-${String(n).padStart(8, '0')}`, taskId: `task-${n}` };
};
const reply = (text: string): AskReplyOk => ({
  ok: true,
  status: 'answered',
  sessionId: 's1',
  agent: 'hr',
  text,
  data: {},
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('takeReady', () => {
  it('lets whole sentences go, and with force everything up to the last space', () => {
    expect(takeReady('Hello there. You have', false)).toEqual({ ready: 'Hello there. ', rest: 'You have' });
    expect(takeReady('Prices incl. VAT', false)).toEqual({ ready: '', rest: 'Prices incl. VAT' });
    expect(takeReady('You have twelve days', true)).toEqual({ ready: 'You have twelve', rest: ' days' });
    expect(takeReady('Done. ', true)).toEqual({ ready: 'Done.', rest: ' ' });
    expect(takeReady('unbroken', true)).toEqual({ ready: 'unbroken', rest: '' });
  });
});

describe('ChunkStream', () => {
  it('publishes written text coalesced, then the rest of the reply final, then the reply record', async () => {
    const { streamId, taskId } = ids();
    const follow = await followChunks(js, streamId);
    const chunks = openChunkStream(js, { streamId, userId: 'alice' }, { taskId }, { delivery: 1 })!;
    const text = 'You have 12 days left. They expire in March, e.g. on the 31st. Anything else?';
    // Written the way a model streams: a few characters at a time, leading white space first.
    chunks.write('\n ');
    for (let i = 0; i < text.length; i += 5) chunks.write(text.slice(i, i + 5));
    await chunks.finish(reply(`${text}\n\nYou also asked about pay: ask finance.`));
    await follow.untilReply();
    await follow.stop();
    const got = follow.got;
    const seqs = got.filter((c) => c.kind === 'chunk').map((c) => (c.kind === 'chunk' ? c.seq : 0));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(got.map((c) => c.msgId)).toEqual([...seqs.map((s) => `${taskId}.${s}`), `${taskId}.reply`]);
    const texts = got.flatMap((c) => (c.kind === 'chunk' ? [c.text] : []));
    // Sentences go out as they complete ("e.g." ends none; at 40 characters, without the trailing space).
    expect(texts.slice(0, 2)).toEqual(['You have 12 days left. ', 'They expire in March, e.g. on the 31st.']);
    expect(shownText(got)).toBe(`${text}\n\nYou also asked about pay: ask finance.`);
    expect(got.filter((c) => c.kind === 'chunk' && c.final)).toHaveLength(1);
    expect(got.at(-2)).toMatchObject({ kind: 'chunk', final: true });
    expect(got.at(-1)).toMatchObject({ kind: 'reply', userId: 'alice' });
    expect(got.some((c) => c.kind === 'chunk' && c.restart)).toBe(false);
    expect(got.every((c) => c.userId === 'alice')).toBe(true);
  });

  it('flushes a long clause after 40 characters and a slow one after 100 ms, at a space', async () => {
    const { streamId, taskId } = ids();
    const follow = await followChunks(js, streamId);
    const chunks = openChunkStream(js, { streamId }, { taskId }, { delivery: 1 })!;
    chunks.write('a clause that runs on and on without a stop ');
    chunks.write('and slow');
    await sleep(50);
    expect(follow.got).toHaveLength(1);
    expect(follow.got[0]).toMatchObject({ text: 'a clause that runs on and on without a stop' });
    await sleep(150);
    // After 100 ms what waits goes, but for its last word ("slow" may be cut: it waits for more).
    expect(follow.got).toHaveLength(2);
    expect(follow.got[1]).toMatchObject({ text: ' and' });
    await chunks.finish(reply('a clause that runs on and on without a stop and slow'));
    await follow.untilReply();
    await follow.stop();
    expect(follow.got.map((c) => (c.kind === 'chunk' ? c.text : 'REPLY'))).toEqual([
      'a clause that runs on and on without a stop',
      ' and',
      ' slow',
      'REPLY',
    ]);
  });

  it('marks the chunk after a restart, and restarts at finish when the reply is not what streamed', async () => {
    const { streamId, taskId } = ids();
    const follow = await followChunks(js, streamId);
    const chunks = openChunkStream(js, { streamId }, { taskId }, { delivery: 1 })!;
    chunks.write('Let me check your balance. ');
    chunks.write('One moment');
    await sleep(150);
    chunks.restart();
    chunks.write('You have 12 days. Enjoy');
    await sleep(150);
    // The model's answer, then a fallback that answers differently: the stream starts over.
    await chunks.finish(reply('The offline answer: 12 days.'));
    await follow.untilReply();
    await follow.stop();
    const marked = follow.got.filter((c) => c.kind === 'chunk' && c.restart);
    expect(marked.map((c) => (c.kind === 'chunk' ? c.text : ''))).toEqual([
      'You have 12 days. ',
      'The offline answer: 12 days.',
    ]);
    expect(shownText(follow.got)).toBe('The offline answer: 12 days.');
    const seqs = follow.got.flatMap((c) => (c.kind === 'chunk' ? [c.seq] : []));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('numbers a redelivery after the first delivery and starts it with a restart', async () => {
    const { streamId, taskId } = ids();
    const follow = await followChunks(js, streamId);
    const first = openChunkStream(js, { streamId }, { taskId }, { delivery: 1 })!;
    first.write('First attempt says this. And then it crash');
    await sleep(50);
    // The process died here. The redelivered task answers differently.
    const second = openChunkStream(js, { streamId }, { taskId }, { delivery: 2 })!;
    second.write('Second attempt. ');
    second.write('Done');
    await second.finish(reply('Second attempt. Done.'));
    await follow.untilReply();
    await follow.stop();
    const chunks = follow.got.flatMap((c) => (c.kind === 'chunk' ? [c] : []));
    expect(chunks[0]).toMatchObject({ seq: 1, text: 'First attempt says this. And then it' });
    expect(chunks[1]).toMatchObject({ seq: SEQ_PER_DELIVERY + 1, restart: true, text: 'Second attempt. ' });
    expect(chunks.at(-1)).toMatchObject({ final: true });
    expect(shownText(follow.got)).toBe('Second attempt. Done.');
  });

  it('streams a reply it was given no text for as sentence chunks, as before', async () => {
    const { streamId, taskId } = ids();
    const follow = await followChunks(js, streamId);
    const chunks = openChunkStream(js, { streamId }, { taskId }, { delivery: 1 })!;
    await chunks.finish(reply('Parental leave is 16 weeks. It is paid.\nAsk HR for the form.'));
    await follow.untilReply();
    await follow.stop();
    expect(follow.got.map((c) => (c.kind === 'chunk' ? [c.seq, c.text, c.final] : 'reply'))).toEqual([
      [1, 'Parental leave is 16 weeks. ', false],
      [2, 'It is paid.\n', false],
      [3, 'Ask HR for the form.', true],
      'reply',
    ]);
    expect(openChunkStream(js, {}, { taskId }, { delivery: 1 })).toBeUndefined();
  });
});
