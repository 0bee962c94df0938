import { type AskReplyError, errorReply, Failure, type SwitchboardError } from '@switchboard/contracts';
import {
  type Guard,
  identifyCaller,
  type Logger,
  readSagaFor,
  type SagaStore,
  type TokenVerifier,
} from '@switchboard/runtime';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** The route's metric label (primed with the others in `buildGateway`). */
export const sagaRoute = 'GET /v1/sagas/:id';

/** What `GET /v1/sagas/<id>` needs; the error helpers are the gateway's own. */
export interface SagaRouteDeps {
  sagas: Pick<SagaStore, 'get'>;
  natsGuard: Guard;
  log: Logger;
  tokens?: TokenVerifier | undefined;
  isConnected?: () => boolean;
  sendError(reply: FastifyReply, body: AskReplyError, requestId: string): FastifyReply;
  natsFailure(err: unknown): SwitchboardError | Failure;
}

/**
 * `GET /v1/sagas/<id>`: a saga's state and history, `{ok: true, saga}` (the same body as
 * `sagas.get`). Secure mode: a valid token first (401), then only the requester's saga (403). An
 * unsafe id is 400 `invalid_request`, an unknown one 404 `unknown_saga`.
 */
export function registerSagaRoute(app: FastifyInstance, deps: SagaRouteDeps): void {
  app.get<{ Params: { id: string } }>('/v1/sagas/:id', async (req, reply) => {
    const requestId = (req as { requestId?: string }).requestId!;
    try {
      const caller = deps.tokens
        ? await identifyCaller(deps.tokens, req.headers.authorization, undefined)
        : undefined;
      if (deps.isConnected && !deps.isConnected()) {
        throw new Failure('bus_unavailable', 'the message bus is unavailable; retry shortly');
      }
      const store: Pick<SagaStore, 'get'> = {
        get: (id) =>
          deps.natsGuard
            .execute(() => deps.sagas.get(id))
            .catch((err: unknown) => {
              throw deps.natsFailure(err);
            }),
      };
      const saga = await readSagaFor(store, req.params.id, caller);
      return reply.header('x-request-id', requestId).send({ ok: true, saga });
    } catch (err) {
      const body = errorReply(err);
      if (body.error.code === 'internal') deps.log.error({ err }, 'saga read failed');
      return deps.sendError(reply, body, requestId);
    }
  });
}
