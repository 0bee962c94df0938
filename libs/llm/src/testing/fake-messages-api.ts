import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeStreamOptions, isStreamable, sendStream } from './fake-stream.js';

// A local stand-in for the Anthropic Messages API: a real HTTP server that the real SDK talks to,
// replaying scripted answers. The tests of the router, the agents and the chaos suite use it, and
// the bench runs it as a process of its own (`bench/fake-llm.mjs`).

/** A request the fake server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (`model`, `system`, `messages`, `tools`, ...). */
  body: {
    model?: string;
    system?: unknown;
    tools?: { name: string; description?: string; input_schema: Record<string, unknown> }[];
    messages?: { role: string; content: unknown }[];
    [k: string]: unknown;
  };
}

/** One scripted answer: an HTTP status, headers and a JSON body. */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
  /** Wait this long before answering (to trip a timeout). */
  delayMs?: number;
  /** How to stream this answer when the request asks for `stream: true` (default the fake's `stream`). */
  stream?: FakeStreamOptions;
}

/** A scripted step: a reply, or a function of the request that returns one. */
export type FakeStep = FakeReply | ((req: RecordedRequest) => FakeReply);

/** A local stand-in for the Anthropic Messages API (`POST /v1/messages`), for tests only. */
export interface FakeMessagesApi {
  /** `http://127.0.0.1:<port>`: the SDK's `baseURL`. */
  url: string;
  port: number;
  /** The Messages requests received, in order (none kept with `record: false`). */
  requests: RecordedRequest[];
  /** Messages requests received, also with `record: false`; `GET /stats` answers `{ requests }`. */
  count(): number;
  /** Steps not used yet. */
  remaining(): number;
  /** Requests after the script ran out, or not `POST /v1/messages` (answered 500 and 404). */
  unexpected(): number;
  /** Appends steps to the script. */
  push(...steps: FakeStep[]): void;
  close(): Promise<void>;
}

let seq = 0;

/** A Messages API response with `content` blocks (`stop_reason` tool_use when any block is a tool_use). */
export function fakeMessage(content: Record<string, unknown>[], model = 'claude-test'): FakeReply {
  const toolUse = content.some((b) => b.type === 'tool_use');
  return {
    body: {
      id: `msg_fake_${++seq}`,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: toolUse ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 10 },
    },
  };
}

/** A final text answer. */
export const fakeText = (text: string): FakeReply => fakeMessage([{ type: 'text', text }]);

/** A response asking for tool calls (with an optional text block first). */
export const fakeToolUse = (uses: { id: string; name: string; input: unknown }[], text?: string): FakeReply =>
  fakeMessage([...(text ? [{ type: 'text', text }] : []), ...uses.map((u) => ({ type: 'tool_use', ...u }))]);

/** An API error response in the Anthropic shape. */
export function fakeError(
  status: number,
  headers: Record<string, string> = {},
  type = 'api_error',
): FakeReply {
  return { status, headers, body: { type: 'error', error: { type, message: `fake error ${status}` } } };
}

/** Options of {@link startFakeMessagesApi}. */
export interface FakeOptions {
  /** Answers every request once the script has run out (default: a loud 500). */
  whenExhausted?: FakeStep;
  /** Keep each request in `requests` (default true; a long bench turns it off). */
  record?: boolean;
  /** Port to listen on (default a free one). */
  port?: number;
  /** How answers are streamed to requests with `stream: true` (a reply's own `stream` wins). */
  stream?: FakeStreamOptions;
}

function send(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Starts the fake on 127.0.0.1. It answers each `POST /v1/messages` with the next scripted step and
 * records it; when the script runs out it answers `whenExhausted` if given, else a loud 500. A
 * request with `stream: true` gets its message as the API's Server-Sent Events (`fake-stream.ts`).
 */
export async function startFakeMessagesApi(
  steps: FakeStep[] = [],
  opts: FakeOptions = {},
): Promise<FakeMessagesApi> {
  const script = [...steps];
  const requests: RecordedRequest[] = [];
  let count = 0;
  let unexpected = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/stats') return send(res, 200, { requests: count });
      if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/messages') {
        unexpected++;
        return send(res, 404, { type: 'error', error: { type: 'not_found_error', message: req.url } });
      }
      let body: RecordedRequest['body'] = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as RecordedRequest['body'];
      } catch {
        body = { unparsable: true };
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
      };
      count++;
      if (opts.record !== false) requests.push(recorded);
      let step = script.shift() ?? opts.whenExhausted;
      if (!step) {
        unexpected++;
        step = fakeError(500, {}, 'fake_script_exhausted');
      }
      const reply = typeof step === 'function' ? step(recorded) : step;
      const headers = { 'request-id': `req_fake_${count}`, ...reply.headers };
      // A request with `stream: true` gets a successful message as Server-Sent Events; an error
      // status is answered as JSON, as the API does before a stream starts.
      const streamed = body.stream === true && (reply.status ?? 200) === 200 && isStreamable(reply.body);
      const answer = () =>
        streamed
          ? sendStream(
              res,
              reply.body as Parameters<typeof sendStream>[1],
              headers,
              reply.stream ?? opts.stream,
            )
          : send(res, reply.status ?? 200, reply.body, headers);
      if (!reply.delayMs) return answer();
      // A held answer whose caller gave up (a timeout) is dropped, so no timer outlives the test.
      const timer = setTimeout(answer, reply.delayMs);
      res.on('close', () => clearTimeout(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    count: () => count,
    remaining: () => script.length,
    unexpected: () => unexpected,
    push: (...more) => script.push(...more),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
