// Streamed answers (docs/streaming.md): the gateway relays an agent's chunks as Server-Sent Events,
// a client that drops the connection resumes with Last-Event-ID from the chunks stored in
// AGENT_CHUNKS, and a caller without the header still gets exactly one message.
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, expect, it } from 'vitest';
import { type OkReply, repliesTo, useStack } from './harness.js';

const stack = useStack(['router', 'hr-agent', 'gateway']);
let nc: NatsConnection;

beforeAll(async () => {
  nc = await stack.current.connect();
});

/** A question whose offline answer has several sentences or lines. */
const QUESTION = { text: 'what is the parental leave policy?', userId: 'alice' };

interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
}

/**
 * Reads Server-Sent Events from a response body with plain fetch. Stops after `stopAfter` events
 * match (then aborts the connection, as a client that drops would) or when the stream ends.
 */
async function readEvents(
  res: Response,
  stopAfter?: (events: SseEvent[]) => boolean,
  abort?: AbortController,
) {
  const events: SseEvent[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const ev: SseEvent = { event: 'message', data: undefined };
      for (const line of block.split('\n')) {
        const i = line.indexOf(': ');
        if (i < 0) continue;
        const [k, v] = [line.slice(0, i), line.slice(i + 2)];
        if (k === 'id') ev.id = v;
        else if (k === 'event') ev.event = v;
        else if (k === 'data') ev.data = JSON.parse(v);
      }
      events.push(ev);
      if (stopAfter?.(events)) {
        abort?.abort();
        await reader.cancel().catch(() => undefined);
        return events;
      }
      end = buffer.indexOf('\n\n');
    }
  }
  return events;
}

function askStreamed(signal?: AbortSignal): Promise<Response> {
  return fetch(`${stack.current.gatewayUrl}/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(QUESTION),
    ...(signal ? { signal } : {}),
  });
}

const chunksOf = (events: SseEvent[]) => events.filter((e) => e.event === 'chunk');
const textOf = (events: SseEvent[]) => chunksOf(events).map((e) => (e.data as { text: string }).text);

it('streams ordered chunks, then the reply whose text they make up', async () => {
  const res = await askStreamed();
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const streamId = res.headers.get('switchboard-stream');
  expect(streamId).toMatch(/^[0-9a-f]{32}$/);
  const events = await readEvents(res);
  expect(events[0]).toMatchObject({ event: 'stream', data: { streamId } });
  const chunks = chunksOf(events);
  expect(chunks.length, JSON.stringify(events)).toBeGreaterThan(1);
  expect(chunks.map((c) => (c.data as { seq: number }).seq)).toEqual(chunks.map((_, i) => i + 1));
  expect(chunks.map((c) => c.id)).toEqual(chunks.map((_, i) => `${streamId}:${i + 1}`));
  const last = events[events.length - 1]!;
  expect(last.event).toBe('reply');
  const reply = last.data as OkReply;
  expect(reply).toMatchObject({ ok: true, status: 'answered', agent: 'hr' });
  expect(textOf(events).join('')).toBe(reply.text);
});

it('resumes a dropped stream with Last-Event-ID: the rest exactly once, then the reply', async () => {
  const abort = new AbortController();
  const res = await askStreamed(abort.signal);
  const streamId = res.headers.get('switchboard-stream')!;
  // Drop the connection right after the first chunk.
  const before = await readEvents(res, (evs) => evs.some((e) => e.event === 'chunk'), abort);
  const seen = chunksOf(before);
  expect(seen).toHaveLength(1);
  expect(seen[0]!.id).toBe(`${streamId}:1`);

  const resumed = await fetch(`${stack.current.gatewayUrl}/v1/streams/${streamId}`, {
    headers: { accept: 'text/event-stream', 'last-event-id': seen[0]!.id! },
  });
  expect(resumed.status).toBe(200);
  const after = await readEvents(resumed);
  const rest = chunksOf(after);
  expect(rest.length).toBeGreaterThan(0);
  expect(rest.map((c) => (c.data as { seq: number }).seq)).toEqual(rest.map((_, i) => i + 2));
  const reply = after[after.length - 1]!;
  expect(reply.event).toBe('reply');
  // Nothing lost, nothing twice: the chunk seen before the drop and the resumed ones make the answer.
  expect([...textOf(before), ...textOf(after)].join('')).toBe((reply.data as OkReply).text);

  // A stream replayed from the start gives the same chunks again; a wrong Last-Event-ID is refused.
  const full = await readEvents(await fetch(`${stack.current.gatewayUrl}/v1/streams/${streamId}`));
  expect(textOf(full)).toEqual([...textOf(before), ...textOf(after)]);
  const wrong = await fetch(`${stack.current.gatewayUrl}/v1/streams/${streamId}`, {
    headers: { 'last-event-id': `${'0'.repeat(32)}:1` },
  });
  expect(wrong.status).toBe(400);
});

it('a NATS request without the header still gets exactly one message', async () => {
  const got = await repliesTo(nc, 'agents.ask', QUESTION, { waitMs: 10_000 });
  expect(got).toHaveLength(1);
  expect(got[0]).toMatchObject({ ok: true, status: 'answered', agent: 'hr' });
});
