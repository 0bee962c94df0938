import { Names, Subjects } from '@switchboard/contracts';
import type { Metrics } from '../metrics.js';
import { requestStats, taskStats } from './endpoint-stats.js';
import type { MicroEndpoint } from './responder.js';

/** The router's endpoints: `agents.ask` and `sagas.get`, both in the queue group `router`. */
export function routerMicroEndpoints(metrics: Metrics): MicroEndpoint[] {
  return [
    {
      name: 'ask',
      subject: Subjects.ask,
      queueGroup: Names.routerQueue,
      metadata: { description: 'routes a request to an agent and hands it on as a task' },
      stats: requestStats(metrics, Subjects.ask),
    },
    {
      name: 'sagas_get',
      subject: Subjects.sagaGet,
      queueGroup: Names.routerQueue,
      metadata: { description: "a saga's state and history" },
      stats: requestStats(metrics, Subjects.sagaGet),
    },
  ];
}

/**
 * An agent's endpoints: its direct endpoint `agents.<agent>.ask` (queue group `agent-<agent>`),
 * `agents.<agent>.tools` when it serves its tools (`opts.tools`), and its task consumer, where its
 * answers are made. The consumer is listed so that its work, failures and time show in
 * `nats micro stats`, but it is a JetStream durable pull consumer, not a request subject: no queue
 * group, and its metadata says so (`kind: jetstream-consumer`).
 */
export function agentMicroEndpoints(
  metrics: Metrics,
  agent: string,
  opts: { tools?: boolean } = {},
): MicroEndpoint[] {
  const ask: MicroEndpoint = {
    name: 'ask',
    subject: Subjects.agentAsk(agent),
    queueGroup: Names.agentQueue(agent),
    metadata: { description: 'follow-ups and direct starts; becomes a task, answered by the task consumer' },
    stats: requestStats(metrics, `agents.${agent}.ask`),
  };
  const tools: MicroEndpoint = {
    name: 'tools',
    subject: Subjects.agentTools(agent),
    queueGroup: Names.agentQueue(agent),
    metadata: { description: 'lists and calls its tools (MCP through the gateway)' },
    stats: requestStats(metrics, `agents.${agent}.tools`),
  };
  const tasks: MicroEndpoint = {
    name: 'tasks',
    subject: Subjects.task(agent),
    metadata: {
      kind: 'jetstream-consumer',
      stream: Names.tasksStream,
      consumer: Names.agentConsumer(agent),
      description:
        'task deliveries finished by this instance; not a request subject (publish tasks, never request them)',
    },
    stats: taskStats(metrics, agent),
  };
  return opts.tools ? [ask, tools, tasks] : [ask, tasks];
}
