import { z } from 'zod';
import { AgentName, Timestamp } from './ids.js';
import { BreakerStatus } from './status.js';

/**
 * An agent instance's capability card, in the `agents` KV bucket under `<agent>.<instanceId>`.
 * Instances refresh it every few seconds; a card older than `Limits.cardTtlSeconds` is dead.
 * The router classifies requests against the live cards, so a new agent type needs no router change.
 */
export const CapabilityCard = z.strictObject({
  /** The agent type, e.g. `hr`. */
  name: AgentName,
  /** One sentence a person can read: what this agent helps with. */
  description: z.string().min(1).max(500),
  /** The intents it serves, e.g. `leave_balance`. */
  intents: z.array(z.string().min(1).max(64)).min(1).max(100),
  /** Example utterances, used by the router's classifier and shown to users who need help. */
  examples: z.array(z.string().min(1).max(300)).min(1).max(500),
  /** The subject for direct requests: `agents.<name>.ask`. */
  subject: z.string().min(1),
  /** The agent's software version. */
  version: z.string().min(1).max(32),
  /** The instance that wrote this card. */
  instanceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** When this instance started. */
  startedAt: Timestamp,
  /** When this instance last refreshed the card. */
  heartbeatAt: Timestamp,
  /** The instance's circuit breakers when it last refreshed the card (optional: older agents omit it). */
  breakers: z.array(BreakerStatus).max(32).optional(),
});
export type CapabilityCard = z.infer<typeof CapabilityCard>;
