import type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  type AskReply,
  type Budget,
  ErrorCodes,
  encodeJson,
  errorReply,
  HeaderNames,
  isInboxSubject,
  isSwitchboardError,
  readContext,
  SwitchboardError,
} from '@switchboard/contracts';
import { newId } from './ids.js';
import type { InFlight } from './lifecycle.js';
import { type Logger, lazyMessageLogger } from './logger.js';
import type { Metrics } from './metrics.js';
import { primeRequests } from './metrics-prime.js';
import { formatTraceparent, nextHop } from './trace.js';

/** What a handler gets besides the message. */
export interface RequestContext {
  requestId: string;
  /** The `traceparent` to pass to the next hop (same trace as the caller's, new span). */
  traceparent: string;
  /** The caller's deadline (epoch ms), when it sent one: passed on to the task it waits for. */
  deadline?: number;
  /**
   * The caller's budget from `Switchboard-Budget`, when it sent one (a malformed header is refused
   * with `invalid_request` before the handler runs). A request body's `budget` is the handler's to
   * combine with it (`tighterBudget`).
   */
  budget?: Budget;
  /** The caller's `Switchboard-Stream`, when it wants the answer streamed: passed on to the task. */
  streamId?: string;
  /** Carries `requestId`, `subject` and `traceId`. */
  log: Logger;
}

/**
 * A reply an endpoint sends: an {@link AskReply}, or another endpoint's success body (`{ ok: true,
 * ... }`, e.g. on `agents.<agent>.tools`); every failure is an `AskReply` error.
 */
export type EndpointReply = AskReply | ({ ok: true } & Record<string, unknown>);

/**
 * A request handler: returns the reply to send, or `null` when another service will answer on the
 * caller's reply subject (the router hands tasks on and does not wait).
 */
export type RequestHandler = (msg: Msg, ctx: RequestContext) => Promise<EndpointReply | null>;

/** Headers of a reply: the request id, and on errors the NATS micro error headers `nats req` shows. */
export function replyHeaders(reply: EndpointReply, requestId: string): MsgHdrs {
  const h = natsHeaders();
  h.set(HeaderNames.requestId, requestId);
  if (!reply.ok) {
    h.set(HeaderNames.microError, reply.error.message);
    h.set(HeaderNames.microErrorCode, String(ErrorCodes[reply.error.code].httpStatus));
  }
  return h;
}

/** Sends `reply` to `msg`'s reply subject. */
export function respond(msg: Msg, reply: EndpointReply, requestId: string): void {
  if (msg.reply) msg.respond(encodeJson(reply), { headers: replyHeaders(reply, requestId) });
}

/**
 * Serves a request/reply endpoint in a queue group. Messages are handled concurrently; every
 * message ends in a reply (or a counted hand-on), an outcome metric and, on failure, a log line
 * whose level matches how surprising the failure is. A request whose reply subject is not an inbox
 * (`_INBOX.` prefix) is refused unanswered (counted `invalid_request`).
 */
export function serveEndpoint(opts: {
  nc: NatsConnection;
  subject: string;
  queue: string;
  /** The `endpoint` label of the request metrics. */
  endpoint: string;
  log: Logger;
  metrics: Metrics;
  inFlight: InFlight;
  handle: RequestHandler;
}): Subscription {
  const { metrics, endpoint } = opts;
  primeRequests(metrics, endpoint);
  const onMessage = async (msg: Msg) => {
    const started = process.hrtime.bigint();
    const incoming = readContext(msg.headers, newId);
    const { requestId } = incoming;
    const trace = nextHop(incoming.traceparent);
    const log = lazyMessageLogger(opts.log, requestId, msg.subject, { traceId: trace.traceId });
    if (msg.reply && !isInboxSubject(msg.reply)) {
      // Answering (or handing the task on with this reply subject) would publish into whatever it
      // names: a stream, a bucket's key, another service's subject. Nothing is sent.
      log().warn({ reply: msg.reply.slice(0, 80) }, 'request refused: its reply subject is not an inbox');
      metrics.requests.inc({ endpoint, outcome: 'invalid_request' });
      return;
    }
    const ctx: RequestContext = {
      requestId,
      traceparent: formatTraceparent(trace),
      ...(incoming.deadline === undefined ? {} : { deadline: incoming.deadline }),
      ...(incoming.budget ? { budget: incoming.budget } : {}),
      ...(incoming.streamId ? { streamId: incoming.streamId } : {}),
      get log() {
        return log();
      },
    };
    let reply: EndpointReply | null;
    try {
      if (incoming.invalidBudget) {
        throw new SwitchboardError(
          'invalid_request',
          'malformed Switchboard-Budget header: use tokens=<integer>;usd=<decimal> (either or both)',
        );
      }
      reply = await opts.handle(msg, ctx);
    } catch (err) {
      reply = errorReply(err);
      if (isSwitchboardError(err) && err.code !== 'internal') {
        log().info({ code: err.code, msg: err.message }, 'request refused');
      } else {
        log().error({ err }, 'request failed');
      }
    }
    if (reply) respond(msg, reply, requestId);
    metrics.requests.inc({
      endpoint,
      outcome: reply === null ? 'accepted' : reply.ok ? 'ok' : reply.error.code,
    });
    metrics.requestDuration.observe({ endpoint }, Number(process.hrtime.bigint() - started) / 1e9);
  };
  return opts.nc.subscribe(opts.subject, {
    queue: opts.queue,
    callback: (err, msg) => {
      if (err) {
        opts.log.error({ err }, 'subscription error');
        return;
      }
      void opts.inFlight.run(() => onMessage(msg));
    },
  });
}
