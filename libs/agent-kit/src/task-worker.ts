import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  decodeJson,
  encodeJson,
  errorReply,
  HeaderNames,
  Names,
  parseWith,
  Subjects,
  SwitchboardError,
  type SwitchboardEvent,
  Task,
} from '@switchboard/contracts';
import {
  type InFlight,
  type Logger,
  type Metrics,
  messageLogger,
  newId,
  SessionConflictError,
  type SessionStore,
} from '@switchboard/runtime';
import { deadLetter } from './dead-letter.js';
import type { Engine } from './engine.js';
import { sendReply } from './replies.js';
import { processTurn, type TurnOutcome } from './turn.js';

/** Settings of an agent's task worker. */
export interface TaskWorkerOptions {
  agent: string;
  nc: NatsConnection;
  js: JetStreamClient;
  store: SessionStore;
  engine: Engine;
  log: Logger;
  metrics: Metrics;
  inFlight: InFlight;
  /** Tasks handled at once by this instance. */
  concurrency: number;
  /** Deliveries before a task is dead-lettered (the consumer's `max_deliver`). */
  maxDeliver: number;
  /** The consumer's ack wait; long turns send in-progress acks at a third of it. */
  ackWaitMs: number;
}

/** User errors that end a task with an error reply, not a dead letter. */
const ANSWERED_ERRORS = new Set(['invalid_request', 'unknown_session', 'session_closed', 'unauthorized']);

/** Retry delay for the n-th failed delivery: 0.5 s, 1 s, 2 s... capped at 15 s. */
export function backoffMs(deliveryCount: number): number {
  return Math.min(15_000, 500 * 2 ** Math.max(0, deliveryCount - 1));
}

function publishEvents(
  js: JetStreamClient,
  agent: string,
  task: Task,
  outcome: TurnOutcome,
): Promise<unknown> {
  const at = new Date().toISOString();
  const common = {
    at,
    agent,
    sessionId: task.sessionId,
    taskId: task.taskId,
    ...(task.userId ? { userId: task.userId } : {}),
  };
  const list: [string, SwitchboardEvent][] = [];
  const answered = outcome.reply.status === 'ended' ? 'session.ended' : 'task.answered';
  list.push([
    answered,
    { eventId: `${task.taskId}.${answered}`, type: answered, ...common, data: { opened: outcome.opened } },
  ]);
  (outcome.events ?? []).forEach((e, i) => {
    const type = `${agent}.${e.kind}`;
    // Indexed: two changes of one kind in one turn are two events; a rerun of the turn repeats both ids.
    list.push([type, { eventId: `${task.taskId}.${type}.${i}`, type, ...common, data: e.data }]);
  });
  return Promise.all(
    list.map(([type, ev]) => {
      const [domain, kind] = type.split('.') as [string, string];
      return js.publish(Subjects.event(domain, kind), encodeJson(ev), { msgID: ev.eventId });
    }),
  );
}

/**
 * Consumes `tasks.<agent>` through the durable consumer shared by all instances. Each task ends in
 * exactly one decision: ack after the reply and its events are published; nak with a delay for a
 * retryable failure; or dead letter (with an error reply) when it cannot succeed.
 */
