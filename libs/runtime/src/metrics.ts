import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds: sub-millisecond hops up to slow LLM turns. */
export const durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The metrics of one service, in its own registry, every series labelled `service`.
 * Names and labels are fixed by docs/architecture.md and listed in docs/metrics.md.
 */
export function createMetrics(service: string, opts: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'switchboard_requests_total',
      help: 'Requests handled, by endpoint and outcome (ok or an error code).',
      labelNames: ['endpoint', 'outcome'] as const,
      registers,
    }),
    requestDuration: new Histogram({
      name: 'switchboard_request_duration_seconds',
      help: 'Time from receiving a request to sending its reply or handing it on.',
      labelNames: ['endpoint'] as const,
      buckets: durationBuckets,
      registers,
    }),
    breakerState: new Gauge({
      name: 'switchboard_circuit_breaker_state',
      help: 'Circuit breaker state per outbound dependency: 0 closed, 1 half-open, 2 open.',
      labelNames: ['target'] as const,
      registers,
    }),
    breakerTransitions: new Counter({
      name: 'switchboard_circuit_breaker_transitions_total',
      help: 'Circuit breaker state changes, by target and the state entered.',
      labelNames: ['target', 'state'] as const,
      registers,
    }),
    breakerRejections: new Counter({
      name: 'switchboard_circuit_breaker_rejections_total',
      help: 'Calls refused without trying because the breaker was open.',
      labelNames: ['target'] as const,
      registers,
    }),
    tasks: new Counter({
      name: 'switchboard_tasks_total',
      help: 'Tasks finished by agents, by outcome.',
      labelNames: ['agent', 'outcome'] as const,
      registers,
    }),
    taskDuration: new Histogram({
      name: 'switchboard_task_duration_seconds',
      help: 'Time an agent spent on one task delivery, from receipt to ack.',
      labelNames: ['agent'] as const,
      buckets: durationBuckets,
      registers,
    }),
    deadLetters: new Counter({
      name: 'switchboard_dead_letters_total',
      help: 'Tasks moved to dead letters, by reason.',
      labelNames: ['agent', 'reason'] as const,
      registers,
    }),
    consumerPending: new Gauge({
      name: 'switchboard_consumer_pending',
      help: "Tasks waiting in the agent's durable consumer (the scale signal).",
      labelNames: ['agent'] as const,
      registers,
    }),
    consumerAckPending: new Gauge({
      name: 'switchboard_consumer_ack_pending',
      help: "Tasks delivered by the agent's durable consumer and not yet acknowledged.",
      labelNames: ['agent'] as const,
      registers,
    }),
    consumerRedelivered: new Gauge({
      name: 'switchboard_consumer_redelivered',
      help: "Tasks of the agent's durable consumer currently being redelivered.",
      labelNames: ['agent'] as const,
      registers,
    }),
    llmRequests: new Counter({
      name: 'switchboard_llm_requests_total',
      help: 'Calls to the LLM API, by model and outcome.',
      labelNames: ['model', 'outcome'] as const,
      registers,
    }),
    llmDuration: new Histogram({
      name: 'switchboard_llm_request_duration_seconds',
      help: 'Duration of one LLM API call (answered or failed), by model.',
      labelNames: ['model'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
      registers,
    }),
    llmTokens: new Counter({
      name: 'switchboard_llm_tokens_total',
      help: 'Tokens reported by the LLM API, by model and kind (input or output).',
      labelNames: ['model', 'kind'] as const,
      registers,
    }),
    llmSpendTokens: new Counter({
      name: 'switchboard_llm_spend_tokens_total',
      help: 'LLM tokens spent on requests, by the agent (or router) that spent them and kind (input or output).',
      labelNames: ['agent', 'kind'] as const,
      registers,
    }),
    llmSpendUsd: new Counter({
      name: 'switchboard_llm_spend_usd_total',
      help: 'LLM cost of requests in US dollars (per the price table), by the agent (or router) that spent it.',
      labelNames: ['agent'] as const,
      registers,
    }),
    routingDecisions: new Counter({
      name: 'switchboard_routing_decisions_total',
      help: 'Routing decisions of the router, by chosen agent (or none) and the method that decided.',
      labelNames: ['agent', 'method'] as const,
      registers,
    }),
    routingScore: new Histogram({
      name: 'switchboard_routing_score',
      help: 'Score of the winning agent of each classification (0-1), by chosen agent (or none) and method: low scores are low-confidence routing.',
      labelNames: ['agent', 'method'] as const,
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      registers,
    }),
    workflows: new Counter({
      name: 'switchboard_workflows_total',
      help: 'Workflow instances by flow (onboarding, scatter_gather, approval, budget) and outcome (started, then completed, compensated, approved, rejected, expired, partial or exceeded).',
      labelNames: ['flow', 'outcome'] as const,
      registers,
    }),
    workflowDuration: new Histogram({
      name: 'switchboard_workflow_duration_seconds',
      help: 'Time from the start of a workflow instance to its end, by flow and outcome.',
      labelNames: ['flow', 'outcome'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400],
      registers,
    }),
    toolCalls: new Counter({
      name: 'switchboard_tool_calls_total',
      help: 'Domain tool calls by agents, by tool and outcome.',
      labelNames: ['agent', 'tool', 'outcome'] as const,
      registers,
    }),
    sessions: new Counter({
      name: 'switchboard_sessions_total',
      help: 'Sessions opened and ended.',
      labelNames: ['agent', 'event'] as const,
      registers,
    }),
    dependencyMissing: new Gauge({
      name: 'switchboard_dependency_missing',
      help: 'A stream, bucket or consumer the service needs: 1 while it is missing (/readyz fails), else 0.',
      labelNames: ['kind', 'name'] as const,
      registers,
    }),
    dependencyRecreated: new Counter({
      name: 'switchboard_dependency_recreated_total',
      help: 'Streams, buckets and consumers this service found missing and created again.',
      labelNames: ['kind', 'name'] as const,
      registers,
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

/** Records one LLM call: its duration and, when the API reported it, the tokens it used. */
export function recordLlmCall(
  metrics: Metrics | undefined,
  model: string,
  startedMs: number,
  usage?: { input_tokens?: number | null; output_tokens?: number | null } | null,
): void {
  if (!metrics) return;
  metrics.llmDuration.observe({ model }, (Date.now() - startedMs) / 1000);
  if (usage?.input_tokens) metrics.llmTokens.inc({ model, kind: 'input' }, usage.input_tokens);
  if (usage?.output_tokens) metrics.llmTokens.inc({ model, kind: 'output' }, usage.output_tokens);
}
