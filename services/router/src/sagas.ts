import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  decodeJson,
  encodeJson,
  errorReply,
  HeaderNames,
  isInboxSubject,
  isSwitchboardError,
  Names,
  parseWith,
  readContext,
  SagaGetRequest,
  type SagaReply,
  Subjects,
} from '@switchboard/contracts';
import {
  authorizationOf,
  type InFlight,
  identifyCaller,
  type Logger,
  type Metrics,
  newId,
  primeRequests,
  readSagaFor,
  replyHeaders,
  type SagaStore,
  type TokenVerifier,
} from '@switchboard/runtime';

const decoder = new TextDecoder();

/** The saga id of a `sagas.get` request: `{"sagaId": "..."}`, or the id as plain text. */
export function sagaIdOf(data: Uint8Array): string {
  const text = decoder.decode(data).trim();
  if (!text.startsWith('{')) return text;
  return parseWith(SagaGetRequest, decodeJson(data, 'request'), 'request').sagaId;
}

/**
 * Serves `sagas.get` in the router's queue group: a saga's state and history, `{ok: true, saga}`,
 * or a typed error (`invalid_request`, `unknown_saga`; in secure mode `unauthorized` without a
 * valid token and `forbidden` for another user's saga). Counted in `switchboard_requests_total`.
 */
export function serveSagaGet(opts: {
  nc: NatsConnection;
  sagas: Pick<SagaStore, 'get'>;
  tokens?: TokenVerifier | undefined;
  log: Logger;
  metrics: Metrics;
  inFlight: InFlight;
}): Subscription {
  const endpoint = Subjects.sagaGet;
  primeRequests(opts.metrics, endpoint);
  const onMessage = async (msg: Msg) => {
    const started = process.hrtime.bigint();
    const { requestId } = readContext(msg.headers, newId);
    if (!msg.reply || !isInboxSubject(msg.reply)) {
      opts.metrics.requests.inc({ endpoint, outcome: 'invalid_request' });
      return;
    }
    let body: SagaReply | ReturnType<typeof errorReply>;
    try {
      const caller = opts.tokens
        ? await identifyCaller(opts.tokens, authorizationOf(msg.headers), undefined)
        : undefined;
      body = { ok: true, saga: await readSagaFor(opts.sagas, sagaIdOf(msg.data), caller) };
    } catch (err) {
      body = errorReply(err);
      if (isSwitchboardError(err) && err.code !== 'internal')
        opts.log.debug({ code: err.code }, 'sagas.get refused');
      else opts.log.error({ err }, 'sagas.get failed');
    }
    const headers = body.ok ? natsHeaders() : replyHeaders(body, requestId);
    if (body.ok) headers.set(HeaderNames.requestId, requestId);
    msg.respond(encodeJson(body), { headers });
    opts.metrics.requests.inc({ endpoint, outcome: body.ok ? 'ok' : body.error.code });
    opts.metrics.requestDuration.observe({ endpoint }, Number(process.hrtime.bigint() - started) / 1e9);
  };
  return opts.nc.subscribe(Subjects.sagaGet, {
    queue: Names.routerQueue,
    callback: (err, msg) => {
      if (err) {
        opts.log.error({ err }, 'subscription error');
        return;
      }
      void opts.inFlight.run(() => onMessage(msg));
    },
  });
}
