import { createAnthropicClient, createLlm, parsePriceTable } from '@switchboard/llm';
import { type FakeMessagesApi, fakeToolUse, startFakeMessagesApi } from '@switchboard/llm/testing';
import { createMetrics, RetryPolicies } from '@switchboard/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { createClaudeClassifier } from './claude.js';
import { createEmbeddedRouterClassifier } from './embedded.js';
import type { AgentView } from './types.js';

// The router's Claude classifier spends from the request's budget: real SDK, local fake API.

const agents: AgentView[] = [
  {
    name: 'hr',
    description: 'Human resources: leave balances and requests, HR policies.',
    intents: ['leave_balance', 'request_leave'],
    examples: ['how many vacation days do I have?'],
    subject: 'agents.hr.ask',
    instances: 1,
  },
  {
    name: 'finance',
    description: 'Finance: department budgets, expenses and reimbursements.',
    intents: ['budget_status', 'submit_expense'],
    examples: ['what is the engineering budget?'],
    subject: 'agents.finance.ask',
    instances: 1,
  },
];

let api: FakeMessagesApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function setup() {
  api = await startFakeMessagesApi([
    fakeToolUse([{ id: 'toolu_1', name: 'route', input: { agent: 'hr', confidence: 0.9 } }]),
  ]);
  const metrics = createMetrics('router', { processMetrics: false });
  const llm = createLlm({
    client: createAnthropicClient({ apiKey: 'k', baseURL: api.url }),
    model: 'claude-test',
    timeoutMs: 2000,
    retry: RetryPolicies.llmRouting,
    metrics,
  });
  const classifier = createClaudeClassifier({
    llm,
    fallback: createEmbeddedRouterClassifier(),
    metrics,
    prices: parsePriceTable('claude-test=3/15'),
  });
  return { api, classifier, metrics };
}

describe('routing with Claude under a budget', () => {
  it('reports the routing call spend, counted for agent router', async () => {
    const { api, classifier, metrics } = await setup();
    const d = await classifier.classify('how many vacation days do I have?', agents, {
      budget: { tokens: 5000, usd: 0.1 },
    });
    expect(d).toMatchObject({ agent: 'hr', method: 'claude' });
    // The fake reports 10 input and 10 output tokens.
    expect(d.spend).toEqual({
      inputTokens: 10,
      outputTokens: 10,
      usd: 0.00018,
      llmCalls: 1,
      left: { tokens: 4980, usd: 0.09982 },
    });
    expect(api.count()).toBe(1);
    const tokens = (await metrics.llmSpendTokens.get()).values.map(
      (v) => `${v.labels.agent}/${v.labels.kind}=${v.value}`,
    );
    expect(tokens.sort()).toEqual(['router/input=10', 'router/output=10']);
  });

  it('leaves the decision to the embedded classifier when the budget cannot pay the call', async () => {
    const { api, classifier } = await setup();
    const d = await classifier.classify('how many vacation days do I have?', agents, {
      budget: { tokens: 50 },
    });
    expect(d).toMatchObject({ agent: 'hr', method: 'embedded' });
    expect(d.spend).toBeUndefined();
    expect(api.count()).toBe(0);
  });
});
