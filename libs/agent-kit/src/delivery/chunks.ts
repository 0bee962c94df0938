import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  type AskReply,
  encodeJson,
  type MessageContext,
  Subjects,
  splitIntoChunks,
  type Task,
  writeChunkHeaders,
  writeReplyHeaders,
} from '@switchboard/contracts';

/**
 * Streams an answer to `chunks.<streamId>` when the caller asked for it (`Switchboard-Stream`): the
 * reply's text in ordered chunks, the last marked final, then a record of the reply itself, so a
 * client that resumes later gets everything. Each message's id is `<taskId>.<n>` (`<taskId>.reply`):
 * a rerun of the task publishes the same ids and the stream keeps one copy. Called before the reply
 * goes to the caller, so every chunk is stored by the time the caller has the reply.
 */
export async function publishChunks(
  js: JetStreamClient,
  ctx: Pick<MessageContext, 'streamId' | 'userId'>,
  task: Pick<Task, 'taskId' | 'userId'>,
  reply: AskReply,
): Promise<void> {
  if (!ctx.streamId) return;
  const subject = Subjects.chunks(ctx.streamId);
  const userId = ctx.userId ?? task.userId;
  const texts = splitIntoChunks(reply.ok ? reply.text : reply.error.message);
  for (const [i, text] of texts.entries()) {
    const h = natsHeaders();
    const seq = i + 1;
    writeChunkHeaders(h, { seq, final: seq === texts.length, ...(userId ? { userId } : {}) });
    await js.publish(subject, text, { msgID: `${task.taskId}.${seq}`, headers: h });
  }
  const h = natsHeaders();
  writeReplyHeaders(h, userId);
  await js.publish(subject, encodeJson(reply), { msgID: `${task.taskId}.reply`, headers: h });
}
