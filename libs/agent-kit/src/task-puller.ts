import type { DeliveryInfo } from '@nats-io/jetstream';
import type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import { createInbox } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/runtime';

/**
 * A task delivered by a pull request: the parts of a nats.js `JsMsg` the worker uses. Acks are
 * plain publishes to the message's `$JS.ACK...` reply subject; `ackAck` waits for the server's
 * confirmation and throws when none comes (the task will then be redelivered).
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
  /** No reason: nats-server 2.9 ignores `+TERM <reason>`. */
  term(): void;
  ackAck(timeoutMs?: number): Promise<void>;
}

const ACK = new TextEncoder().encode('+ACK');

/** Parses `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>` (and the v2 form). */
function deliveryInfo(reply: string): TaskMsg['info'] {
  const t = reply.split('.');
  if (t.length === 9) t.splice(2, 0, '_', '');
  if (t.length < 11 || t[0] !== '$JS' || t[1] !== 'ACK')
    throw new Error(`not a JetStream delivery: ${reply}`);
  return {
    stream: t[4]!,
    consumer: t[5]!,
    deliveryCount: Number(t[6]),
    streamSequence: Number(t[7]),
    pending: Number(t[10]),
  };
}

function toTaskMsg(nc: NatsConnection, msg: Msg): TaskMsg {
  const reply = msg.reply ?? '';
  const info = deliveryInfo(reply);
  return {
    subject: msg.subject,
    data: msg.data,
    headers: msg.headers,
    info,
    ack: () => nc.publish(reply, ACK),
    nak: (delayMs) =>
      nc.publish(reply, delayMs ? `-NAK ${JSON.stringify({ delay: Math.round(delayMs * 1e6) })}` : '-NAK'),
    working: () => nc.publish(reply, '+WPI'),
    term: () => nc.publish(reply, '+TERM'),
    ackAck: async (timeoutMs = 5000) => {
      await nc.request(reply, ACK, { timeout: timeoutMs });
    },
  };
}

/** Settings of a {@link startTaskPuller}. */
export interface TaskPullerOptions {
  nc: NatsConnection;
  stream: string;
  consumer: string;
  log: Logger;
  /** Tasks the caller can take right now (free slots). Never more is requested from the server. */
  capacity(): number;
  /** Receives every task. While the puller runs, a task fits a free slot (see {@link startTaskPuller}). */
  deliver(m: TaskMsg): void;
  /** Called when pulls go unanswered: checks the consumer and recreates it when it is gone. */
  checkConsumer(): Promise<void>;
  /**
   * Server-side lifetime of one pull request, ms (250-5000, default 500): bounds how long a stop
   * waits for the last request and how soon a lost one is noticed (this plus 1.5 s).
   */
  expiresMs?: number;
}

/** A running pull loop. */
export interface TaskPuller {
  /** Pulls again if slots are free; call when a task finishes. */
  wake(): void;
  /**
   * Stops asking for tasks, waits for the outstanding request to end (at most `expiresMs`), then
   * unsubscribes with a flush. Every task the server sent is handed to `deliver`; none comes after.
   */
  stop(): Promise<void>;
}

/** One subscription for pull replies; replaced when its requests may be lost. */
interface Generation {
  sub: Subscription;
  inbox: string;
}

/** The one pull request outstanding: `remaining` tasks may still come for it. */
interface Outstanding {
  remaining: number;
  timer: NodeJS.Timeout;
}

/**
 * Pulls tasks from a durable consumer, one request at a time for exactly the free slots, so the
 * process never holds a task it has not started: a stop loses nothing and delays nothing.
 *
 * A request lives `expiresMs` on the server and ends with all its tasks or a 408. One that ends
 * with neither by `expiresMs + 1.5 s` was lost (server restart, lost leader, deleted consumer): the
 * reply subscription is replaced (so the lost request can never deliver into a full process), the
 * consumer checked, and a new request sent. A reconnect does the same. Tasks the server had sent on
 * a replaced subscription before it processed the unsubscribe are still delivered: only then can
 * the caller get more than its free slots, by at most one request's batch.
 */
