// The gateway's outer wall: what every HTTP request meets before a handler runs. Authorization and
// the rate limit decide on the ROUTED path (`req.routeOptions.url`, after Fastify has decoded and
// matched the target), never on the raw `req.url`, so `/%76%31/ask` or an absolute-form target
// cannot slip past them. Bodies are read with a bound and an oversized one is drained before the
// 413 goes out, so the client reads the answer instead of a reset connection. Slow clients are cut
// off by Node's header and request timeouts; security headers come from @fastify/helmet; CORS is
// off unless origins are configured.
import { createHash, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { SwitchboardError } from '@switchboard/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';

/** Defaults of the edge settings (the gateway's config uses them too). */
export const EdgeDefaults = {
  /** Requests per caller (API key, else client address) per window. */
  rateLimitMax: 600,
  rateLimitWindowMs: 60_000,
  /** Time for a whole request, headers and body, to arrive. */
  requestTimeoutMs: 10_000,
  /** Time for the request headers to arrive. */
  headersTimeoutMs: 5_000,
  /**
   * An oversized body is read and thrown away up to this many bytes, so that the client, having
   * sent it, reads the 413. A larger declared or sent body is answered at once and the connection
   * closed: nobody waits for gigabytes to drain. 4 MiB covers the 1 MiB NATS maximum with room.
   */
  maxDrainBytes: 4 * 1024 * 1024,
} as const;

/** What the edge needs to know. */
export interface EdgeOptions {
  /** API keys; empty: the API is open. */
  apiKeys: readonly string[];
  /** Requests per caller per window; 0: no rate limit. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** Origins allowed to call from a browser (`*` for any); empty: no CORS headers at all. */
  corsOrigins: readonly string[];
}

/** True for the API's routes (matched route pattern, not the raw target): `/v1/...`, `/mcp` and A2A's JSON-RPC. */
export function isApiRoute(req: FastifyRequest): boolean {
  const route = req.routeOptions.url;
  return (
    route?.startsWith('/v1/') === true || route === '/mcp' || route === '/a2a' || route === '/a2a/:agent'
  );
}

/** The Fastify server options of the edge: timeouts and the answer to a broken or slow request. */
export function edgeServerOptions(opts: {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** How long the gateway itself may take to answer (`GATEWAY_TIMEOUT_MS`). */
  answerTimeoutMs: number;
}): Pick<FastifyServerOptions, 'requestTimeout' | 'connectionTimeout' | 'clientErrorHandler'> & {
  http: { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number };
} {
  const headersTimeout = Math.min(opts.headersTimeoutMs, opts.requestTimeoutMs);
  return {
    // Node answers 408 and closes a connection whose request is not complete in time (Fastify's
    // default, 0, lets a client trickle a body for ever).
    requestTimeout: opts.requestTimeoutMs,
    // An idle socket (a client that stopped reading or sending) is closed; the gateway's own wait
    // for an answer is silence too, so this is longer than that.
    connectionTimeout: opts.answerTimeoutMs + opts.requestTimeoutMs,
    http: {
      headersTimeout,
      requestTimeout: opts.requestTimeoutMs,
      // How often Node checks those two timeouts (its default, 30 s, would let a slow client
      // stay up to 30 s longer than allowed).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 2))),
    },
    clientErrorHandler,
  };
}

/**
 * Answers a request the HTTP parser refused or that did not arrive in time, with the usual error
 * body, and closes the connection: 408 (too slow), 431 (headers too large), else 400.
 */
function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'the request did not arrive in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'the request headers are too large']
        : [400, 'malformed HTTP request'];
  const body = JSON.stringify({ ok: false, error: { code: 'invalid_request', message } });
  // Only when nothing of a response has gone out on this socket yet.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/**
 * A content-type parser for every body: the bytes, at most `limit` of them. An oversized body is
 * read to its end and discarded (up to `maxDrainBytes`), then refused with `payload_too_large`:
 * answering before the client has sent it all would close the connection under its feet, and the
 * client would see a reset instead of the 413.
 */
export function boundedBodyParser(limit: number, maxDrainBytes: number = EdgeDefaults.maxDrainBytes) {
  const tooLarge = () => new SwitchboardError('payload_too_large', `body is over ${limit} bytes`);
  return (
    req: FastifyRequest,
    payload: IncomingMessage,
    done: (err: Error | null, body?: Buffer) => void,
  ): void => {
    if (Number(req.headers['content-length']) > maxDrainBytes) {
      done(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let finished = false;
    const finish = (err: Error | null, body?: Buffer) => {
      if (finished) return;
      finished = true;
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      payload.removeListener('close', onClose);
      done(err, body);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit) chunks.push(chunk);
      else if (chunks.length > 0) chunks.length = 0;
      if (received > maxDrainBytes) finish(tooLarge());
    };
    const onEnd = () =>
      received > limit ? finish(tooLarge()) : finish(null, Buffer.concat(chunks, received));
    const onError = (err: Error) =>
      finish(Object.assign(err, { statusCode: (err as { statusCode?: number }).statusCode ?? 400 }));
    // Closed before its end (the client went away, or a timeout cut it off): nothing to answer.
    const onClose = () => finish(Object.assign(new Error('the request was aborted'), { statusCode: 400 }));
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.on('close', onClose);
    payload.resume();
  };
}

/** SHA-256 of a key: compared in constant time, whatever the lengths. */
const digest = (s: string) => createHash('sha256').update(s).digest();

/** The key a request presents: `X-API-Key`, else the bearer token of `Authorization`. */
function presentedKey(req: FastifyRequest): string | undefined {
  const x = req.headers['x-api-key'];
  if (typeof x === 'string' && x !== '') return x.trim();
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
}

const rateKey = Symbol('rateKey');

/**
 * Registers the edge plugins (helmet, CORS when configured, the rate limiter) on `app` and returns
 * the check that the gateway's `onRequest` hook runs for every request: on an API route it applies
 * the rate limit (per API key, else per client address; counted before the key check, so guessing
 * keys is limited too) and the key check. Returns the refusal to send, if any.
 */
export function registerEdge(
  app: FastifyInstance,
  opts: EdgeOptions,
): (req: FastifyRequest, reply: FastifyReply) => Promise<SwitchboardError | undefined> {
  app.register(fastifyHelmet, {
    // A JSON API: nothing to load, nothing to frame.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
  });
  if (opts.corsOrigins.length > 0) {
    app.register(fastifyCors, {
      origin: opts.corsOrigins.includes('*') ? '*' : [...opts.corsOrigins],
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: [
        'content-type',
        'authorization',
        'x-api-key',
        'x-request-id',
        'traceparent',
        'switchboard-budget',
        // POST /mcp (docs/mcp.md)
        'switchboard-user',
        'mcp-protocol-version',
      ],
      exposedHeaders: [
        'x-request-id',
        'traceparent',
        'retry-after',
        'x-ratelimit-limit',
        'x-ratelimit-remaining',
        'x-ratelimit-reset',
      ],
      maxAge: 600,
    });
  }
  const keys = opts.apiKeys.map(digest);
  const limited = opts.rateLimitMax > 0;
  if (limited) app.register(fastifyRateLimit, { global: false });
  let limiter: ReturnType<FastifyInstance['createRateLimit']> | undefined;

  return async (req, reply) => {
    if (!isApiRoute(req)) return undefined;
    reply.header('cache-control', 'no-store');
    const given = presentedKey(req);
    const g = given === undefined ? undefined : digest(given);
    const keyId = g === undefined ? -1 : keys.findIndex((k) => timingSafeEqual(k, g));
    if (limited) {
      limiter ??= app.createRateLimit({
        max: opts.rateLimitMax,
        timeWindow: opts.rateLimitWindowMs,
        keyGenerator: (r) => (r as FastifyRequest & { [rateKey]: string })[rateKey],
      });
      (req as FastifyRequest & { [rateKey]: string })[rateKey] = keyId >= 0 ? `key:${keyId}` : `ip:${req.ip}`;
      const r = await limiter(req);
      if (!r.isAllowed) {
        reply
          .header('x-ratelimit-limit', r.max)
          .header('x-ratelimit-remaining', r.remaining)
          .header('x-ratelimit-reset', r.ttlInSeconds);
        if (r.isExceeded) {
          const waitS = Math.max(1, r.ttlInSeconds);
          reply.header('retry-after', waitS);
          return new SwitchboardError(
            'rate_limited',
            `more than ${r.max} requests in ${Math.round(opts.rateLimitWindowMs / 1000)} s; retry in ${waitS} s`,
            { retryAfterMs: waitS * 1000 },
          );
        }
      }
    }
    if (keys.length > 0 && keyId < 0) {
      return new SwitchboardError('unauthorized', 'missing or wrong API key');
    }
    return undefined;
  };
}
