import type { ServerResponse } from 'node:http';

// The streamed form of a scripted answer (`stream: true`), as the Messages API sends it: Server-Sent
// Events `message_start`, per content block `content_block_start`, its deltas (`text_delta`,
// `input_json_delta`) and `content_block_stop`, then `message_delta` (stop reason, output usage) and
// `message_stop`, with a `ping` after the first block starts. The shapes are those the SDK's
// `MessageStream` accumulates (`lib/MessageStream` in `@anthropic-ai/sdk`).

/** How a scripted answer is streamed when the request asks for it. */
export interface FakeStreamOptions {
  /** Wait between deltas, ms (default 0): lets a test watch a stream in progress. */
  delayMs?: number;
  /** Characters of text (or tool input JSON) per delta (default 8, a few tokens). */
  chars?: number;
  /**
   * Fails the stream after this many deltas: `error` sends Anthropic's mid-stream `event: error`
   * (`overloaded_error`), `cut` destroys the connection.
   */
  failAfter?: { deltas: number; how: 'error' | 'cut' };
  /** Called when the last event of a stream has been written (a test compares it with its chunks). */
  onEnd?: () => void;
}

/** A Messages API response body, as the fake scripts it. */
interface MessageBody {
  id?: string;
  model?: string;
  content?: { type: string; text?: string; id?: string; name?: string; input?: unknown }[];
  stop_reason?: string;
  stop_sequence?: string | null;
  usage?: { input_tokens?: number; output_tokens?: number };
}

/** True when a scripted body is a message the fake can stream. */
export function isStreamable(body: unknown): body is MessageBody {
  return typeof body === 'object' && body !== null && (body as { type?: unknown }).type === 'message';
}

/** Pieces of `s` of at most `n` characters (at least one, possibly empty). */
function pieces(s: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out.length ? out : [''];
}

/** The SSE events of one message, in order; `delta` marks the ones that count as deltas. */
function eventsOf(body: MessageBody, chars: number): { name: string; data: unknown; delta?: boolean }[] {
  const usage = body.usage ?? { input_tokens: 10, output_tokens: 10 };
  const events: { name: string; data: unknown; delta?: boolean }[] = [];
  const ev = (name: string, data: Record<string, unknown>, delta = false) =>
    events.push({ name, data: { type: name, ...data }, ...(delta ? { delta } : {}) });
  ev('message_start', {
    message: {
      id: body.id,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: usage.input_tokens ?? 0, output_tokens: 1 },
    },
  });
  for (const [index, block] of (body.content ?? []).entries()) {
    if (block.type === 'tool_use') {
      ev('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      for (const p of pieces(JSON.stringify(block.input ?? {}), chars)) {
        ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: p } }, true);
      }
    } else {
      ev('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const p of pieces(block.text ?? '', chars)) {
        ev('content_block_delta', { index, delta: { type: 'text_delta', text: p } }, true);
      }
    }
    if (index === 0) events.push({ name: 'ping', data: { type: 'ping' } });
    ev('content_block_stop', { index });
  }
  ev('message_delta', {
    delta: { stop_reason: body.stop_reason ?? 'end_turn', stop_sequence: body.stop_sequence ?? null },
    usage: { output_tokens: usage.output_tokens ?? 0 },
  });
  ev('message_stop', {});
  return events;
}

/**
 * Streams `body` on `res` as Server-Sent Events, one event per `delayMs` after each delta; stops
 * (and sends nothing more) when the client goes away.
 */
export function sendStream(
  res: ServerResponse,
  body: MessageBody,
  headers: Record<string, string>,
  opts: FakeStreamOptions = {},
): void {
  if (res.destroyed) return;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  const events = eventsOf(body, Math.max(1, opts.chars ?? 8));
  let i = 0;
  let deltas = 0;
  let timer: NodeJS.Timeout | undefined;
  const write = (name: string, data: unknown) =>
    res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  const next = (): void => {
    timer = undefined;
    while (i < events.length && !res.destroyed) {
      const e = events[i++]!;
      if (e.delta && opts.failAfter && deltas === opts.failAfter.deltas) {
        if (opts.failAfter.how === 'cut') return void res.destroy();
        write('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
        return void res.end();
      }
      write(e.name, e.data);
      if (e.delta) {
        deltas++;
        if (opts.delayMs) {
          timer = setTimeout(next, opts.delayMs);
          return;
        }
      }
    }
    if (!res.destroyed) {
      opts.onEnd?.();
      res.end();
    }
  };
  res.on('close', () => clearTimeout(timer));
  next();
}
