import type { Budget, Spend } from '@switchboard/contracts';

/** What the router knows about one agent type, built from the live capability cards. */
export interface AgentView {
  name: string;
  description: string;
  intents: readonly string[];
  examples: readonly string[];
  /** Subject for direct requests, `agents.<name>.ask`. */
  subject: string;
  /** Live instances (cards refreshed within the TTL). 0 means the agent type is known but down. */
  instances: number;
}

/** Which method made a routing decision (the `method` label of `switchboard_routing_decisions_total`). */
export type RoutingMethod = 'embedded' | 'claude' | 'session';

/** The outcome of classifying one request. `agent: null` means nothing fits: answer `clarify`. */
export interface RoutingDecision {
  agent: string | null;
  method: RoutingMethod;
  /** Classifier confidence in [0, 1] where the method has one. */
  score?: number;
  /**
   * Set when the text holds requests for different agents ("how many vacation days do I have and
   * how much travel budget is left?"): each part with its agent, in the order of the text. `agent`
   * is then the first part's.
   */
  parts?: { agent: string; text: string }[];
  /** What an LLM call to decide spent (the Claude classifier); absent when nothing was spent. */
  spend?: Spend;
}

/** Per-request options of {@link Classifier.classify}. */
export interface ClassifyOptions {
  /**
   * The request's budget: a classifier that calls an LLM spends from it, and leaves the decision to
   * a free method when the call's worst case does not fit.
   */
  budget?: Budget | undefined;
}

/** Picks the agent for a new conversation among `agents`. Never throws for ordinary text. */
export interface Classifier {
  classify(text: string, agents: readonly AgentView[], opts?: ClassifyOptions): Promise<RoutingDecision>;
  /**
   * Builds what deciding among `agents` needs ahead of the first request (the embedded classifier's
   * index and model for that card set); resolves when it is ready, at once when it was already.
   */
  prepare?(agents: readonly AgentView[]): Promise<void>;
}
