import { JetStreamApiCodes, JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  type AskReply,
  decodeJson,
  errorReply,
  Failure,
  type MessageContext,
  Names,
  parseWith,
  readContext,
  SwitchboardError,
  Task,
  timeLeft,
} from '@switchboard/contracts';
import {
  DeliveryDefaults,
  type Guard,
  type InFlight,
  type Logger,
  lazyMessageLogger,
  type Metrics,
  newId,
  parseTraceparent,
  primeTasks,
  RetryPolicies,
  retry,
  SessionConflictError,
  type SessionStore,
  startNewWrite,
} from '@switchboard/runtime';
import { deadLetter } from '../dead-letter.js';
import type { Engine } from '../engine.js';
import { sendReply } from '../replies.js';
import { publishEvents } from '../task-events.js';
import { processTurn, type TurnOutcome } from '../turn.js';
import { type ChunkStream, openChunkStream } from './chunks.js';
import {
  type Decision,
  decide,
  onArrivalWhileStopping,
  releaseAtDrainTimeout,
  resultOfError,
  type TurnResult,
} from './decide.js';
import { PullSource } from './pull-source.js';
import type { TaskMsg, TaskSink, TaskSource } from './task-source.js';

/** Settings of an agent's task worker. */
export interface TaskWorkerOptions {
  agent: string;
  nc: NatsConnection;
  js: JetStreamClient;
  store: SessionStore;
  /** The breaker in front of JetStream; event publishes go through it (the store's calls may too). */
  jetstream?: Guard;
  engine: Engine;
  log: Logger;
  metrics: Metrics;
  inFlight: InFlight;
  /** Tasks handled at once by this instance; never more are taken from the source. */
  concurrency: number;
  /** Deliveries before a task is dead-lettered (the consumer's `max_deliver`). */
  maxDeliver: number;
  /** The consumer's ack wait; long turns send in-progress acks at a third of it. */
  ackWaitMs: number;
  /** How long `stop()` waits for tasks in flight before releasing them, ms (default 5000). */
  drainTimeoutMs?: number;
  /** Server-side lifetime of one pull request, ms (default 500, at most 5000); bounds a stop's wait. */
  pullExpiresMs?: number;
  /** Recreates the durable consumer when it is found missing (after a server lost its store). */
  ensureConsumer?: () => Promise<void>;
  /** Where tasks come from (default: the pull client on the agent's durable consumer). */
  source?: (sink: TaskSink) => TaskSource;
}

/** A running task worker. */
export interface TaskWorker {
  /**
   * Drains: stops taking tasks, releases (nak) every task received after the stop, waits up to
   * `drainTimeoutMs` for the tasks in flight, releases those that have not replied yet, flushes.
   */
  stop(): Promise<void>;
}

/** One task being handled. */
interface Running {
  m: TaskMsg;
  /** Read once from the task's headers. */
  ctx: MessageContext;
  /** Aborted when the task is given back (drain) or its caller's deadline passes. */
  abort: AbortController;
  /** Given back to the server: it must not reply or ack. */
  released: boolean;
  /** The caller's deadline passed while it ran. */
  expired: boolean;
  /** The reply (or an error reply) went out with the ack: too late to release. */
  replied: boolean;
  timers: NodeJS.Timeout[];
}

/** How one delivery's handling ended, with what the decision needs to act on. */
interface Handled {
  result: TurnResult;
  outcome?: TurnOutcome;
  error?: unknown;
}

function isConsumerNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound;
}

/**
 * Consumes `tasks.<agent>` through the durable consumer shared by all instances. Each delivery is
 * handled (the turn, then its events), and what happens to it then is the pure `decide` of
 * `decide.ts`: ack together with the reply, nak with a delay, dead letter with an error reply,
 * expire, or nothing when a drain already released it.
 */
