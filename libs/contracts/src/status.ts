import { z } from 'zod';
import { AgentName } from './ids.js';

/** A circuit breaker's state, as `state()` of a guard reads it (`switchboard_circuit_breaker_state` 0, 1, 2). */
export const BreakerStateName = z.enum(['closed', 'half_open', 'open']);
export type BreakerStateName = z.infer<typeof BreakerStateName>;

/** One circuit breaker of a service: the dependency it guards (e.g. `nats`, `llm`) and its state. */
export const BreakerStatus = z.strictObject({
  target: z.string().min(1).max(64),
  state: BreakerStateName,
});
export type BreakerStatus = z.infer<typeof BreakerStatus>;

/** One live instance of an agent type, from its capability card. */
export const AgentInstanceStatus = z.strictObject({
  instanceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  version: z.string().min(1).max(32),
  /** Milliseconds since the instance last refreshed its card, by the gateway's clock. */
  heartbeatAgeMs: z.number().int().min(0),
  /** The instance's breakers as its card reports them (empty when the card has none). */
  breakers: z.array(BreakerStatus),
});
export type AgentInstanceStatus = z.infer<typeof AgentInstanceStatus>;

/** One agent type: its live instances (`alive` of them). A known type without one has `alive: 0`. */
export const AgentStatus = z.strictObject({
  agent: AgentName,
  alive: z.number().int().min(0),
  instances: z.array(AgentInstanceStatus),
});
export type AgentStatus = z.infer<typeof AgentStatus>;

/**
 * `GET /v1/status`: what the gateway sees of the system. The gateway's readiness and breakers, each
 * agent type with its live instances (capability cards refreshed within `Limits.cardTtlSeconds`),
 * and `breakersOpen`, the number of breakers not `closed` across the gateway and those instances.
 */
export const GatewayStatus = z.strictObject({
  ok: z.literal(true),
  gateway: z.strictObject({
    ready: z.boolean(),
    breakers: z.array(BreakerStatus),
  }),
  agents: z.array(AgentStatus),
  breakersOpen: z.number().int().min(0),
});
export type GatewayStatus = z.infer<typeof GatewayStatus>;

const names = ['closed', 'half_open', 'open'] as const;

/** The name of a guard's state (`Guard.state()`: 0 closed, 1 half-open, 2 open). */
export function breakerStateName(value: number): BreakerStateName {
  return names[value] ?? 'open';
}
