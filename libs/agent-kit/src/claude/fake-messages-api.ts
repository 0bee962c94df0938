import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

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
}

/** A scripted step: a reply, or a function of the request that returns one. */
export type FakeStep = FakeReply | ((req: RecordedRequest) => FakeReply);

/** A local stand-in for the Anthropic Messages API (`POST /v1/messages`), for tests only. */
export interface FakeMessagesApi {
  /** `http://127.0.0.1:<port>`: the SDK's `baseURL`. */
  url: string;
  requests: RecordedRequest[];
  /** Steps not used yet. */
  remaining(): number;
  /** Requests that came after the script ran out (answered with a loud 500). */
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

/**
 * Starts the fake on 127.0.0.1 and a free port. It answers each request with the next scripted step
 * and records it; when the script runs out it answers `whenExhausted` if given, else a loud 500.
 */
export async function startFakeMessagesApi(
  steps: FakeStep[] = [],
  opts: { whenExhausted?: FakeStep } = {},
): Promise<FakeMessagesApi> {
  const script = [...steps];
  const requests: RecordedRequest[] = [];
  let unexpected = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
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
      requests.push(recorded);
      let step = script.shift() ?? opts.whenExhausted;
      if (!step) {
        unexpected++;
        step = fakeError(500, {}, 'fake_script_exhausted');
      }
      const reply = typeof step === 'function' ? step(recorded) : step;
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, {
          'content-type': 'application/json',
          'request-id': `req_fake_${requests.length}`,
          ...reply.headers,
        });
        res.end(JSON.stringify(reply.body));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
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
