import { createEmbeddedClassifier } from '@switchboard/classifier';
import type { AgentView, Classifier } from './types.js';

/** Options of {@link createEmbeddedRouterClassifier}. */
export interface EmbeddedRouterOptions {
  /** Overrides the calibrated threshold below which the answer is `clarify`. */
  threshold?: number;
}

/**
 * What identifies an agent list for the index: names, example counts and text sizes. Cheap enough
 * to compute per request; a card edit that keeps every length the same is caught at the next
 * change of any of them (cards change rarely and together with their version).
 */
function signature(agents: readonly AgentView[]): string {
  return agents
    .map((a) => {
      let chars = a.description.length;
      for (const e of a.examples) chars += e.length;
      return `${a.name}:${a.examples.length}:${a.intents.length}:${chars}`;
    })
    .join('|');
}

/**
 * The embedded classifier as a router {@link Classifier}: rebuilds its index only when the live
 * agent list changes, and decides with method `embedded`. No I/O; never throws for ordinary text.
 */
export function createEmbeddedRouterClassifier(opts: EmbeddedRouterOptions = {}): Classifier {
  const embedded = createEmbeddedClassifier(
    opts.threshold === undefined ? {} : { threshold: opts.threshold },
  );
  let lastAgents: readonly AgentView[] | undefined;
  let lastSignature = '';
  embedded.update([]);
  return {
    async classify(text, agents) {
      if (agents !== lastAgents) {
        const sig = signature(agents);
        if (sig !== lastSignature) {
          embedded.update(agents);
          lastSignature = sig;
        }
        lastAgents = agents;
      }
      const r = embedded.classify(text);
      return { agent: r.agent, method: 'embedded', score: r.score };
    },
  };
}
