import { Names, Subjects } from './subjects.js';

/** The choreographed workflows, as named in metrics (`switchboard_workflows_total{flow}`) and docs. */
export const WorkflowFlows = ['onboarding', 'scatter_gather', 'approval', 'budget'] as const;
export type WorkflowFlow = (typeof WorkflowFlows)[number];

/**
 * How a workflow instance ended, or that it started: `started`, then one of the others. `partial`:
 * a scatter-gather answered with a part missing; `exceeded`: a budget stopped a turn.
 */
export const WorkflowOutcomes = [
  'started',
  'completed',
  'compensated',
  'approved',
  'rejected',
  'expired',
  'partial',
  'exceeded',
] as const;
export type WorkflowOutcome = (typeof WorkflowOutcomes)[number];

/**
 * One durable consumer through which an agent type reacts to events on `AGENT_EVENTS`: the agent
 * creates it (its NATS identity may create exactly this consumer with exactly this filter, see the
 * security identities) and acks each event only after handling it idempotently.
 */
export interface WorkflowConsumer {
  agent: string;
  flow: string;
  /** One filter subject (nats-server 2.9 has no multi-filter consumers); wildcards allowed. */
  filter: string;
}

/** Every event consumer of the deployed agents: one table read by the agents and the identities. */
export const WorkflowConsumers: readonly WorkflowConsumer[] = [
  { agent: 'finance', flow: 'onboarding', filter: Subjects.event('hr', 'employee_created') },
  { agent: 'hr', flow: 'onboarding', filter: 'events.finance.*' },
  // Approvals: whichever agent records a manager's decision, the owner of the request applies it.
  { agent: 'hr', flow: 'approval', filter: 'events.*.approval_decided' },
  { agent: 'finance', flow: 'approval', filter: 'events.*.approval_decided' },
];

/** The consumer name of a {@link WorkflowConsumer}. */
export function workflowConsumerName(c: WorkflowConsumer): string {
  return Names.eventConsumer(c.agent, c.flow);
}
