import type { NatsConnection } from '@nats-io/transport-node';
import { type AskReply, encodeJson } from '@switchboard/contracts';
import { replyHeaders } from '@switchboard/runtime';

/** Sends a reply to the caller's reply subject carried by a task (nothing when there is none). */
export function sendReply(
  nc: NatsConnection,
  replyTo: string | undefined,
  reply: AskReply,
  requestId: string,
): void {
  if (replyTo) nc.publish(replyTo, encodeJson(reply), { headers: replyHeaders(reply, requestId) });
}
