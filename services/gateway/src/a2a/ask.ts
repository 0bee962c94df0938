import { type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';
import {
  AskReply,
  decodeJson,
  encodeJson,
  Failure,
  HeaderNames,
  Subjects,
  SwitchboardError,
  writeContext,
} from '@switchboard/contracts';
import type { Guard } from '@switchboard/runtime';
import type { AskTurn } from './executor.js';

/**
 * One A2A message as one Switchboard turn: the same request as `POST /v1/ask`, on `agents.ask` (the
 * router picks the agent) or `agents.<agent>.ask`, with the caller's token and the deadline.
 */
export function natsAskTurn(deps: {
  nc: NatsConnection;
  natsGuard: Guard;
  timeoutMs: number;
  isConnected?: (() => boolean) | undefined;
  natsFailure(err: unknown): SwitchboardError | Failure;
}): AskTurn {
  return async (target, body, caller, opts) => {
    if (deps.isConnected && !deps.isConnected())
      throw new Failure('bus_unavailable', 'the message bus is unavailable; retry shortly');
    const h = natsHeaders();
    writeContext(h, {
      requestId: caller.requestId,
      traceparent: caller.traceparent,
      deadline: Date.now() + deps.timeoutMs,
      ...(opts?.streamId ? { streamId: opts.streamId } : {}),
    });
    if (caller.token) h.set(HeaderNames.authorization, `Bearer ${caller.token}`);
    const subject = target ? Subjects.agentAsk(target) : Subjects.ask;
    const msg = await deps.natsGuard
      .execute(() => deps.nc.request(subject, encodeJson(body), { timeout: deps.timeoutMs, headers: h }))
      .catch((err: unknown) => {
        throw deps.natsFailure(err);
      });
    const parsed = AskReply.safeParse(decodeJson(msg.data, 'reply'));
    if (!parsed.success) throw new SwitchboardError('internal', 'the reply did not match the contract');
    return parsed.data;
  };
}
