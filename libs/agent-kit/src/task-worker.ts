import { JetStreamApiCodes, JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  decodeJson,
  errorReply,
  HeaderNames,
  Names,
  parseWith,
  SwitchboardError,
  Task,
} from '@switchboard/contracts';
import {
  type Guard,
  type InFlight,
  type Logger,
  lazyMessageLogger,
  type Metrics,
  newId,
  parseTraceparent,
  primeTasks,
  SessionConflictError,
  type SessionStore,
  startNewWrite,
} from '@switchboard/runtime';
import { deadLetter } from './dead-letter.js';
import type { Engine } from './engine.js';
import { sendReply } from './replies.js';
import { publishEvents } from './task-events.js';
import { startTaskPuller, type TaskMsg } from './task-puller.js';
import { processTurn, type TurnOutcome } from './turn.js';

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
  /** Tasks handled at once by this instance; never more are pulled from the server. */
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
}

/** A running task worker. */
export interface TaskWorker {
  /**
   * Drains: stops pulling, releases (nak) every task received after the stop, waits up to
   * `drainTimeoutMs` for the tasks in flight, releases those that have not replied yet, flushes.
   */
  stop(): Promise<void>;
}

/** User errors that end a task with an error reply, not a dead letter. */
const ANSWERED_ERRORS = new Set(['invalid_request', 'unknown_session', 'session_closed', 'unauthorized']);

/**
 * Retry delay for the n-th failed delivery: 1 s, 2 s, 4 s, 8 s, then 15 s. With the default six
 * deliveries a task keeps trying for ~30 s, longer than a JetStream leader election (4-8 s).
 */
export function backoffMs(deliveryCount: number): number {
  return Math.min(15_000, 1000 * 2 ** Math.max(0, deliveryCount - 1));
}

/** One task being handled. `released` once it was given back to the server: it must not reply. */
interface Running {
  m: TaskMsg;
  released: boolean;
  /** The reply (or an error reply) went out with the ack: too late to release. */
  replied: boolean;
  keepAlive: NodeJS.Timeout;
}

function isConsumerNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound;
}

/**
 * Consumes `tasks.<agent>` through the durable consumer shared by all instances. Each task ends in
 * exactly one decision: ack after its events are published, together with the reply; nak with a
 * delay for a retryable failure; dead letter (with an error reply) when it cannot succeed; or, on
 * stop, release (nak at once) when it was not answered yet.
 */
