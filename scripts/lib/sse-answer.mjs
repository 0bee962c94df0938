// A streamed answer of the gateway (docs/streaming.md), read as Server-Sent Events: `POST /v1/ask`
// with `Accept: text/event-stream`, and when the connection drops before the `reply` event, resumed
// at `GET /v1/streams/<streamId>` with `Last-Event-ID` so the answer goes on where it stopped.
// Every chunk is handed on once, by sequence, whatever the connections deliver.

/** How often a dropped stream is resumed before the turn fails. */
export const MAX_RESUMES = 3;

/** Parses one SSE block (`id:`, `event:`, `data:` lines). */
export function parseEvent(block) {
  const ev = { event: 'message', data: '' };
  for (const line of block.split('\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const key = line.slice(0, i);
    const value = line.slice(i + 1).replace(/^ /, '');
    if (key === 'id') ev.id = value;
    else if (key === 'event') ev.event = value;
    else if (key === 'data') ev.data += value;
  }
  return ev;
}

/** The events of an SSE response body as they arrive; a dropped connection throws. */
async function* eventsOf(res) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        yield parseEvent(block);
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

const isEventStream = (res) => (res.headers.get('content-type') ?? '').startsWith('text/event-stream');

/**
 * Reads one connection's events into `state` (`streamId`, `lastId`, `lastSeq`); returns the reply
 * JSON (the `reply` event, or an `error` event's body), or `undefined` when the connection ended or
 * broke first.
 */
async function follow(res, state, hooks) {
  try {
    for await (const ev of eventsOf(res)) {
      if (ev.event === 'stream') state.streamId ??= JSON.parse(ev.data).streamId;
      else if (ev.event === 'chunk') {
        const chunk = JSON.parse(ev.data);
        // Nothing twice: a chunk at or below the last one shown was shown before the drop.
        if (chunk.seq <= state.lastSeq) continue;
        state.lastSeq = chunk.seq;
        if (ev.id) state.lastId = ev.id;
        hooks.onChunk(chunk.text, chunk);
      } else if (ev.event === 'reply' || ev.event === 'error') return JSON.parse(ev.data);
    }
  } catch (err) {
    if (hooks.signal?.aborted) throw err;
    // A broken connection: the caller resumes.
  }
  return undefined;
}

/**
 * Asks `POST <url>/v1/ask` for a streamed answer. `hooks.onChunk(text, chunk)` gets each new chunk,
 * `hooks.onResume(attempt)` each reconnection. Resolves with the reply JSON (an error reply too);
 * rejects when the stream cannot be resumed.
 */
export async function askStreamed(url, body, headers, hooks) {
  const signal = hooks.signal;
  const res = await fetch(`${url}/v1/ask`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
    signal,
  });
  // An error before the stream started (400, 401, 429, ...), or a gateway without streaming.
  if (!isEventStream(res)) return res.json();
  const state = {
    streamId: res.headers.get('switchboard-stream') ?? undefined,
    lastId: undefined,
    lastSeq: 0,
  };
  let reply = await follow(res, state, hooks);
  for (let attempt = 1; reply === undefined; attempt++) {
    if (!state.streamId) throw new Error('the stream dropped before its id was known');
    if (attempt > MAX_RESUMES) throw new Error(`the stream dropped ${MAX_RESUMES + 1} times`);
    hooks.onResume?.(attempt);
    await new Promise((r) => setTimeout(r, 100 * attempt));
    let again;
    try {
      again = await fetch(`${url}/v1/streams/${encodeURIComponent(state.streamId)}`, {
        headers: {
          ...headers,
          accept: 'text/event-stream',
          ...(state.lastId ? { 'last-event-id': state.lastId } : {}),
        },
        signal,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      continue; // the gateway cannot be reached yet: the next attempt tries again
    }
    // A refusal (401, 403, 504 when nothing was stored under the id) ends the turn with its error.
    if (!isEventStream(again)) return again.json();
    reply = await follow(again, state, hooks);
  }
  return reply;
}
