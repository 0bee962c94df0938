import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import {
  decodeJson,
  Names,
  parseEvent,
  type SwitchboardEvent,
  type WorkflowConsumer,
  workflowConsumerName,
} from '@switchboard/contracts';
import { backoffDelay, type Logger, RetryPolicies, sleep } from '@switchboard/runtime';

/** What a handler learns about the delivery besides the event. */
export interface EventDelivery {
  subject: string;
  /** 1 on the first delivery. */
  deliveryCount: number;
  /** The event's sequence in `AGENT_EVENTS`. */
  streamSequence: number;
}

/** Settings of {@link startEventConsumer}. */
export interface EventConsumerOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  log: Logger;
  consumer: WorkflowConsumer;
  /**
   * Handles one event; must be idempotent (an event is delivered at least once). Resolves: the
   * event is acked. Throws: it is redelivered with backoff (`RetryPolicies.workflowEvent`), without end.
   */
  handle(event: SwitchboardEvent, delivery: EventDelivery): Promise<void>;
  /** How long a delivery may stay unacked before the server redelivers it, ms (default 30 s). */
  ackWaitMs?: number;
  replicas?: number;
}

/**
 * Creates the durable consumer of a {@link WorkflowConsumer} on `AGENT_EVENTS`, or updates its
 * settings. `DeliverPolicy.All`: an agent that starts after an event was published still reacts to
 * it (handlers are idempotent, so old events cost a look each, once).
 */
export async function ensureEventConsumer(
  jsm: JetStreamManager,
  c: WorkflowConsumer,
  opts: { ackWaitMs?: number; replicas?: number } = {},
): Promise<string> {
  const name = workflowConsumerName(c);
  const ack_wait = nanos(opts.ackWaitMs ?? 30_000);
  try {
    await jsm.consumers.info(Names.eventsStream, name);
    await jsm.consumers.update(Names.eventsStream, name, { ack_wait, max_ack_pending: 256 });
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) throw err;
    await jsm.consumers.add(Names.eventsStream, {
      durable_name: name,
      filter_subject: c.filter,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait,
      max_deliver: -1,
      max_ack_pending: 256,
      num_replicas: opts.replicas ?? 1,
    });
  }
  return name;
}

/** Handles one delivery: parse, handle, ack; a bad event is terminated, a failed handler nak'd with backoff. */
async function deliver(opts: EventConsumerOptions, m: JsMsg): Promise<void> {
  let event: SwitchboardEvent;
  try {
    event = parseEvent(decodeJson(m.data, 'event'));
  } catch (err) {
    opts.log.error({ err, subject: m.subject, seq: m.seq }, 'workflow event is not a valid event: dropped');
    m.term();
    return;
  }
  const delivery = { subject: m.subject, deliveryCount: m.info.deliveryCount, streamSequence: m.seq };
  try {
    await opts.handle(event, delivery);
  } catch (err) {
    const delayMs = backoffDelay(RetryPolicies.workflowEvent, delivery.deliveryCount);
    opts.log.warn(
      { err, type: event.type, eventId: event.eventId, delayMs },
      'workflow step failed: redelivering',
    );
    m.nak(delayMs);
    return;
  }
  // A lost ack means one more delivery, which the idempotent handler absorbs.
  await m
    .ackAck()
    .catch((err: unknown) => opts.log.warn({ err, eventId: event.eventId }, 'ack not confirmed'));
}

/**
 * Pull requests of 5 s (not the default 30 s): nats-server 2.9 may hold a redelivery (an event a
 * killed instance had) until the waiting pull request expires; the saga chaos tests saw 30 s waits.
 */
const CONSUME = { max_messages: 16, expires: 5000, abort_on_missing_resource: true } as const;

/**
 * Reacts to the events of one {@link WorkflowConsumer}, one at a time in stream order, until
 * stopped. When the consumer or the connection goes away it creates the consumer again and goes on.
 */
export async function startEventConsumer(opts: EventConsumerOptions): Promise<{ stop(): Promise<void> }> {
  const name = await ensureEventConsumer(opts.jsm, opts.consumer, opts);
  let stopped = false;
  let current: { stop(): void } | undefined;
  const run = async () => {
    for (let round = 1; !stopped; round++) {
      try {
        const consumer = await opts.js.consumers.get(Names.eventsStream, name);
        // Aborts when the consumer is gone (deleted, or a server lost its store): the loop creates it again.
        const msgs = await consumer.consume(CONSUME);
        current = msgs;
        if (stopped) msgs.stop();
        for await (const m of msgs) {
          await deliver(opts, m);
          round = 1;
        }
      } catch (err) {
        if (stopped) break;
        opts.log.warn({ err, consumer: name }, 'workflow consumer interrupted');
      }
      if (stopped) break;
      await sleep(backoffDelay(RetryPolicies.consumerCheck, round));
      await ensureEventConsumer(opts.jsm, opts.consumer, opts).catch((err: unknown) =>
        opts.log.warn({ err, consumer: name }, 'workflow consumer not recreated yet'),
      );
    }
  };
  const done = run();
  return {
    async stop() {
      stopped = true;
      current?.stop();
      await done;
    },
  };
}
