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
import type { ChunkSink } from '../engine.js';

/**
 * Sequence numbers of one delivery of a task start after `(delivery - 1) * SEQ_PER_DELIVERY`: a
 * redelivered task (its first delivery crashed mid-stream) never publishes under a number the first
 * one used, so JetStream's duplicate window cannot drop its chunks and no two texts share a number.
 */
export const SEQ_PER_DELIVERY = 100_000;

/** When buffered text goes out as a chunk (docs/streaming.md, "Coalescing"). */
export interface CoalesceRule {
  /** Flush at the last space once this many characters wait (default 40). */
  maxChars: number;
  /** Flush at the last space once the oldest waiting character is this old, ms (default 100). */
  maxWaitMs: number;
}

export const defaultCoalesce: CoalesceRule = { maxChars: 40, maxWaitMs: 100 };

/** Settings of {@link openChunkStream}. */
export interface ChunkStreamOptions {
  /** The delivery count of the task (1 the first time). */
  delivery: number;
  coalesce?: Partial<CoalesceRule>;
}

/**
 * The text of `buffer` ready to go out now, and what stays: whole sentences and lines (all but the
 * last piece of {@link splitIntoChunks}) always; with `force`, everything up to the last run of
 * white space (kept back: the answer may end there, and a reply's text is trimmed).
 */
export function takeReady(buffer: string, force: boolean): { ready: string; rest: string } {
  const parts = splitIntoChunks(buffer);
  const last = parts[parts.length - 1] ?? '';
  let ready = parts.slice(0, -1).join('');
  let rest = last;
  if (force) {
    const m = /\s+\S*$/.exec(last);
    const cut = m ? m.index : last.length;
    ready += last.slice(0, cut);
    rest = last.slice(cut);
  }
  return { ready, rest };
}

/**
 * One streamed answer of one delivery of a task (`chunks.<streamId>`, docs/streaming.md). An engine
 * writes its text as it comes ({@link ChunkSink}); it goes out coalesced, each chunk with the next
 * sequence number and msg id `<taskId>.<seq>`. `restart()` voids what went out: the next chunk
 * carries `Switchboard-Chunk-Restart`. {@link finish} completes the stream with the reply: the part
 * of its text not streamed yet (all of it, marked restart, when the streamed text is not where the
 * reply starts), the last chunk final, then the reply record. So the chunks since the last restart
 * always join to the reply's text.
 */
export class ChunkStream implements ChunkSink {
  private readonly subject: string;
  private readonly rule: CoalesceRule;
  private seq: number;
  /** Text published since the last restart. */
  private shown = '';
  /** Text written and not published yet. */
  private buffer = '';
  /** Whether the answer has begun since the last restart (leading white space is dropped). */
  private begun = false;
  private restartNext: boolean;
  private timer: NodeJS.Timeout | undefined;
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly js: JetStreamClient,
    streamId: string,
    private readonly taskId: string,
    private readonly userId: string | undefined,
    opts: ChunkStreamOptions,
  ) {
    this.subject = Subjects.chunks(streamId);
    this.rule = { ...defaultCoalesce, ...opts.coalesce };
    this.seq = (Math.max(1, opts.delivery) - 1) * SEQ_PER_DELIVERY;
    // A redelivery cannot know what its earlier delivery streamed: it starts the answer over.
    this.restartNext = opts.delivery > 1;
  }

  write(text: string): void {
    let t = text;
    if (!this.begun) {
      t = t.replace(/^\s+/, '');
      if (!t) return;
      this.begun = true;
    }
    this.buffer += t;
    this.flush(this.buffer.length >= this.rule.maxChars);
    if (this.buffer && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush(true);
      }, this.rule.maxWaitMs);
    }
  }

  restart(): void {
    this.clearTimer();
    this.buffer = '';
    this.begun = false;
    if (this.shown !== '') this.restartNext = true;
    this.shown = '';
  }

  /**
   * Publishes the rest of the answer as the reply has it, the last chunk final, then the reply
   * record; resolves once all are stored. Rejects with the first failed publish of the stream (the
   * caller logs it: a failed stream never costs the reply).
   */
  async finish(reply: AskReply): Promise<void> {
    this.clearTimer();
    this.buffer = '';
    await this.tail;
    const text = reply.ok ? reply.text : reply.error.message;
    let rest = text;
    if (this.failure === undefined && text.startsWith(this.shown)) rest = text.slice(this.shown.length);
    else if (this.shown !== '' || this.failure !== undefined) this.restartNext = true;
    this.failure = undefined;
    const pieces = splitIntoChunks(rest);
    for (const [i, piece] of pieces.entries()) this.publish(piece, i === pieces.length - 1);
    this.enqueue(async () => {
      const h = natsHeaders();
      writeReplyHeaders(h, this.userId);
      await this.js.publish(this.subject, encodeJson(reply), { msgID: `${this.taskId}.reply`, headers: h });
    });
    await this.tail;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Sends what is ready of the buffer (with `force`, all but trailing white space). */
  private flush(force: boolean): void {
    const { ready, rest } = takeReady(this.buffer, force);
    if (!ready) return;
    this.buffer = rest;
    if (!rest) this.clearTimer();
    this.publish(ready, false);
  }

  private publish(text: string, final: boolean): void {
    const seq = ++this.seq;
    const restart = this.restartNext;
    this.restartNext = false;
    this.shown += text;
    this.enqueue(async () => {
      const h = natsHeaders();
      writeChunkHeaders(h, { seq, final, restart, ...(this.userId ? { userId: this.userId } : {}) });
      await this.js.publish(this.subject, text, { msgID: `${this.taskId}.${seq}`, headers: h });
    });
  }

  /** Publishes one after another, in order; after a failure nothing more goes out until `finish`. */
  private enqueue(send: () => Promise<void>): void {
    this.tail = this.tail.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await send();
      } catch (err) {
        this.failure = err;
      }
    });
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * The stream of a task's answer when the caller asked for it (`Switchboard-Stream`), else
 * `undefined`: nothing is streamed and nothing changes for the caller.
 */
export function openChunkStream(
  js: JetStreamClient,
  ctx: Pick<MessageContext, 'streamId' | 'userId'>,
  task: Pick<Task, 'taskId' | 'userId'>,
  opts: ChunkStreamOptions,
): ChunkStream | undefined {
  if (!ctx.streamId) return undefined;
  return new ChunkStream(js, ctx.streamId, task.taskId, ctx.userId ?? task.userId, opts);
}
