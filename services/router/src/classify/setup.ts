import { createEmbeddedClassifier } from '@switchboard/classifier';
import type { Logger, Metrics } from '@switchboard/runtime';
import type { RouterConfig } from '../config.js';
import type { AgentView, Classifier } from './types.js';

/** The router's classifier from its config (temporary: embedded only). */
export function createClassifier(
  _config: Readonly<RouterConfig>,
  _metrics: Metrics,
  _log: Logger,
): Classifier {
  const embedded = createEmbeddedClassifier();
  let signature = '';
  return {
    async classify(text: string, agents: readonly AgentView[]) {
      const sig = agents.map((a) => `${a.name}:${a.examples.length}`).join('|');
      if (sig !== signature) {
        embedded.update(agents);
        signature = sig;
      }
      const r = embedded.classify(text);
      return { agent: r.agent, method: 'embedded', score: r.score };
    },
  };
}
