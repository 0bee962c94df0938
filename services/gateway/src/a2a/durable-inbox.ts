import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  type JsMsg,
  jetstreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { Match } from '@nats-io/transport-node';
import { isInboxSubject, Names, Subjects } from '@switchboard/contracts';
import { type A2aNatsDeps, type SendResponse, serveA2aRequest } from './nats-binding.js';

/** The header naming where the answers of a durable request go. */
export const A2aReplyToHeader = 'A2A-Reply-To';

/** Delivery of durable requests: how long one may stay unacknowledged, and how often it is tried. */
export const DurableInboxSettings = { ackWaitMs: 60_000, maxDeliver: 5, concurrency: 16 } as const;

/** True for a subject a durable request may name as `A2A-Reply-To`: an inbox, or under `a2a.replies.`. */
export function isReplyToSubject(subject: string | undefined): subject is string {
  if (!subject) return false;
  if (isInboxSubject(subject)) return true;
  const prefix = Subjects.allA2aReplies.slice(0, -1);
  return (
    subject.startsWith(prefix) &&
    subject.length <= 255 &&
    subject
      .slice(prefix.length)
      .split('.')
      .every((t) => /^[A-Za-z0-9_-]{1,64}$/.test(t))
  );
}

/** Creates (or updates) the gateways' durable consumer of one target's durable requests. */
async function ensureInboxConsumer(jsm: JetStreamManager, target: string): Promise<string> {
  const durable = Names.a2aInboxConsumer(target);
  const settings = {
    ack_wait: nanos(DurableInboxSettings.ackWaitMs),
    max_deliver: DurableInboxSettings.maxDeliver,
    max_ack_pending: 256,
  };
  try {
    await jsm.consumers.info(Names.a2aRequestsStream, durable);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) throw err;
    await jsm.consumers.add(Names.a2aRequestsStream, {
      durable_name: durable,
      filter_subject: Subjects.a2aInbox(target),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ...settings,
    });
  }
  return durable;
}

/**
 * Durable A2A requests (docs/a2a.md): a request published to `a2a.inbox.<target>` is kept in the
 * `A2A_REQUESTS` work queue until a gateway takes it from the durable consumer `a2a-<target>`,
 * answers it to its `A2A-Reply-To` (stored first when that is under `a2a.replies.`), then acks it.
 * At least once: a gateway that dies before the ack leaves the request to be answered again. A
 * request without a valid `A2A-Reply-To` has nobody to answer and is dropped (acknowledged unanswered).
 */
export function startDurableInbox(deps: A2aNatsDeps): { stop(): Promise<void> } {
  const targets = ['switchboard', ...deps.agents];
  const inFlight = new Set<Promise<void>>();
  const running: ConsumerMessages[] = [];
  let stopped = false;
  const sendTo =
    (subject: string): SendResponse =>
    async (data, headers) => {
      if (isInboxSubject(subject)) deps.nc.publish(subject, data, { headers });
      else await deps.js.publish(subject, data, { headers });
    };
  const take = (m: JsMsg, target: string) => {
    const replyTo = m.headers?.get(A2aReplyToHeader, Match.IgnoreCase);
    // Nobody to answer: acknowledged, so the work queue lets it go (a `term` would leave it stored).
    if (!isReplyToSubject(replyTo)) return m.ack();
    const p = serveA2aRequest(deps, m, target === 'switchboard' ? undefined : target, sendTo(replyTo))
      .then(() => m.ack())
      // Not answered: tried again after `ackWaitMs`, up to `maxDeliver` times.
      .catch(() => m.nak(1000));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const start = async (target: string) => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        const jsm = await jetstreamManager(deps.nc, { checkAPI: false });
        const durable = await ensureInboxConsumer(jsm, target);
        const consumer = await deps.js.consumers.get(Names.a2aRequestsStream, durable);
        const messages = await consumer.consume({
          max_messages: DurableInboxSettings.concurrency,
          callback: (m) => take(m, target),
        });
        running.push(messages);
        if (stopped) messages.stop();
        return;
      } catch {
        // The stream may not exist yet (external provisioning): tried again shortly.
        await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** attempt)));
      }
    }
  };
  const started = Promise.all(targets.map(start));
  return {
    async stop() {
      stopped = true;
      for (const m of running) m.stop();
      await started;
      await Promise.all(inFlight);
    },
  };
}
