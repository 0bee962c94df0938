import type { NatsConnection } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { type AskReply, ErrorCodes, encodeJson, HeaderNames } from '@switchboard/contracts';

/** Sends a reply to the caller's reply subject carried by a task (nothing when there is none). */
export function sendReply(
  nc: NatsConnection,
  replyTo: string | undefined,
  reply: AskReply,
  requestId: string,
): void {
  if (!replyTo) return;
  const h = natsHeaders();
  h.set(HeaderNames.requestId, requestId);
  if (!reply.ok) {
    h.set(HeaderNames.microError, reply.error.message);
    h.set(HeaderNames.microErrorCode, String(ErrorCodes[reply.error.code].httpStatus));
  }
  nc.publish(replyTo, encodeJson(reply), { headers: h });
}