export async function startTaskWorker(opts: TaskWorkerOptions): Promise<TaskWorker> {
  primeTasks(opts.metrics, opts.agent);
  await opts.js.consumers.get(Names.tasksStream, Names.agentConsumer(opts.agent));
  return new Worker(opts);
}

class Worker implements TaskWorker {
  private readonly running = new Map<number, Running>();
  /** Tasks received after the stop began, released once the source has stopped. */
  private readonly held: TaskMsg[] = [];
  private idleWaiters: (() => void)[] = [];
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private readonly source: TaskSource;

  constructor(private readonly opts: TaskWorkerOptions) {
    const sink: TaskSink = {
      capacity: () => (this.stopping ? 0 : opts.concurrency - this.running.size),
      deliver: (m) => this.receive(m),
    };
    this.source = opts.source ? opts.source(sink) : this.pullSource(sink);
  }

  stop(): Promise<void> {
    this.stopped ??= this.drain();
    return this.stopped;
  }

  private pullSource(sink: TaskSink): TaskSource {
    const { js, log, agent } = this.opts;
    const consumer = Names.agentConsumer(agent);
    return new PullSource({
      nc: this.opts.nc,
      stream: Names.tasksStream,
      consumer,
      log,
      sink,
      expiresMs: this.opts.pullExpiresMs ?? DeliveryDefaults.pullExpiresMs,
      checkConsumer: async () => {
        try {
          await js.consumers.get(Names.tasksStream, consumer);
        } catch (err) {
          if (!isConsumerNotFound(err) || !this.opts.ensureConsumer) throw err;
          log.warn({ consumer }, 'task consumer missing: recreating it');
          await this.opts.ensureConsumer();
        }
      },
    });
  }

  private receive(m: TaskMsg): void {
    // Received after the stop began: given back once the source has stopped, unless this is its
    // last delivery (a nak then would strand it): that one is handled within the drain.
    if (this.stopping && onArrivalWhileStopping(m.info.deliveryCount, this.opts.maxDeliver) === 'release') {
      this.held.push(m);
    } else {
      this.start(m);
    }
  }

  private start(m: TaskMsg): void {
    const seq = m.info.streamSequence;
    if (this.running.has(seq)) {
      // The same task delivered again while it runs here (seen on nats-server 2.9 around naks):
      // the running copy's decision settles it; running it twice could answer twice.
      this.opts.log.warn(
        { seq, delivery: m.info.deliveryCount },
        'task delivered again while running: ignored',
      );
      return;
    }
    const r = this.track(m);
    this.running.set(seq, r);
    void this.opts.inFlight
      .run(() => this.handle(r))
      .finally(() => {
        for (const t of r.timers) clearTimeout(t);
        this.running.delete(seq);
        if (this.running.size === 0) for (const w of this.idleWaiters.splice(0)) w();
        this.source.wake();
      });
  }

  /** The running record of a task: its context, keep-alive and deadline timers. */
  private track(m: TaskMsg): Running {
    const ctx = readContext(m.headers, newId);
    const r: Running = {
      m,
      ctx,
      abort: new AbortController(),
      released: false,
      expired: false,
      replied: false,
      timers: [],
    };
    const keepAlive = setInterval(() => r.released || m.working(), Math.max(1000, this.opts.ackWaitMs / 3));
    r.timers.push(keepAlive);
    const left = timeLeft(ctx);
    if (Number.isFinite(left) && left > 0) {
      const expire = setTimeout(() => {
        r.expired = true;
        r.abort.abort(new Failure('deadline_passed', "the caller's deadline passed"));
      }, left);
      expire.unref();
      r.timers.push(expire);
    }
    return r;
  }

