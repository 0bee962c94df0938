import type { DeliveryInfo } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';

/**
 * A delivered task: the parts of a JetStream message the worker uses (a nats.js `JsMsg` has the
 * same shape). `ackAck` waits for the server's confirmation and throws when none comes (the task
 * will then be redelivered).
 */
export interface TaskMsg {
  subject: string;
  data: Uint8Array;
  headers: MsgHdrs | undefined;
  info: Pick<DeliveryInfo, 'stream' | 'consumer' | 'deliveryCount' | 'streamSequence' | 'pending'>;
  ack(): void;
  /** Releases the task for redelivery, at once or after `delayMs`. */
  nak(delayMs?: number): void;
  /** In progress: resets the ack-wait timer. */
  working(): void;
  /** Never deliver again. No reason: nats-server 2.9 ignores `+TERM <reason>`. */
  term(): void;
  ackAck(timeoutMs?: number): Promise<void>;
}

/** What a task source asks of the worker it feeds. */
export interface TaskSink {
  /** Tasks the worker can take right now (free slots). A source never asks the server for more. */
  capacity(): number;
  /** Receives every task the source got; while running, a task fits a free slot. */
  deliver(m: TaskMsg): void;
}

/**
 * Where tasks come from: the worker's only view of the consumer. Today's implementation is the
 * pull client in `pull-source.ts`; nats.js's own consumer API could take its place on a server
 * where it does not stall after a reconnect (docs/jetstream.md).
 */
export interface TaskSource {
  /** Asks for tasks again if slots are free; the worker calls it when a task finishes. */
  wake(): void;
  /**
   * Stops asking for tasks and resolves once no task can arrive any more. Every task received
   * before that has been handed to `deliver`.
   */
  stop(): Promise<void>;
}
