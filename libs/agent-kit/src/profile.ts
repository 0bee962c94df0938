/**
 * What an agent type says about itself. The runtime adds subject, version, instance and heartbeat
 * to make its capability card; the router's classifier reads description, intents and examples.
 */
export interface AgentProfile {
  /** Agent type name, e.g. `hr`. */
  name: string;
  description: string;
  intents: string[];
  /** Example utterances, at least 25, written the way employees ask. */
  examples: string[];
}
