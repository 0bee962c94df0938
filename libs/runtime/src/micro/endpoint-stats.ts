import type { Counter, Histogram } from 'prom-client';
import type { Metrics } from '../metrics.js';
import { requestOutcomes } from '../metrics-prime.js';

/** An endpoint's counters, as `$SRV.STATS` reports them (durations in nanoseconds). */
export interface EndpointCounts {
  num_requests: number;
  num_errors: number;
  last_error: string;
  processing_time: number;
  average_processing_time: number;
  /** Requests by outcome (only the outcomes seen), for `nats micro stats --json` readers. */
  data: { outcomes: Record<string, number> };
}

/** Reads an endpoint's counters now. */
export type StatsSource = () => Promise<EndpointCounts>;

/** Task outcomes that are not failures (docs/metrics.md, `switchboard_tasks_total`). */
export const taskSuccessOutcomes: readonly string[] = ['answered', 'ended', 'duplicate', 'released'];

function matches(labels: Partial<Record<string, string | number>>, want: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(want)) if (labels[k] !== v) return false;
  return true;
}

/**
 * Counters of one endpoint read from the Prometheus metrics its handler already keeps, so that
 * `nats micro stats` and `/metrics` never disagree: requests are the counter's series of `labels`
 * summed over `outcome`, errors those whose outcome is not in `success`, processing time the sum of
 * the duration histogram. The counter holds no order, so `last_error` is the error outcome (or
 * outcomes, comma-separated) whose count rose since the previous read, kept until another rises.
 */
export function metricStats(opts: {
  counter: Counter<string>;
  histogram: Histogram<string>;
  labels: Record<string, string>;
  success: readonly string[];
}): StatsSource {
  const seen = new Map<string, number>();
  let lastError = '';
  return async () => {
    const [counts, durations] = await Promise.all([opts.counter.get(), opts.histogram.get()]);
    let requests = 0;
    let errors = 0;
    const rose: string[] = [];
    const outcomes: Record<string, number> = {};
    for (const v of counts.values) {
      if (!matches(v.labels, opts.labels) || v.value === 0) continue;
      const outcome = String(v.labels.outcome);
      outcomes[outcome] = v.value;
      requests += v.value;
      if (opts.success.includes(outcome)) continue;
      errors += v.value;
      if (v.value > (seen.get(outcome) ?? 0)) rose.push(outcome);
      seen.set(outcome, v.value);
    }
    if (rose.length > 0) lastError = rose.sort().join(', ');
    let seconds = 0;
    for (const v of durations.values) {
      if (v.metricName?.endsWith('_sum') && matches(v.labels, opts.labels)) seconds += v.value;
    }
    const processing = Math.round(seconds * 1e9);
    return {
      num_requests: requests,
      num_errors: errors,
      last_error: lastError,
      processing_time: processing,
      // ADR-32: the total processing time divided by the number of requests.
      average_processing_time: requests > 0 ? Math.round(processing / requests) : 0,
      data: { outcomes },
    };
  };
}

/**
 * A request/reply endpoint served with `serveEndpoint` (or counted like one): its
 * `switchboard_requests_total{endpoint}` and `switchboard_request_duration_seconds{endpoint}`.
 * `ok` and `accepted` (handed on to an agent) are successes; every error code is an error.
 */
export function requestStats(metrics: Metrics, endpoint: string): StatsSource {
  return metricStats({
    counter: metrics.requests,
    histogram: metrics.requestDuration,
    labels: { endpoint },
    success: requestOutcomes,
  });
}

/**
 * An agent's task consumer: `switchboard_tasks_total{agent}` and
 * `switchboard_task_duration_seconds{agent}`, one count per delivery finished by this instance.
 */
export function taskStats(metrics: Metrics, agent: string): StatsSource {
  return metricStats({
    counter: metrics.tasks,
    histogram: metrics.taskDuration,
    labels: { agent },
    success: taskSuccessOutcomes,
  });
}
