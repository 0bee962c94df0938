import { errorCodeList } from '@switchboard/contracts';
import type { Metrics } from './metrics.js';

/**
 * Series whose label values are known in advance are exported at 0 from start-up, so `rate()` and
 * alerts work on a fresh system instead of seeing no series until the first event.
 */

/** Outcomes of `switchboard_requests_total` besides the error codes. */
export const requestOutcomes = ['ok', 'accepted'] as const;

/** Outcomes of `switchboard_tasks_total` besides the error codes (docs/metrics.md). */
export const taskOutcomes = [
  'answered',
  'ended',
  'duplicate',
  'retried',
  'released',
  'dead_lettered',
  'invalid',
  'error',
] as const;

/** `switchboard_requests_total{endpoint}` at 0 for every outcome. */
export function primeRequests(metrics: Metrics, endpoint: string): void {
  for (const outcome of [...requestOutcomes, ...errorCodeList])
    metrics.requests.inc({ endpoint, outcome }, 0);
}

/** `switchboard_tasks_total{agent}` at 0 for every outcome. */
export function primeTasks(metrics: Metrics, agent: string): void {
  for (const outcome of [...taskOutcomes, ...errorCodeList]) metrics.tasks.inc({ agent, outcome }, 0);
}

/** `switchboard_routing_decisions_total{agent}` at 0 for every method. */
export function primeRoutingDecisions(metrics: Metrics, agent: string, methods: readonly string[]): void {
  for (const method of methods) metrics.routingDecisions.inc({ agent, method }, 0);
}
