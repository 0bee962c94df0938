import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  decodeJson,
  Names,
  parseWith,
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
  readSagaFor,
  type SagaStore,
  serveEndpoint,
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
 * valid token and `forbidden` for another user's saga). The shared endpoint wrapper counts it in
 * `switchboard_requests_total` and refuses a reply subject that is not an inbox.
 */
export function serveSagaGet(opts: {
  nc: NatsConnection;
  sagas: Pick<SagaStore, 'get'>;
  tokens?: TokenVerifier | undefined;
  log: Logger;
  metrics: Metrics;
  inFlight: InFlight;
}): Subscription {
  return serveEndpoint({
    ...opts,
    subject: Subjects.sagaGet,
    queue: Names.routerQueue,
    endpoint: Subjects.sagaGet,
    handle: async (msg) => {
      const caller = opts.tokens
        ? await identifyCaller(opts.tokens, authorizationOf(msg.headers), undefined)
        : undefined;
      const saga = await readSagaFor(opts.sagas, sagaIdOf(msg.data), caller);
      return { ok: true, saga } satisfies SagaReply;
    },
  });
}
