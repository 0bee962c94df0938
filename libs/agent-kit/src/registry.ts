import type { KV } from '@nats-io/kv';
import {
  type BreakerStatus,
  breakerStateName,
  type CapabilityCard,
  encodeJson,
  Limits,
  Subjects,
} from '@switchboard/contracts';
import { type Logger, type Metrics, RetryPolicies, retry } from '@switchboard/runtime';
import type { AgentProfile } from './profile.js';

/** The KV key of one instance's card: `<agent>.<instance>`. */
export function cardKey(agent: string, instanceId: string): string {
  return `${agent}.${instanceId}`;
}

/**
 * The breakers of this process, read from its `switchboard_circuit_breaker_state` gauge: every guard
 * made with the service's metrics (jetstream, llm, the tools' data) sets it, so none is missed.
 */
export async function breakerStatesOf(metrics: Pick<Metrics, 'breakerState'>): Promise<BreakerStatus[]> {
  const { values } = await metrics.breakerState.get();
  // Within the card's bounds (32 breakers, targets of 1 to 64 characters): a card out of them
  // would be refused by the router, and the instance would look dead.
  return values
    .map((v) => ({ target: String(v.labels.target ?? ''), state: breakerStateName(v.value) }))
    .filter((b) => b.target.length > 0 && b.target.length <= 64)
    .sort((a, b) => a.target.localeCompare(b.target))
    .slice(0, 32);
}

/** What a heartbeat needs. */
export interface HeartbeatOptions {
  kv: KV;
  profile: AgentProfile;
  version: string;
  instanceId: string;
  log: Logger;
  intervalMs?: number;
  /** The instance's breakers, written into every refresh of the card (`GET /v1/status` shows them). */
  breakers?: () => Promise<BreakerStatus[]>;
}

/** This instance's card as of now. */
function cardOf(
  opts: HeartbeatOptions,
  startedAt: string,
  breakers: BreakerStatus[] | undefined,
): CapabilityCard {
  return {
    name: opts.profile.name,
    description: opts.profile.description,
    intents: opts.profile.intents,
    examples: opts.profile.examples,
    subject: Subjects.agentAsk(opts.profile.name),
    version: opts.version,
    instanceId: opts.instanceId,
    startedAt,
    heartbeatAt: new Date().toISOString(),
    ...(breakers ? { breakers } : {}),
  };
}

/**
 * Announces this instance in the `agents` bucket and refreshes the card every third of the TTL.
 * `stop()` deletes the card, so the router knows at once that this instance is gone.
 */
export async function startHeartbeat(
  opts: HeartbeatOptions,
): Promise<{ stop(): Promise<void>; card(): CapabilityCard }> {
  const startedAt = new Date().toISOString();
  const key = cardKey(opts.profile.name, opts.instanceId);
  let breakers: BreakerStatus[] | undefined;
  // A failed read keeps the last states: the card must be refreshed whatever happens.
  const readBreakers = async () => {
    breakers = (await opts.breakers?.().catch(() => breakers)) ?? breakers;
  };
  const card = () => cardOf(opts, startedAt, breakers);
  // The first write is retried: on a cold cluster the bucket's leader may not be elected yet.
  await readBreakers();
  await retry(RetryPolicies.registryCard, () => opts.kv.put(key, encodeJson(card())), {
    onRetry: (err, { attempt }) =>
      opts.log.warn({ err, attempt }, 'capability card not written yet; retrying'),
  });
  let stopped = false;
  const timer = setInterval(
    () => {
      readBreakers()
        // Not after stop(): a refresh landing after the delete would bring the card back.
        .then(() => (stopped ? undefined : opts.kv.put(key, encodeJson(card()))))
        .catch((err: unknown) => {
          opts.log.warn({ err }, 'capability card refresh failed; will retry');
        });
    },
    opts.intervalMs ?? (Limits.cardTtlSeconds * 1000) / 3,
  );
  timer.unref();
  return {
    card,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await opts.kv.delete(key);
    },
  };
}
