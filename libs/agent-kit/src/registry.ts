import type { KV } from '@nats-io/kv';
import { type CapabilityCard, encodeJson, Limits, Subjects } from '@switchboard/contracts';
import { type Logger, RetryPolicies, retry } from '@switchboard/runtime';
import type { AgentProfile } from './profile.js';

/** The KV key of one instance's card: `<agent>.<instance>`. */
export function cardKey(agent: string, instanceId: string): string {
  return `${agent}.${instanceId}`;
}

/**
 * Announces this instance in the `agents` bucket and refreshes the card every third of the TTL.
 * `stop()` deletes the card, so the router knows at once that this instance is gone.
 */
export async function startHeartbeat(opts: {
  kv: KV;
  profile: AgentProfile;
  version: string;
  instanceId: string;
  log: Logger;
  intervalMs?: number;
}): Promise<{ stop(): Promise<void>; card(): CapabilityCard }> {
  const startedAt = new Date().toISOString();
  const key = cardKey(opts.profile.name, opts.instanceId);
  const card = (): CapabilityCard => ({
    name: opts.profile.name,
    description: opts.profile.description,
    intents: opts.profile.intents,
    examples: opts.profile.examples,
    subject: Subjects.agentAsk(opts.profile.name),
    version: opts.version,
    instanceId: opts.instanceId,
    startedAt,
    heartbeatAt: new Date().toISOString(),
  });
  // The first write is retried: on a cold cluster the bucket's leader may not be elected yet.
  await retry(RetryPolicies.registryCard, () => opts.kv.put(key, encodeJson(card())), {
    onRetry: (err, { attempt }) =>
      opts.log.warn({ err, attempt }, 'capability card not written yet; retrying'),
  });
  const timer = setInterval(
    () => {
      opts.kv.put(key, encodeJson(card())).catch((err: unknown) => {
        opts.log.warn({ err }, 'capability card refresh failed; will retry');
      });
    },
    opts.intervalMs ?? (Limits.cardTtlSeconds * 1000) / 3,
  );
  timer.unref();
  return {
    card,
    async stop() {
      clearInterval(timer);
      await opts.kv.delete(key);
    },
  };
}
