import type { KV } from '@nats-io/kv';
import { CapabilityCard, decodeJson, Limits, Subjects } from '@switchboard/contracts';
import type { Logger } from '@switchboard/runtime';
import type { AgentView } from './classify/types.js';

interface Instance {
  card: CapabilityCard;
  /** Local receive time: liveness never depends on other machines' clocks. */
  seenAt: number;
}

/**
 * The router's live view of the capability registry (`agents` bucket), kept by a KV watch.
 * An instance is alive while its card was refreshed within the TTL; a deleted card (graceful stop)
 * removes it at once. Agent types stay known with 0 instances, so their tasks can be `queued`.
 */
export async function watchRegistry(opts: {
  kv: KV;
  log: Logger;
  ttlMs?: number;
  now?: () => number;
}): Promise<{
  views(): readonly AgentView[];
  ready: Promise<void>;
  stop(): void;
  /**
   * Watches the bucket afresh: after it was deleted and created again, the old watch follows a
   * stream that is gone. Instances stay known until their TTL; the new watch refreshes them.
   */
  restart(): Promise<void>;
}> {
  const ttlMs = opts.ttlMs ?? Limits.cardTtlSeconds * 1000;
  const now = opts.now ?? Date.now;
  const instances = new Map<string, Instance>();
  const known = new Map<string, CapabilityCard>();
  /**
   * The views last built, kept until a card changes or the first live instance's TTL runs out: the
   * router reads them on every request, and the classifier recognises an unchanged list by identity.
   */
  let cached: { views: readonly AgentView[]; until: number } | undefined;
  const initial = (await opts.kv.status()).values;
  let seen = 0;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
    if (initial === 0) resolve();
    setTimeout(resolve, 2000).unref();
  });
  const consume = async (iter: Awaited<ReturnType<KV['watch']>>) => {
    for await (const e of iter) {
      // nats.js flags the last initial entry as an update, so count every entry.
      if (++seen >= initial) markReady();
      cached = undefined;
      if (e.operation !== 'PUT') {
        instances.delete(e.key);
        continue;
      }
      const parsed = CapabilityCard.safeParse(safeJson(e.value));
      if (!parsed.success || `${parsed.data.name}.${parsed.data.instanceId}` !== e.key) {
        opts.log.warn(
          { key: e.key, issues: parsed.success ? 'key mismatch' : parsed.error.issues.slice(0, 5) },
          'ignoring invalid capability card',
        );
        continue;
      }
      instances.set(e.key, { card: parsed.data, seenAt: now() });
      known.set(parsed.data.name, parsed.data);
    }
  };
  const follow = async () => {
    const iter = await opts.kv.watch();
    void consume(iter);
    return iter;
  };
  let iter = await follow();

  return {
    ready,
    stop: () => iter.stop(),
    async restart() {
      iter.stop();
      iter = await follow();
    },
    views() {
      const t = now();
      if (cached && t <= cached.until) return cached.views;
      const alive = new Map<string, number>();
      let until = Number.POSITIVE_INFINITY;
      for (const [key, inst] of instances) {
        const expires = inst.seenAt + ttlMs;
        if (t > expires) {
          instances.delete(key);
          continue;
        }
        until = Math.min(until, expires);
        alive.set(inst.card.name, (alive.get(inst.card.name) ?? 0) + 1);
      }
      const views = Object.freeze(
        [...known.values()].map((c) =>
          Object.freeze({
            name: c.name,
            description: c.description,
            intents: c.intents,
            examples: c.examples,
            subject: Subjects.agentAsk(c.name),
            instances: alive.get(c.name) ?? 0,
          }),
        ),
      );
      cached = { views, until };
      return views;
    },
  };
}

function safeJson(data: Uint8Array): unknown {
  try {
    return decodeJson(data, 'card');
  } catch {
    return undefined;
  }
}