export async function startTaskWorker(opts: TaskWorkerOptions): Promise<{ stop(): Promise<void> }> {
  const { agent, js, log, metrics } = opts;
  const consumer = await js.consumers.get(Names.tasksStream, Names.agentConsumer(agent));
  const abort = new AbortController();
  let active = 0;
  let wake: (() => void) | undefined;

  const handle = async (m: JsMsg) => {
    const started = process.hrtime.bigint();
    const requestId = m.headers?.get(HeaderNames.requestId) || newId();
    const replyTo = m.headers?.get(HeaderNames.replyTo) || undefined;
    const mlog = messageLogger(log, requestId, m.subject);
    const keepAlive = setInterval(() => m.working(), Math.max(1000, opts.ackWaitMs / 3));
    let outcomeLabel = 'answered';
    try {
      let task: Task;
      try {
        task = parseWith(Task, decodeJson(m.data, 'task'), 'task');
        if (task.agent !== agent)
          throw new SwitchboardError('invalid_request', `task is for agent ${task.agent}`);
      } catch (err) {
        outcomeLabel = 'invalid';
        mlog.warn({ err }, 'invalid task: dead-lettered');
        await deadLetter(js, agent, m, 'invalid_task', err instanceof Error ? err.message : String(err));
        metrics.deadLetters.inc({ agent, reason: 'invalid_task' });
        sendReply(opts.nc, replyTo, errorReply(err), requestId);
        m.term(); // no reason: nats-server 2.9 ignores '+TERM <reason>'
        return;
      }
      try {
        let outcome: TurnOutcome | undefined;
        for (let attempt = 0; !outcome; attempt++) {
          try {
            outcome = await processTurn(opts, task, { log: mlog, signal: abort.signal });
          } catch (err) {
            if (!(err instanceof SessionConflictError) || attempt >= 4) throw err;
          }
        }
        if (outcome.duplicate) outcomeLabel = 'duplicate';
        else if (outcome.reply.status === 'ended') outcomeLabel = 'ended';
        sendReply(opts.nc, replyTo, outcome.reply, requestId);
        await publishEvents(js, agent, task, outcome);
        if (outcome.opened) metrics.sessions.inc({ agent, event: 'opened' });
        if (outcome.reply.status === 'ended' && !outcome.duplicate)
          metrics.sessions.inc({ agent, event: 'ended' });
        await m.ackAck();
      } catch (err) {
        const typed = err instanceof SwitchboardError ? err : undefined;
        if (typed && ANSWERED_ERRORS.has(typed.code)) {
          outcomeLabel = typed.code;
          mlog.info({ code: typed.code }, 'task refused');
          sendReply(opts.nc, replyTo, errorReply(typed), requestId);
          await m.ackAck();
          return;
        }
        const retryable = typed ? typed.retryable : true;
        if (retryable && m.info.deliveryCount < opts.maxDeliver) {
          outcomeLabel = 'retried';
          const delay = typed?.retryAfterMs ?? backoffMs(m.info.deliveryCount);
          mlog.warn({ err, delivery: m.info.deliveryCount, delay }, 'task failed; will retry');
          m.nak(delay);
          return;
        }
        const reason = retryable ? 'max_deliveries' : (typed?.code ?? 'permanent');
        outcomeLabel = 'dead_lettered';
        mlog.error({ err, delivery: m.info.deliveryCount, reason }, 'task dead-lettered');
        await deadLetter(js, agent, m, reason, err instanceof Error ? err.message : String(err));
        metrics.deadLetters.inc({ agent, reason });
        sendReply(
          opts.nc,
          replyTo,
          errorReply(
            typed ??
              new SwitchboardError('internal', 'the agent could not answer; the task was dead-lettered'),
          ),
          requestId,
        );
        m.term();
      }
    } catch (err) {
      // Publishing the dead letter or the ack itself failed: leave the task to redelivery.
      outcomeLabel = 'error';
      mlog.error({ err }, 'task handling failed; it will be redelivered');
    } finally {
      clearInterval(keepAlive);
      metrics.tasks.inc({ agent, outcome: outcomeLabel });
      metrics.taskDuration.observe({ agent }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };

  const messages = await consumer.consume({ max_messages: opts.concurrency, expires: 5000 });
  const loop = (async () => {
    for await (const m of messages) {
      while (active >= opts.concurrency) await new Promise<void>((r) => (wake = r));
      active++;
      void opts.inFlight
        .run(() => handle(m))
        .finally(() => {
          active--;
          wake?.();
          wake = undefined;
        });
    }
  })();

  return {
    async stop() {
      messages.stop();
      await loop;
      await opts.inFlight.idle(10_000);
      abort.abort();
    },
  };
}
