import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  decodeJson,
  errorReply,
  Names,
  readContext,
  Subjects,
  SwitchboardError,
  Task,
  type Turn,
} from '@switchboard/contracts';
import {
  type Logger,
  type Metrics,
  newId,
  RetryPolicies,
  retry,
  type SessionStore,
} from '@switchboard/runtime';
import { sendReply } from './replies.js';
import { replyFromTurn } from './turn.js';

/** Header names added to a dead-lettered task. */
export const DeadLetterHeaders = {
  reason: 'Switchboard-Dlq-Reason',
  detail: 'Switchboard-Dlq-Detail',
  deliveries: 'Switchboard-Dlq-Deliveries',
  streamSeq: 'Switchboard-Dlq-Stream-Seq',
  at: 'Switchboard-Dlq-At',
} as const;

/** What a dead letter is made of: a delivered task (a `JsMsg` fits) or one read back from the stream. */
export interface DeadLetterSource {
  headers: MsgHdrs | undefined;
  data: Uint8Array;
  info: { deliveryCount: number; streamSequence: number };
}

/**
 * Copies a task to `dlq.<agent>` with its original headers and payload plus the reason, the
 * delivery count and the original stream sequence. De-duplicated by the original sequence, so the
 * worker and the max-deliveries watcher never record one task twice.
 */
export async function deadLetter(
  js: JetStreamClient,
  agent: string,
  m: DeadLetterSource,
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

/** The subject of the server's advisory for a task of `agent` that used up its deliveries. */
export function maxDeliveriesAdvisory(agent: string): string {
  return Subjects.maxDeliveriesAdvisory(agent);
}

/** What the max-deliveries watcher needs. */
export interface WatcherDeps {
  agent: string;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  store: SessionStore;
  log: Logger;
  metrics: Metrics;
}

/**
 * The safety net behind the worker's own dead letters: a task whose last delivery ended without a
 * decision (the instance was killed, or exited before the turn finished) is never delivered again.
 * The server then sends a MAX_DELIVERIES advisory (when it next tries to deliver, i.e. on a pull);
 * one instance (queue group) reads the task back by its sequence and dead-letters it with an error
 * reply to the caller, or, when the session already holds its answer, re-sends that answer.
 * Advisories sent while no instance runs are not seen (see docs/delivery.md).
 */
export function watchMaxDeliveries(deps: WatcherDeps): Subscription {
  const { agent, log } = deps;
  return deps.nc.subscribe(maxDeliveriesAdvisory(agent), {
    queue: `${Names.agentQueue(agent)}-advisories`,
    callback: (err, msg) => {
      if (err) {
        log.error({ err }, 'advisory subscription failed');
        return;
      }
      retry(RetryPolicies.deadLetterWrite, () => settleAdvisory(deps, msg.data)).catch((e: unknown) =>
        log.error({ err: e }, 'could not dead-letter a task after its last delivery'),
      );
    },
  });
}

/** Settles the task an advisory names: re-sends its stored answer, or dead-letters it. */
async function settleAdvisory(deps: WatcherDeps, data: Uint8Array): Promise<void> {
  const { agent, log } = deps;
  const adv = decodeJson(data, 'advisory') as { stream_seq?: unknown; deliveries?: unknown };
  const seq = Number(adv.stream_seq);
  if (!Number.isSafeInteger(seq) || seq <= 0) return;
  const stored = await deps.jsm.streams.getMessage(Names.tasksStream, { seq });
  if (!stored) return; // acked or removed meanwhile
  const task = Task.safeParse(safeJson(stored.data)).data;
  const { replyTo, requestId } = readContext(stored.header, newId);
  const turn = task && (await answeredTurn(deps.store, task));
  if (task && turn) {
    // Answered, but the reply and ack may have been lost together: re-send the stored answer,
    // as a redelivery would.
    log.info({ taskId: task.taskId, seq }, 'last delivery unconfirmed but answered: reply re-sent');
    sendReply(deps.nc, replyTo, replyFromTurn(agent, task.sessionId, turn), requestId);
    return;
  }
  const reason = task ? 'max_deliveries' : 'invalid_task';
  const source: DeadLetterSource = {
    headers: stored.header,
    data: stored.data,
    info: { deliveryCount: Number(adv.deliveries) || 0, streamSequence: seq },
  };
  await deadLetter(deps.js, agent, source, reason, 'no decision after the last delivery');
  deps.metrics.deadLetters.inc({ agent, reason });
  log.warn({ seq, taskId: task?.taskId, reason }, 'task dead-lettered after its last delivery');
  const shown = new SwitchboardError('internal', 'the agent could not answer; the task was dead-lettered');
  sendReply(deps.nc, replyTo, errorReply(shown), requestId);
}

/** The agent turn that answered `task`, if the session holds one. */
async function answeredTurn(store: SessionStore, task: Task): Promise<Turn | undefined> {
  const session = await store.get(task.sessionId);
  return session?.session.turns.find((t) => t.role === 'agent' && t.taskId === task.taskId);
}

function safeJson(data: Uint8Array): unknown {
  try {
    return decodeJson(data, 'task');
  } catch {
    return undefined; // recorded as an invalid task
  }
}
