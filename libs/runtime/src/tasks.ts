import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { encodeJson, type MessageContext, Subjects, type Task, writeContext } from '@switchboard/contracts';

/**
 * Publishes a task to `tasks.<agent>` with `Nats-Msg-Id` = task id (a retried publish is
 * de-duplicated by the stream) and its context (reply subject, request id, trace, deadline, user)
 * in headers.
 */
export function publishTask(
  js: JetStreamClient,
  task: Task,
  envelope: Omit<MessageContext, 'requestId'> & { timeoutMs?: number },
): Promise<PubAck> {
  const { timeoutMs, ...ctx } = envelope;
  const h = natsHeaders();
  writeContext(h, { ...ctx, requestId: task.requestId });
  return js.publish(Subjects.task(task.agent), encodeJson(task), {
    msgID: task.taskId,
    headers: h,
    timeout: timeoutMs ?? 5000,
  });
}
