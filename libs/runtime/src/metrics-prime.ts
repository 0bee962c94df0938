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
  'expired',
  'error',
] as const;

/**
 * Outcomes of `switchboard_llm_requests_total`, one per attempt of a Messages API request (the
 * router's and the agents' alike; `@switchboard/llm` types its failures with them): `ok`, or why it
 * failed. `circuit_open` and a `rate_limited` skip during an earlier retry-after made no HTTP call.
 */
export const llmOutcomes = [
  'ok',
  'rate_limited',
  'overloaded',
  'server_error',
  'timeout',
  'network',
  'auth',
  'bad_request',
  'invalid_output',
  'circuit_open',
  'aborted',
] as const;

/** One value of {@link llmOutcomes}. */
export type LlmOutcome = (typeof llmOutcomes)[number];

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

/** `switchboard_llm_requests_total{model}` at 0 for every outcome. */
export function primeLlmRequests(metrics: Metrics, model: string): void {
  for (const outcome of llmOutcomes) metrics.llmRequests.inc({ model, outcome }, 0);
}