export function startTaskPuller(opts: TaskPullerOptions): TaskPuller {
  const { nc, log } = opts;
  const expiresMs = Math.min(5000, Math.max(250, opts.expiresMs ?? 500));
  const nextSubject = `$JS.API.CONSUMER.MSG.NEXT.${opts.stream}.${opts.consumer}`;
  let gen: Generation;
  let outstanding: Outstanding | undefined;
  let stopped = false;
  let connected = true;
  let scheduled: NodeJS.Immediate | NodeJS.Timeout | undefined;
  let errorDelay = 0;
  let checking = false;
  let checkDelay = 250;
  const retiring = new Set<Promise<void>>();

  const settled: (() => void)[] = [];
  const clearOutstanding = () => {
    if (outstanding) clearTimeout(outstanding.timer);
    outstanding = undefined;
    for (const s of settled.splice(0)) s();
  };

  /** Unsubscribes with a flush in the background; bounded, since a flush waits for a connection. */
  const retire = (old: Generation) => {
    const done = Promise.race([
      old.sub.drain().catch(() => undefined),
      new Promise((r) => setTimeout(r, 2000).unref()),
    ]).then(() => {
      if (!old.sub.isClosed()) old.sub.unsubscribe();
      retiring.delete(done);
    });
    retiring.add(done);
  };

  const check = () => {
    if (checking || stopped) return;
    checking = true;
    opts.checkConsumer().then(
      () => {
        checking = false;
        checkDelay = 250;
        wake();
      },
      (err: unknown) => {
        log.warn({ err, retryInMs: checkDelay }, 'task consumer not reachable; retrying');
        setTimeout(() => {
          checking = false;
          check();
        }, checkDelay).unref();
        checkDelay = Math.min(checkDelay * 2, 5000);
      },
    );
  };

  /** Forgets the outstanding request and starts a new subscription generation. */
  const reset = (why: string) => {
    clearOutstanding();
    if (stopped || nc.isClosed()) return;
    log.warn({ consumer: opts.consumer, why }, 'pull requests reset');
    const old = gen;
    gen = subscribe();
    retire(old);
    check(); // pulls again once the consumer is known to exist
  };

  const pull = () => {
    scheduled = undefined;
    if (stopped || !connected || outstanding || nc.isClosed()) return;
    const want = opts.capacity();
    if (want <= 0) return;
    const timer = setTimeout(() => {
      if (outstanding?.timer === timer) reset('pull request unanswered');
    }, expiresMs + 1500);
    timer.unref();
    outstanding = { remaining: want, timer };
    nc.publish(nextSubject, JSON.stringify({ batch: want, expires: expiresMs * 1e6 }), {
      reply: gen.inbox,
    });
  };

  function wake() {
    if (scheduled || stopped) return;
    scheduled = errorDelay > 0 ? setTimeout(pull, errorDelay) : setImmediate(pull);
  }

  const onStatus = (msg: Msg) => {
    // 100 heartbeat, 408 request expired, 409 (consumer deleted, limits, leader change), 503.
    const code = msg.headers?.code ?? 0;
    if (code === 100) return;
    clearOutstanding();
    if (code === 408) {
      errorDelay = 0;
    } else {
      errorDelay = Math.min(Math.max(errorDelay * 2, 250), 5000);
      log.warn({ code, description: msg.headers?.description, retryInMs: errorDelay }, 'pull refused');
      check(); // pulls again once the consumer is known to exist
      return;
    }
    wake();
  };

  function subscribe(): Generation {
    const inbox = createInbox();
    const mine: Generation = {
      inbox,
      sub: nc.subscribe(inbox, {
        callback: (err, msg) => {
          if (err) {
            log.error({ err }, 'task subscription failed');
            return;
          }
          if (!msg.reply) {
            if (gen === mine) onStatus(msg);
            return;
          }
          if (gen === mine && outstanding && --outstanding.remaining <= 0) {
            clearOutstanding();
            wake();
          }
          let m: TaskMsg;
          try {
            m = toTaskMsg(nc, msg);
          } catch (e) {
            log.error({ err: e, subject: msg.subject }, 'unexpected message on the task inbox');
            return;
          }
          opts.deliver(m);
        },
      }),
    };
    return mine;
  }

  gen = subscribe();
  const statuses = nc.status()[Symbol.asyncIterator]();
  void (async () => {
    for (let next = await statuses.next(); !next.done && !stopped; next = await statuses.next()) {
      const s = next.value;
      if (s.type === 'disconnect') {
        connected = false;
        clearOutstanding();
      } else if (s.type === 'reconnect') {
        connected = true;
        // Requests of the old connection are gone, or would deliver late: start afresh.
        reset('reconnected');
      }
    }
  })().catch((err: unknown) => log.debug({ err }, 'status watch ended'));

  wake();
  return {
    wake,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (scheduled) {
        clearTimeout(scheduled as NodeJS.Timeout);
        clearImmediate(scheduled as NodeJS.Immediate);
      }
      // nats-server 2.9 cannot cancel a pull request, and a request left waiting without a
      // subscriber swallows a task naked meanwhile (it then waits out the ack wait, and another
      // copy may be delivered twice). So the last request must end first: filled, 408 at expiry,
      // or given up as lost. Tasks it still brings are delivered (the caller holds them).
      if (outstanding && connected && !nc.isClosed()) await new Promise<void>((r) => settled.push(r));
      clearOutstanding();
      void statuses.return?.();
      if (!nc.isClosed() && !gen.sub.isClosed()) retire(gen);
      await Promise.all(retiring);
    },
  };
}
