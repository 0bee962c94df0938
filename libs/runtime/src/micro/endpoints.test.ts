import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics.js';
import { agentMicroEndpoints, routerMicroEndpoints } from './endpoints.js';
import type { MicroEndpoint } from './responder.js';

describe('the endpoints each service lists', () => {
  const metrics = createMetrics('hr-agent', { processMetrics: false });

  it("lists the router's agents.ask and sagas.get in its queue group", () => {
    expect(routerMicroEndpoints(metrics).map((e) => [e.name, e.subject, e.queueGroup])).toEqual([
      ['ask', 'agents.ask', 'router'],
      ['sagas_get', 'sagas.get', 'router'],
    ]);
  });

  it("lists an agent's direct endpoint, its tools when it serves them, and its task consumer without a queue group", () => {
    const row = (e: MicroEndpoint) => [e.name, e.subject, e.queueGroup ?? null, e.metadata?.kind ?? null];
    expect(agentMicroEndpoints(metrics, 'hr').map(row)).toEqual([
      ['ask', 'agents.hr.ask', 'agent-hr', null],
      ['tasks', 'tasks.hr', null, 'jetstream-consumer'],
    ]);
    expect(agentMicroEndpoints(metrics, 'hr', { tools: true }).map(row)).toEqual([
      ['ask', 'agents.hr.ask', 'agent-hr', null],
      ['tools', 'agents.hr.tools', 'agent-hr', null],
      ['tasks', 'tasks.hr', null, 'jetstream-consumer'],
    ]);
  });

  it('counts task deliveries from the task metrics: answered, ended, duplicate and released are not errors', async () => {
    const [, , tasks] = agentMicroEndpoints(metrics, 'hr', { tools: true });
    for (const outcome of ['answered', 'answered', 'ended', 'retried', 'dead_lettered']) {
      metrics.tasks.inc({ agent: 'hr', outcome });
      metrics.taskDuration.observe({ agent: 'hr' }, 0.002);
    }
    metrics.tasks.inc({ agent: 'finance', outcome: 'error' });
    const counts = await tasks!.stats();
    expect(counts).toMatchObject({
      num_requests: 5,
      num_errors: 2,
      last_error: 'dead_lettered, retried',
      processing_time: 10_000_000,
      average_processing_time: 2_000_000,
      data: { outcomes: { answered: 2, ended: 1, retried: 1, dead_lettered: 1 } },
    });
    // Nothing new: the last error stays; a new one replaces it.
    expect((await tasks!.stats()).last_error).toBe('dead_lettered, retried');
    metrics.tasks.inc({ agent: 'hr', outcome: 'expired' });
    expect((await tasks!.stats()).last_error).toBe('expired');
  });
});