export async function startTaskWorker(opts: TaskWorkerOptions): Promise<TaskWorker> {
  const { agent, js, log, metrics } = opts;
  primeTasks(metrics, agent);
  const consumerName = Names.agentConsumer(agent);
  await js.consumers.get(Names.tasksStream, consumerName);
  const abort = new AbortController();
  const running = new Set<Running>();
  const bySeq = new Map<number, Running>();
  /** Tasks received after the stop began, released once no pull request is left waiting. */
  const held: TaskMsg[] = [];
  let idleWaiters: (() => void)[] = [];
  let stopping = false;

  /** Replies (when given) and acks in one synchronous step: both leave in the same write. */
  const finish = async (r: Running, reply: (() => void) | undefined): Promise<boolean> => {
    if (r.released) return false;
    r.replied = true;
    startNewWrite(opts.nc);
    reply?.();
    await r.m.ackAck();
    return true;
  };

  const handle = async (r: Running): Promise<void> => {
    const { m } = r;
    const started = process.hrtime.bigint();
    const requestId = m.headers?.get(HeaderNames.requestId) || newId();
    const replyTo = m.headers?.get(HeaderNames.replyTo) || undefined;
    const traceId = parseTraceparent(m.headers?.get(HeaderNames.traceparent))?.traceId;
    const mlog = lazyMessageLogger(log, requestId, m.subject, { traceId });
    const engineCtx = {
      get log() {
        return mlog();
      },
      signal: abort.signal,
    };
    let outcomeLabel = 'answered';
    try {
      let task: Task;
      try {
        task = parseWith(Task, decodeJson(m.data, 'task'), 'task');
        if (task.agent !== agent)
          throw new SwitchboardError('invalid_request', `task is for agent ${task.agent}`);
      } catch (err) {
        outcomeLabel = 'invalid';
        mlog().warn({ err }, 'invalid task: dead-lettered');
        await deadLetter(js, agent, m, 'invalid_task', err instanceof Error ? err.message : String(err));
        metrics.deadLetters.inc({ agent, reason: 'invalid_task' });
        if (r.released) return;
        r.replied = true;
        sendReply(opts.nc, replyTo, errorReply(err), requestId);
        m.term();
        return;
      }
      try {
        let outcome: TurnOutcome | undefined;
        for (let attempt = 0; !outcome; attempt++) {
          try {
            const fresh =
              task.newSession &&
              m.info.deliveryCount === 1 &&
              attempt === 0 &&
              !m.headers?.has(HeaderNames.replay);
            outcome = await processTurn(opts, task, engineCtx, { fresh });
          } catch (err) {
            if (!(err instanceof SessionConflictError) || attempt >= 4) throw err;
          }
        }
        if (outcome.duplicate) outcomeLabel = 'duplicate';
        else if (outcome.reply.status === 'ended') outcomeLabel = 'ended';
        const done = outcome;
        const publish = () => publishEvents(js, agent, task, done);
        await (opts.jetstream ? opts.jetstream.execute(publish) : publish());
        const answer = outcome.reply;
        if (!(await finish(r, () => sendReply(opts.nc, replyTo, answer, requestId)))) {
          outcomeLabel = 'released';
          return;
        }
        if (outcome.opened) metrics.sessions.inc({ agent, event: 'opened' });
        if (outcome.reply.status === 'ended' && !outcome.duplicate)
          metrics.sessions.inc({ agent, event: 'ended' });
      } catch (err) {
        if (r.released) {
          outcomeLabel = 'released';
          return;
        }
        outcomeLabel = await onFailure(r, err, { task, replyTo, requestId, mlog });
      }
    } catch (err) {
      // Publishing the dead letter or the ack itself failed: the task will be redelivered, and the
      // rerun finds its answer in the session (idempotent by task id).
      outcomeLabel = 'error';
      mlog().warn({ err }, 'task not confirmed; it will be redelivered');
    } finally {
      metrics.tasks.inc({ agent, outcome: outcomeLabel });
      metrics.taskDuration.observe({ agent }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };

  /** The decision for a failed turn: error reply, retry later, or dead letter. Returns the outcome label. */
  const onFailure = async (
    r: Running,
    err: unknown,
    ctx: { task: Task; replyTo: string | undefined; requestId: string; mlog: () => Logger },
  ): Promise<string> => {
    const { m } = r;
    const { replyTo, requestId, mlog } = ctx;
    const typed = err instanceof SwitchboardError ? err : undefined;
    if (typed && ANSWERED_ERRORS.has(typed.code)) {
      mlog().info({ code: typed.code }, 'task refused');
      const sent = await finish(r, () => sendReply(opts.nc, replyTo, errorReply(typed), requestId));
      return sent ? typed.code : 'released';
    }
    const retryable = typed ? typed.retryable : true;
    if (retryable && m.info.deliveryCount < opts.maxDeliver) {
      const delay = typed?.retryAfterMs ?? backoffMs(m.info.deliveryCount);
      mlog().warn({ err, delivery: m.info.deliveryCount, delay }, 'task failed; will retry');
      m.nak(delay);
      return 'retried';
    }
    const reason = retryable ? 'max_deliveries' : (typed?.code ?? 'permanent');
    mlog().error({ err, delivery: m.info.deliveryCount, reason }, 'task dead-lettered');
    await deadLetter(js, agent, m, reason, err instanceof Error ? err.message : String(err));
    metrics.deadLetters.inc({ agent, reason });
    if (r.released) return 'released';
    r.replied = true;
    sendReply(
      opts.nc,
      replyTo,
      errorReply(
        typed ?? new SwitchboardError('internal', 'the agent could not answer; the task was dead-lettered'),
      ),
      requestId,
    );
    m.term();
    return 'dead_lettered';
  };

  const release = (m: TaskMsg) => {
    m.nak();
    metrics.tasks.inc({ agent, outcome: 'released' });
  };

  const start = (m: TaskMsg) => {
    const seq = m.info.streamSequence;
    if (bySeq.has(seq)) {
      // The same task delivered again while it runs here (seen on nats-server 2.9 around naks):
      // the running copy's decision settles it; running it twice could answer twice.
      log.warn({ seq, delivery: m.info.deliveryCount }, 'task delivered again while running: ignored');
      return;
    }
    const r: Running = {
      m,
      released: false,
      replied: false,
      keepAlive: setInterval(
        () => {
          if (!r.released) m.working();
        },
        Math.max(1000, opts.ackWaitMs / 3),
      ),
    };
    running.add(r);
    bySeq.set(seq, r);
    void opts.inFlight
      .run(() => handle(r))
      .finally(() => {
        clearInterval(r.keepAlive);
        running.delete(r);
        bySeq.delete(seq);
        if (running.size === 0) for (const w of idleWaiters.splice(0)) w();
        puller.wake();
      });
  };

  const puller = startTaskPuller({
    nc: opts.nc,
    stream: Names.tasksStream,
    consumer: consumerName,
    log,
    expiresMs: opts.pullExpiresMs ?? 500,
    capacity: () => (stopping ? 0 : opts.concurrency - running.size),
    deliver: (m) => {
      // Received after the stop began: given back as soon as the puller has stopped, unless this
      // is its last delivery (a nak then would strand it): that one is handled within the drain.
      if (stopping && m.info.deliveryCount < opts.maxDeliver) held.push(m);
      else start(m);
    },
    checkConsumer: async () => {
      try {
        await js.consumers.get(Names.tasksStream, consumerName);
      } catch (err) {
        if (!isConsumerNotFound(err) || !opts.ensureConsumer) throw err;
        log.warn({ consumer: consumerName }, 'task consumer missing: recreating it');
        await opts.ensureConsumer();
      }
    },
  });

  const idle = (ms: number) =>
    running.size === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.max(0, ms));
          idleWaiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });

  let stopped: Promise<void> | undefined;
  const drain = async () => {
    const until = Date.now() + (opts.drainTimeoutMs ?? 5000);
    stopping = true;
    await Promise.all([
      puller.stop().then(() => {
        for (const m of held.splice(0)) release(m);
      }),
      idle(until - Date.now()),
    ]);
    await idle(until - Date.now());
    // A task on its last delivery is not released (a nak would strand it): it may still finish
    // before the process exits; if not, the max-deliveries watcher of another instance takes it.
    const late = [...running].filter(
      (r) => !r.replied && !r.released && r.m.info.deliveryCount < opts.maxDeliver,
    );
    for (const r of late) {
      r.released = true;
      r.m.nak(); // counted as `released` when its handler returns
    }
    if (late.length > 0) log.warn({ released: late.length }, 'drain timeout: unfinished tasks released');
    abort.abort();
    idleWaiters = [];
    if (!opts.nc.isClosed()) {
      await Promise.race([opts.nc.flush(), new Promise((r) => setTimeout(r, 1000).unref())]).catch(
        (err: unknown) => log.warn({ err }, 'flush after drain failed'),
      );
    }
  };

  return {
    stop() {
      stopped ??= drain();
      return stopped;
    },
  };
}
