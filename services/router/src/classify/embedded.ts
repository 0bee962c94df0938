import {
  createHybridClassifier,
  type HybridClassifier,
  type HybridSettings,
  type LabelledText,
  multiIntentParts,
  rejectExamples,
  routingTrainingSet,
} from '@switchboard/classifier';
import type { Logger } from '@switchboard/runtime';
import type { AgentView, Classifier } from './types.js';

/** Options of {@link createEmbeddedRouterClassifier}. */
export interface EmbeddedRouterOptions {
  /** Overrides the calibrated settings (threshold below which the answer is `clarify`, ...). */
  settings?: Partial<HybridSettings>;
  /** Out-of-scope examples (default: the classifier's own list); `[]` turns them off. */
  reject?: readonly string[];
  /** Where a failed training of the routing model is reported. */
  log?: Pick<Logger, 'error'>;
  /**
   * Labelled utterances the supervised model learns from besides the cards (default: the routing
   * data set's tune split, {@link routingTrainingSet}); `false`: no model, the hand-set rule decides.
   */
  training?: readonly LabelledText[] | false;
}

/** The routing-relevant part of an agent list, as an index was built from it. */
type CardSet = readonly Pick<AgentView, 'name' | 'description' | 'intents' | 'examples'>[];

/**
 * Indexes kept, most recently used first. The router asks about the full agent list and, when the
 * chosen agent is down, about the live ones only: both stay built, so neither rebuilds per request.
 */
const cacheSize = 4;

/** The routing-relevant fields of `agents`, in a list of their own (the caller's may change). */
function snapshot(agents: readonly AgentView[]): CardSet {
  return agents.map(({ name, description, intents, examples }) => ({
    name,
    description,
    intents,
    examples,
  }));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether `agents` holds exactly the cards `cards` was built from (names, descriptions, intents and
 * examples, in order). Cheap per request: the views share their strings and arrays with the parsed
 * cards, so most comparisons are by reference; a re-sent card with equal text compares by content.
 */
function sameCards(cards: CardSet, agents: readonly AgentView[]): boolean {
  if (cards.length !== agents.length) return false;
  for (let i = 0; i < cards.length; i++) {
    const c = cards[i]!;
    const a = agents[i]!;
    if (c.name !== a.name || c.description !== a.description) return false;
    if (!sameList(c.intents, a.intents) || !sameList(c.examples, a.examples)) return false;
  }
  return true;
}

/**
 * The embedded (hybrid: semantic and lexical) classifier as a router {@link Classifier}: builds an
 * index, and trains its supervised model (three models, about 3 s for the two agents' cards and the tune
 * split, in slices with requests served in between), once per distinct agent card set (a few
 * recent sets are kept; `prepare` builds ahead of the first request and resolves once the model is
 * trained) and decides with method `embedded`; a message with requests for two agents comes back with its `parts`. No I/O; never
 * throws for ordinary text.
 */
export function createEmbeddedRouterClassifier(opts: EmbeddedRouterOptions = {}): Classifier {
  const training = opts.training === undefined ? routingTrainingSet() : opts.training;
  const options = {
    reject: opts.reject ?? rejectExamples,
    ...(opts.settings ? { settings: opts.settings } : {}),
    ...(training ? { training } : {}),
  };
  let last: { agents: readonly AgentView[]; embedded: HybridClassifier } | undefined;
  const cache: { cards: CardSet; embedded: HybridClassifier }[] = [];

  function indexFor(unsorted: readonly AgentView[]): HybridClassifier {
    // By name: the same agents in another order (the registry lists them as it first saw them) are
    // the same card set, and every router replica trains the same model from them.
    const agents = [...unsorted].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const at = cache.findIndex((e) => sameCards(e.cards, agents));
    if (at >= 0) {
      const [hit] = cache.splice(at, 1);
      // Keep the newest references: the next request then compares by reference again.
      cache.unshift({ cards: snapshot(agents), embedded: hit!.embedded });
      return hit!.embedded;
    }
    const cards = snapshot(agents);
    const embedded = createHybridClassifier(options);
    // The indexes now (about 0.4 s); the model in slices between requests (about 3 s): until
    // it is trained, the hand-set rule decides.
    embedded.update(cards, { deferTraining: true });
    embedded.trained().catch((err: unknown) => {
      opts.log?.error(
        { err, agents: cards.map((c) => c.name) },
        'routing model training failed; the hand-set rule decides',
      );
    });
    cache.unshift({ cards, embedded });
    // An index dropped from the cache stops training (a set seen again trains anew).
    if (cache.length > cacheSize) cache.pop()!.embedded.dispose();
    return embedded;
  }

  return {
    prepare(agents) {
      return indexFor(agents).trained();
    },
    async classify(text, agents) {
      // The very list of the last call (agent lists are never changed in place): the same index.
      const embedded = agents === last?.agents ? last.embedded : indexFor(agents);
      last = { agents, embedded };
      const r = embedded.classify(text);
      const parts = multiIntentParts(embedded, text, r);
      if (parts) {
        return {
          agent: parts[0]!.agent,
          method: 'embedded',
          score: r.score,
          parts: parts.map((p) => ({ agent: p.agent, text: p.text })),
        };
      }
      return { agent: r.agent, method: 'embedded', score: r.score };
    },
  };
}
