import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { Subjects } from '@switchboard/contracts';

/** Header names added to a dead-lettered task. */
export const DeadLetterHeaders = {
  reason: 'Switchboard-Dlq-Reason',
  detail: 'Switchboard-Dlq-Detail',
  deliveries: 'Switchboard-Dlq-Deliveries',
  streamSeq: 'Switchboard-Dlq-Stream-Seq',
  at: 'Switchboard-Dlq-At',
} as const;

/**
 * Copies a task to `dlq.<agent>` with its original headers and payload plus the reason, the
 * delivery count and the original stream sequence. De-duplicated by the original sequence.
 */
export async function deadLetter(
  js: JetStreamClient,
  agent: string,
  m: JsMsg,
  reason: string,
  detail: string,
): Promise<void> {
  const h = natsHeaders();
  if (m.headers) for (const [k, v] of m.headers) for (const one of v) h.append(k, one);
  h.delete('Nats-Msg-Id');
  h.set(DeadLetterHeaders.reason, reason);
  h.set(DeadLetterHeaders.detail, detail.slice(0, 500));
  h.set(DeadLetterHeaders.deliveries, String(m.info.deliveryCount));
  h.set(DeadLetterHeaders.streamSeq, String(m.info.streamSequence));
  h.set(DeadLetterHeaders.at, new Date().toISOString());
  await js.publish(Subjects.deadLetter(agent), m.data, {
    headers: h,
    msgID: `dlq-${agent}-${m.info.streamSequence}`,
  });
}
