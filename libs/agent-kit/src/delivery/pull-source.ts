import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { backoffDelay, type Logger, newInbox, RetryPolicies } from '@switchboard/runtime';
import type { TaskMsg, TaskSink, TaskSource } from './task-source.js';

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

/** A delivered message as a task; acks are plain publishes to its `$JS.ACK...` reply subject. */
function toTaskMsg(nc: NatsConnection, msg: Msg): TaskMsg {
  const reply = msg.reply ?? '';
  return {
    subject: msg.subject,
    data: msg.data,
    headers: msg.headers,
    info: deliveryInfo(reply),
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

/** Settings of a {@link PullSource}. */
export interface PullSourceOptions {
  nc: NatsConnection;
  stream: string;
  consumer: string;
  log: Logger;
  sink: TaskSink;
  /** Called when pulls go unanswered: checks the consumer and recreates it when it is gone. */
  checkConsumer(): Promise<void>;
  /**
   * Server-side lifetime of one pull request, ms (250-5000, default 500): bounds how long a stop
   * waits for the last request and how soon a lost one is noticed (this plus 1.5 s).
   */
  expiresMs?: number;
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
 * the sink get more than its free slots, by at most one request's batch.
 */
export class PullSource implements TaskSource {
  private readonly nc: NatsConnection;
  private readonly log: Logger;
  private readonly expiresMs: number;
  private readonly nextSubject: string;
  private gen: Generation;
  private outstanding: Outstanding | undefined;
  private stopped = false;
  private connected = true;
  private scheduled: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private errorDelay = 0;
  /** Pull requests refused in a row; their waits follow `RetryPolicies.pullRefused`. */
  private refusals = 0;
  private checking = false;
  /** Failed consumer checks in a row; their waits follow `RetryPolicies.consumerCheck`. */
  private checkFailures = 0;
  private readonly retiring = new Set<Promise<void>>();
  private readonly settled: (() => void)[] = [];
  private readonly statuses: AsyncIterator<{ type: string }>;

  constructor(private readonly opts: PullSourceOptions) {
    this.nc = opts.nc;
    this.log = opts.log;
    this.expiresMs = Math.min(5000, Math.max(250, opts.expiresMs ?? 500));
    this.nextSubject = `$JS.API.CONSUMER.MSG.NEXT.${opts.stream}.${opts.consumer}`;
    this.gen = this.subscribe();
    this.statuses = this.nc.status()[Symbol.asyncIterator]();
    void this.watchConnection().catch((err: unknown) => this.log.debug({ err }, 'status watch ended'));
    this.wake();
  }

  wake(): void {
    if (this.scheduled || this.stopped) return;
    const pull = () => this.pull();
    this.scheduled = this.errorDelay > 0 ? setTimeout(pull, this.errorDelay) : setImmediate(pull);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.scheduled as NodeJS.Timeout);
    clearImmediate(this.scheduled as NodeJS.Immediate);
    // nats-server 2.9 cannot cancel a pull request, and a request left waiting without a
    // subscriber swallows a task naked meanwhile (it then waits out the ack wait, and another
    // copy may be delivered twice). So the last request must end first: filled, 408 at expiry,
    // or given up as lost. Tasks it still brings are delivered (the sink holds them).
    if (this.outstanding && this.connected && !this.nc.isClosed()) {
      await new Promise<void>((r) => this.settled.push(r));
    }
    this.clearOutstanding();
    void this.statuses.return?.();
    if (!this.nc.isClosed() && !this.gen.sub.isClosed()) this.retire(this.gen);
    await Promise.all(this.retiring);
  }

  private pull(): void {
    this.scheduled = undefined;
    if (this.stopped || !this.connected || this.outstanding || this.nc.isClosed()) return;
    const want = this.opts.sink.capacity();
    if (want <= 0) return;
    const timer = setTimeout(() => {
      if (this.outstanding?.timer === timer) this.reset('pull request unanswered');
    }, this.expiresMs + 1500);
    timer.unref();
    this.outstanding = { remaining: want, timer };
    this.nc.publish(this.nextSubject, JSON.stringify({ batch: want, expires: this.expiresMs * 1e6 }), {
      reply: this.gen.inbox,
    });
  }

  private clearOutstanding(): void {
    if (this.outstanding) clearTimeout(this.outstanding.timer);
    this.outstanding = undefined;
    for (const s of this.settled.splice(0)) s();
  }

  private subscribe(): Generation {
    // Under the connection's inbox prefix: the only inboxes its NATS identity may subscribe to.
    const inbox = newInbox(this.nc);
    const mine: Generation = {
      inbox,
      sub: this.nc.subscribe(inbox, {
        callback: (err, msg) => {
          if (err) this.log.error({ err }, 'task subscription failed');
          else this.onMessage(mine, msg);
        },
      }),
    };
    return mine;
  }

  private onMessage(from: Generation, msg: Msg): void {
    const current = this.gen === from;
    if (!msg.reply) {
      if (current) this.onStatus(msg);
      return;
    }
    if (current && this.outstanding && --this.outstanding.remaining <= 0) {
      this.clearOutstanding();
      this.wake();
    }
    let m: TaskMsg;
    try {
      m = toTaskMsg(this.nc, msg);
    } catch (e) {
      this.log.error({ err: e, subject: msg.subject }, 'unexpected message on the task inbox');
      return;
    }
    this.opts.sink.deliver(m);
  }

  /** 100 heartbeat, 408 request expired, 409 (consumer deleted, limits, leader change), 503. */
  private onStatus(msg: Msg): void {
    const code = msg.headers?.code ?? 0;
    if (code === 100) return;
    this.clearOutstanding();
    if (code === 408) {
      this.refusals = 0;
      this.errorDelay = 0;
      this.wake();
      return;
    }
    this.errorDelay = backoffDelay(RetryPolicies.pullRefused, ++this.refusals);
    this.log.warn(
      { code, description: msg.headers?.description, retryInMs: this.errorDelay },
      'pull refused',
    );
    this.check(); // pulls again once the consumer is known to exist
  }

  /** Forgets the outstanding request and starts a new subscription generation. */
  private reset(why: string): void {
    this.clearOutstanding();
    if (this.stopped || this.nc.isClosed()) return;
    this.log.warn({ consumer: this.opts.consumer, why }, 'pull requests reset');
    const old = this.gen;
    this.gen = this.subscribe();
    this.retire(old);
    this.check(); // pulls again once the consumer is known to exist
  }

  /** Unsubscribes with a flush in the background; bounded, since a flush waits for a connection. */
  private retire(old: Generation): void {
    const done = Promise.race([
      old.sub.drain().catch(() => undefined),
      new Promise((r) => setTimeout(r, 2000).unref()),
    ]).then(() => {
      if (!old.sub.isClosed()) old.sub.unsubscribe();
      this.retiring.delete(done);
    });
    this.retiring.add(done);
  }

  private check(): void {
    if (this.checking || this.stopped) return;
    this.checking = true;
    this.opts.checkConsumer().then(
      () => {
        this.checking = false;
        this.checkFailures = 0;
        this.wake();
      },
      (err: unknown) => {
        const retryInMs = backoffDelay(RetryPolicies.consumerCheck, ++this.checkFailures);
        this.log.warn({ err, retryInMs }, 'task consumer not reachable; retrying');
        setTimeout(() => {
          this.checking = false;
          this.check();
        }, retryInMs).unref();
      },
    );
  }

  private async watchConnection(): Promise<void> {
    for (
      let next = await this.statuses.next();
      !next.done && !this.stopped;
      next = await this.statuses.next()
    ) {
      if (next.value.type === 'disconnect') {
        this.connected = false;
        this.clearOutstanding();
      } else if (next.value.type === 'reconnect') {
        this.connected = true;
        // Requests of the old connection are gone, or would deliver late: start afresh.
        this.reset('reconnected');
      }
    }
  }
}