  private async handle(r: Running): Promise<void> {
    const { agent, metrics } = this.opts;
    const started = process.hrtime.bigint();
    const traceId = r.ctx.traceparent ? parseTraceparent(r.ctx.traceparent)?.traceId : undefined;
    const mlog = lazyMessageLogger(this.opts.log, r.ctx.requestId, r.m.subject, { traceId });
    let outcome = 'error';
    try {
      const handled = await this.run(r, mlog);
      const decision = decide(handled.result, {
        deliveryCount: r.m.info.deliveryCount,
        maxDeliver: this.opts.maxDeliver,
        released: r.released,
      });
      outcome = await this.apply(r, decision, handled, mlog);
    } catch (err) {
      // Publishing the dead letter or the ack itself failed: the task will be redelivered, and the
      // rerun finds its answer in the session (idempotent by task id).
      mlog().warn({ err }, 'task not confirmed; it will be redelivered');
    } finally {
      metrics.tasks.inc({ agent, outcome });
      metrics.taskDuration.observe({ agent }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /** Runs the turn and publishes its events; never throws: every ending is a {@link TurnResult}. */
  private async run(r: Running, mlog: () => Logger): Promise<Handled> {
    let task: Task;
    try {
      task = parseWith(Task, decodeJson(r.m.data, 'task'), 'task');
      if (task.agent !== this.opts.agent) {
        throw new SwitchboardError('invalid_request', `task is for agent ${task.agent}`);
      }
      // Answering on a subject that is not an inbox would publish into whatever it names (a stream,
      // a bucket): such a task is dead-lettered, and nothing is sent there.
      if (r.ctx.unusableReplyTo) {
        throw new SwitchboardError('invalid_request', 'the reply subject of the task is not an inbox');
      }
    } catch (err) {
      return { result: { kind: 'invalid_task' }, error: err };
    }
    if (timeLeft(r.ctx) <= 0) return { result: { kind: 'expired' } };
    // Streamed too when the caller asked (docs/streaming.md): the engine may write as it answers;
    // the rest and the reply record are stored before the reply goes out. A failure costs the
    // stream only: the caller still gets the reply.
    const chunks = openChunkStream(this.opts.js, r.ctx, task, { delivery: r.m.info.deliveryCount });
    try {
      const outcome = await this.turn(
        r,
        r.ctx.userId ? { ...task, userId: r.ctx.userId } : task,
        mlog,
        chunks,
      );
      const publish = () => publishEvents(this.opts.js, this.opts.agent, task, outcome);
      await (this.opts.jetstream ? this.opts.jetstream.execute(publish) : publish());
      await chunks
        ?.finish(outcome.reply)
        .catch((err: unknown) => mlog().warn({ err }, 'answer not streamed'));
      const ended = outcome.reply.status === 'ended';
      return { result: { kind: 'answered', duplicate: outcome.duplicate, ended }, outcome };
    } catch (err) {
      return { result: r.expired ? { kind: 'expired' } : resultOfError(err), error: err };
    }
  }

  /** The turn, re-read and run again when another writer changed the session meanwhile. */
  private async turn(r: Running, task: Task, mlog: () => Logger, chunks?: ChunkStream): Promise<TurnOutcome> {
    const engineCtx = {
      get log() {
        return mlog();
      },
      signal: r.abort.signal,
      message: r.ctx,
      chunks,
    };
    return retry(
      RetryPolicies.sessionConflict,
      (attempt) => {
        // The first delivery of a task that opens its session cannot find a record: skip the read.
        const fresh = task.newSession && r.m.info.deliveryCount === 1 && attempt === 1 && !r.ctx.replay;
        return processTurn(this.opts, task, engineCtx, { fresh });
      },
      { isRetryable: (err) => err instanceof SessionConflictError },
    );
  }

  /** Carries out a decision; returns the outcome label actually reached. */
  private async apply(r: Running, d: Decision, h: Handled, mlog: () => Logger): Promise<string> {
    const { m } = r;
    switch (d.action) {
      case 'none':
        return d.outcome;
      case 'reply_and_ack': {
        const reply = h.outcome ? h.outcome.reply : errorReply(h.error);
        if (d.reply === 'error') mlog().info({ code: d.outcome }, 'task refused');
        if (!(await this.finish(r, reply))) return 'released';
        if (h.outcome) this.countSession(h.outcome);
        return d.outcome;
      }
      case 'retry':
        mlog().warn(
          { err: h.error, delivery: m.info.deliveryCount, delay: d.delayMs },
          'task failed; will retry',
        );
        m.nak(d.delayMs);
        return d.outcome;
      case 'expire':
        mlog().info({ delivery: m.info.deliveryCount }, "caller's deadline passed: turn abandoned");
        m.term();
        return d.outcome;
      case 'dead_letter':
        return this.deadLetter(r, d, h.error, mlog);
    }
  }

  private async deadLetter(
    r: Running,
    d: Extract<Decision, { action: 'dead_letter' }>,
    error: unknown,
    mlog: () => Logger,
  ): Promise<string> {
    const { agent, js, metrics } = this.opts;
    mlog().error({ err: error, delivery: r.m.info.deliveryCount, reason: d.reason }, 'task dead-lettered');
    await deadLetter(js, agent, r.m, d.reason, error instanceof Error ? error.message : String(error));
    metrics.deadLetters.inc({ agent, reason: d.reason });
    if (r.released) return 'released';
    r.replied = true;
    const shown =
      error instanceof SwitchboardError
        ? error
        : new SwitchboardError('internal', 'the agent could not answer; the task was dead-lettered');
    sendReply(this.opts.nc, r.ctx.replyTo, errorReply(shown), r.ctx.requestId);
    r.m.term();
    return d.outcome;
  }

  /** Reply and ack in one synchronous step, so both leave in the same write. */
  private async finish(r: Running, reply: AskReply): Promise<boolean> {
    if (r.released) return false;
    r.replied = true;
    startNewWrite(this.opts.nc);
    sendReply(this.opts.nc, r.ctx.replyTo, reply, r.ctx.requestId);
    await r.m.ackAck();
    return true;
  }

  private countSession(outcome: TurnOutcome): void {
    const { agent, metrics } = this.opts;
    if (outcome.opened) metrics.sessions.inc({ agent, event: 'opened' });
    if (outcome.reply.status === 'ended' && !outcome.duplicate)
      metrics.sessions.inc({ agent, event: 'ended' });
  }

  private release(m: TaskMsg): void {
    m.nak();
    this.opts.metrics.tasks.inc({ agent: this.opts.agent, outcome: 'released' });
  }

  private idle(ms: number): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.max(0, ms));
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private async drain(): Promise<void> {
    const until = Date.now() + (this.opts.drainTimeoutMs ?? DeliveryDefaults.drainTimeoutMs);
    this.stopping = true;
    await Promise.all([
      this.source.stop().then(() => {
        for (const m of this.held.splice(0)) this.release(m);
      }),
      this.idle(until - Date.now()),
    ]);
    await this.idle(until - Date.now());
    this.releaseUnfinished();
    this.idleWaiters = [];
    await this.flush();
  }

  /** Gives back the tasks still running at the drain timeout that may be (see `releaseAtDrainTimeout`). */
  private releaseUnfinished(): void {
    const maxDeliver = this.opts.maxDeliver;
    let released = 0;
    for (const r of this.running.values()) {
      if (r.released) continue;
      if (releaseAtDrainTimeout({ replied: r.replied, deliveryCount: r.m.info.deliveryCount, maxDeliver })) {
        r.released = true;
        r.m.nak(); // counted as `released` when its handler returns
        released++;
      }
      r.abort.abort(new Failure('stopping', 'the agent instance is stopping'));
    }
    if (released > 0) this.opts.log.warn({ released }, 'drain timeout: unfinished tasks released');
  }

  private async flush(): Promise<void> {
    const { nc, log } = this.opts;
    if (nc.isClosed()) return;
    await Promise.race([nc.flush(), new Promise((r) => setTimeout(r, 1000).unref())]).catch((err: unknown) =>
      log.warn({ err }, 'flush after drain failed'),
    );
  }
}
