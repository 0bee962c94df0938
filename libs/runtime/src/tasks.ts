import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { encodeJson, HeaderNames, Subjects, type Task } from '@switchboard/contracts';

/**
 * Publishes a task to `tasks.<agent>` with `Nats-Msg-Id` = task id (a retried publish is
 * de-duplicated by the stream) and the caller's reply subject and request id in headers.
 */
export function publishTask(
  js: JetStreamClient,
  task: Task,
  envelope: { replyTo?: string | undefined; traceparent?: string | undefined; timeoutMs?: number },
): Promise<PubAck> {
  const h = natsHeaders();
  h.set(HeaderNames.requestId, task.requestId);
  if (envelope.replyTo) h.set(HeaderNames.replyTo, envelope.replyTo);
  if (envelope.traceparent) h.set(HeaderNames.traceparent, envelope.traceparent);
  return js.publish(Subjects.task(task.agent), encodeJson(task), {
    msgID: task.taskId,
    headers: h,
    timeout: envelope.timeoutMs ?? 5000,
  });
}
