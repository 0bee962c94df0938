import { connect, type Socket } from 'node:net';

// HTTP/1.1 over a bare TCP connection, for what `fetch` will not send: an absolute-form or
// percent-encoded request target taken as it is, headers or a body trickled byte by byte. Tests of
// the gateway's edge use it against a real listening server.

/** One parsed HTTP response. */
export interface RawResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** An open connection: write to it, read what came back, see when the server closed it. */
export interface RawConnection {
  readonly socket: Socket;
  write(data: string | Buffer): void;
  /** Everything received so far. */
  received(): string;
  /** Resolves when the connection has closed, with the ms since it opened. */
  readonly closed: Promise<number>;
  /** True once the connection has closed. */
  isClosed(): boolean;
  destroy(): void;
}

/** Opens a TCP connection to `host:port` (127.0.0.1 by default). */
export function openRaw(port: number, host = '127.0.0.1'): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect({ port, host });
    let text = '';
    let closed = false;
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      text += d;
    });
    const closedAt = new Promise<number>((r) => {
      socket.once('close', () => {
        closed = true;
        r(Date.now() - started);
      });
    });
    // A reset after the server's answer is a way of closing too; `closed` reports it.
    socket.on('error', () => undefined);
    socket.once('connect', () =>
      resolve({
        socket,
        write: (data) => {
          if (!socket.destroyed) socket.write(data);
        },
        received: () => text,
        closed: closedAt,
        isClosed: () => closed,
        destroy: () => socket.destroy(),
      }),
    );
    socket.once('error', reject);
  });
}

/** Parses the first response in `text`; undefined while its head is incomplete. */
export function parseRawResponse(text: string): RawResponse | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const rest = text.slice(end + 4);
  const length = Number(headers['content-length']);
  return { status, headers, body: Number.isFinite(length) ? rest.slice(0, length) : rest };
}

/**
 * Sends `request` exactly as given (end the head with `connection: close`) and resolves with the
 * response once the server has closed the connection, or after `timeoutMs` with what came.
 */
export async function rawHttp(
  port: number,
  request: string | Buffer,
  opts: { host?: string; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const c = await openRaw(port, opts.host);
  c.write(request);
  const timeout = new Promise<void>((r) => setTimeout(r, opts.timeoutMs ?? 5000).unref());
  await Promise.race([c.closed, timeout]);
  c.destroy();
  const r = parseRawResponse(c.received());
  if (!r) throw new Error(`no HTTP response; received ${JSON.stringify(c.received().slice(0, 200))}`);
  return r;
}

/**
 * {@link rawHttp} of one request built from its parts: the request line with `target` as given,
 * a `host`, `content-type` and `content-length` for a body, `connection: close`, then `headers`.
 */
export function rawRequest(
  port: number,
  req: { method: string; target: string; body?: string; contentType?: string; headers?: string[] },
  opts: { timeoutMs?: number } = {},
): Promise<RawResponse> {
  const head = [`${req.method} ${req.target} HTTP/1.1`, `host: 127.0.0.1:${port}`, 'connection: close'];
  if (req.body !== undefined) {
    head.push(`content-type: ${req.contentType ?? 'application/json'}`);
    head.push(`content-length: ${Buffer.byteLength(req.body)}`);
  }
  return rawHttp(port, [...head, ...(req.headers ?? []), '', req.body ?? ''].join('\r\n'), opts);
}

/**
 * A request body of `bytes` that arrives in 64 KiB pieces `pauseMs` apart (for `fetch` with
 * `duplex: 'half'`): a client still sending when the server has seen enough.
 */
export function slowBody(bytes: number, pauseMs: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= bytes) return controller.close();
      await new Promise((r) => setTimeout(r, pauseMs));
      const n = Math.min(64 * 1024, bytes - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(122));
    },
  });
}
