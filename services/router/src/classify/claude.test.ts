import { createAnthropicClient, createLlm } from '@switchboard/llm';
import {
  type FakeMessagesApi,
  type FakeReply,
  fakeError,
  fakeText,
  fakeToolUse,
  startFakeMessagesApi,
} from '@switchboard/llm/testing';
import { createMetrics, RetryPolicies } from '@switchboard/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClaudeClassifier } from './claude.js';
import { createEmbeddedRouterClassifier } from './embedded.js';
import type { AgentView, Classifier, RoutingDecision } from './types.js';

// The real SDK against the shared fake of the Messages API, which replays scripted responses,
// records every request, and counts what it did not expect (a request after the script ran out).

const toolUse = (input: unknown): FakeReply => fakeToolUse([{ id: 'toolu_test', name: 'route', input }]);

/** The `agent` enum of the route tool in request `i`. */
function agentEnum(i: number): string[] {
  const schema = api.requests[i]!.body.tools![0]!.input_schema as {
    properties: { agent: { enum: string[] } };
  };
  return [...schema.properties.agent.enum].sort();
}

const agents: AgentView[] = [
  {
    name: 'hr',
    description:
      'Human resources: leave balances and requests, sick leave, holidays, HR policies, directory.',
    intents: ['leave_balance', 'request_leave', 'hr_policy', 'directory'],
    examples: [
      'how many vacation days do I have?',
      'I want to book time off',
      'who is my manager?',
      "I'm sick today",
    ],
    subject: 'agents.hr.ask',
    instances: 1,
  },
  {
    name: 'finance',
    description: 'Finance: department budgets, expenses and reimbursements, spending policy, invoices.',
    intents: ['budget_status', 'submit_expense', 'spending_policy', 'invoice_status'],
    examples: [
      'what is the engineering budget?',
      'submit an expense',
      'what is the hotel limit?',
      'is INV-1 paid?',
    ],
    subject: 'agents.finance.ask',
    instances: 2,
  },
];

/** The embedded classifier, counting how often it was asked. */
function countingFallback(): Classifier & { calls: number } {
  const inner = createEmbeddedRouterClassifier();
  const fb = {
    calls: 0,
    prepare: async (list: readonly AgentView[]) => inner.prepare?.(list),
    classify(text: string, list: readonly AgentView[]) {
      fb.calls++;
      return inner.classify(text, list);
    },
  };
  return fb;
}

const model = 'claude-test-model';
let api: FakeMessagesApi;

beforeEach(async () => {
  api = await startFakeMessagesApi();
});

afterEach(async () => {
  await api.close();
});

function setup(
  o: {
    attempts?: number;
    timeoutMs?: number;
    failureThreshold?: number;
    parts?: () => Promise<RoutingDecision['parts']>;
  } = {},
) {
  const metrics = createMetrics('router', { processMetrics: false });
  const llm = createLlm({
    client: createAnthropicClient({ apiKey: 'test-key', baseURL: api.url }),
    model,
    timeoutMs: o.timeoutMs ?? 1000,
    failureThreshold: o.failureThreshold ?? 5,
    halfOpenAfterMs: 60_000,
    retry: { ...RetryPolicies.llmRouting, attempts: o.attempts ?? 2 },
    metrics,
  });
  const fallback = countingFallback();
  const classifier = createClaudeClassifier({ llm, fallback, ...(o.parts ? { parts: o.parts } : {}) });
  const llmCount = async (outcome: string) =>
    (await metrics.llmRequests.get()).values.find(
      (v) => v.labels.outcome === outcome && v.labels.model === model,
    )?.value ?? 0;
  const breakerState = async () =>
    (await metrics.breakerState.get()).values.find((v) => v.labels.target === 'llm')?.value;
  return { classifier, fallback, llmCount, breakerState };
}

describe('createClaudeClassifier', () => {
  it('routes with a forced tool call whose enum is the live agents plus none', async () => {
    const { classifier, fallback, llmCount } = setup();
    api.push(toolUse({ agent: 'finance', confidence: 0.93 }));
    const decision = await classifier.classify('can I expense my taxi?', agents);
    expect(decision).toEqual({ agent: 'finance', method: 'claude', score: 0.93 });
    expect(fallback.calls).toBe(0);
    expect(await llmCount('ok')).toBe(1);

    expect(api.requests).toHaveLength(1);
    const req = api.requests[0]!;
    // The key travels as `x-api-key` or as a bearer token, depending on the SDK version.
    expect(req.headers['x-api-key'] ?? req.headers.authorization).toMatch(/^(Bearer )?test-key$/);
    expect(req.body.model).toBe(model);
    expect(req.body.tool_choice).toEqual({ type: 'tool', name: 'route' });
    expect(req.body.tools).toHaveLength(1);
    expect(req.body.tools?.[0]?.name).toBe('route');
    expect(agentEnum(0)).toEqual(['finance', 'hr', 'none']);
    expect(req.body.system).toContain(agents[0]!.description);
    expect(req.body.system).toContain(agents[1]!.description);
    expect(JSON.stringify(req.body.messages)).toContain('can I expense my taxi?');
    expect(api.unexpected()).toBe(0);
  });

  it('carries the parts of a two-request message when the first part is for the agent Claude chose', async () => {
    const parts = [
      { agent: 'hr', text: 'how many vacation days do I have' },
      { agent: 'finance', text: 'what is the engineering budget?' },
    ];
    const { classifier } = setup({ attempts: 1, parts: async () => parts });
    const text = 'how many vacation days do I have and what is the engineering budget?';
    api.push(toolUse({ agent: 'hr', confidence: 0.9 }));
    expect(await classifier.classify(text, agents)).toEqual({
      agent: 'hr',
      method: 'claude',
      score: 0.9,
      parts,
    });
    // Claude chose another agent than the first part's: its decision stands alone.
    api.push(toolUse({ agent: 'finance', confidence: 0.8 }));
    expect(await classifier.classify(text, agents)).toEqual({
      agent: 'finance',
      method: 'claude',
      score: 0.8,
    });
  });

  it('maps "none" to a clarify decision by Claude', async () => {
    const { classifier } = setup();
    api.push(toolUse({ agent: 'none' }));
    expect(await classifier.classify('tell me a joke', agents)).toEqual({ agent: null, method: 'claude' });
  });

  it('offers only the agents of this request (a new agent type appears in the enum)', async () => {
    const { classifier } = setup();
    const it: AgentView = {
      name: 'it',
      description: 'IT helpdesk: laptops, passwords, VPN.',
      intents: ['hardware'],
      examples: ['my laptop is broken'],
      subject: 'agents.it.ask',
      instances: 1,
    };
    api.push(toolUse({ agent: 'it' }));
    expect((await classifier.classify('my laptop is broken', [...agents, it])).agent).toBe('it');
    expect(agentEnum(0)).toEqual(['finance', 'hr', 'it', 'none']);
  });

  it('falls back to the embedded classifier when the API is too slow', async () => {
    const { classifier, fallback, llmCount } = setup({ timeoutMs: 150, attempts: 1 });
    api.push({ ...toolUse({ agent: 'hr' }), delayMs: 2000 });
    // As the router does when the cards change: the fallback's index and model are built ahead.
    await classifier.prepare?.(agents);
    const started = Date.now();
    const decision = await classifier.classify('how many vacation days do I have left?', agents);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(decision.method).toBe('embedded');
    expect(decision.agent).toBe('hr');
    expect(fallback.calls).toBe(1);
    expect(await llmCount('timeout')).toBe(1);
  });

  it('retries a 500 and succeeds on the second attempt', async () => {
    const { classifier, fallback, llmCount } = setup({ attempts: 2 });
    api.push(fakeError(500), toolUse({ agent: 'hr' }));
    expect(await classifier.classify('who is my manager?', agents)).toMatchObject({
      agent: 'hr',
      method: 'claude',
    });
    expect(api.requests).toHaveLength(2);
    expect(fallback.calls).toBe(0);
    expect(await llmCount('ok')).toBe(1);
  });

  it('falls back after retrying a 500 that still fails', async () => {
    const { classifier, fallback, llmCount } = setup({ attempts: 2 });
    api.push(fakeError(500), fakeError(503));
    const decision = await classifier.classify('what is the remaining engineering budget?', agents);
    expect(decision).toMatchObject({ agent: 'finance', method: 'embedded' });
    expect(api.requests).toHaveLength(2);
    expect(fallback.calls).toBe(1);
    expect(await llmCount('server_error')).toBe(2);
  });

  it('does not retry a 400 and falls back', async () => {
    const { classifier, llmCount } = setup({ attempts: 3 });
    api.push(fakeError(400, {}, 'invalid_request_error'));
    expect((await classifier.classify('who is my manager?', agents)).method).toBe('embedded');
    expect(api.requests).toHaveLength(1);
    expect(await llmCount('bad_request')).toBe(1);
  });

  it('retries a 429 whose retry-after is short (the SDK does not), then succeeds', async () => {
    const { classifier, llmCount } = setup({ attempts: 2 });
    api.push(fakeError(429, { 'retry-after': '0' }, 'rate_limit_error'), toolUse({ agent: 'hr' }));
    expect(await classifier.classify('I need a day off', agents)).toMatchObject({
      agent: 'hr',
      method: 'claude',
    });
    expect(api.requests).toHaveLength(2);
    expect(await llmCount('ok')).toBe(1);
  });

  it('falls back at once on a 429 whose retry-after is long, and skips Claude until it has passed', async () => {
    const { classifier, fallback, llmCount } = setup({ attempts: 2 });
    api.push(fakeError(429, { 'retry-after': '30' }, 'rate_limit_error'));
    const first = await classifier.classify('how many vacation days do I have?', agents);
    expect(first).toMatchObject({ agent: 'hr', method: 'embedded' });
    // Retrying within a 30 s retry-after would only be refused again.
    expect(api.requests).toHaveLength(1);
    const second = await classifier.classify('submit an expense for my hotel', agents);
    expect(second).toMatchObject({ agent: 'finance', method: 'embedded' });
    expect(api.requests).toHaveLength(1);
    expect(fallback.calls).toBe(2);
    expect(await llmCount('rate_limited')).toBe(2);
  });

  it('treats a tool input outside the enum as invalid output and falls back', async () => {
    const { classifier, fallback, llmCount } = setup();
    api.push(toolUse({ agent: 'legal', confidence: 0.99 }));
    const decision = await classifier.classify('how many vacation days do I have?', agents);
    expect(decision).toMatchObject({ agent: 'hr', method: 'embedded' });
    expect(fallback.calls).toBe(1);
    expect(await llmCount('invalid_output')).toBe(1);
    expect(api.requests).toHaveLength(1);
  });

  it.each([
    ['a confidence out of range', toolUse({ agent: 'hr', confidence: 7 })],
    ['no input object', toolUse('hr')],
    ['text instead of a tool call', fakeText('I think hr.')],
    ['no content at all', { body: { id: 'msg_x', type: 'message' } }],
  ])('treats %s as invalid output', async (_what, response) => {
    const { classifier, llmCount } = setup();
    api.push(response);
    expect((await classifier.classify('how many vacation days do I have?', agents)).method).toBe('embedded');
    expect(await llmCount('invalid_output')).toBe(1);
  });

  it('opens the breaker after repeated failures; later calls do not reach the API', async () => {
    const { classifier, fallback, llmCount, breakerState } = setup({ attempts: 1, failureThreshold: 2 });
    api.push(fakeError(500), fakeError(500));
    await classifier.classify('who is my manager?', agents);
    await classifier.classify('who is my manager?', agents);
    expect(api.requests).toHaveLength(2);
    expect(await breakerState()).toBe(2);

    const decision = await classifier.classify('what is the hotel limit per night?', agents);
    expect(decision).toMatchObject({ agent: 'finance', method: 'embedded' });
    expect(api.requests).toHaveLength(2);
    expect(fallback.calls).toBe(3);
    expect(await llmCount('server_error')).toBe(2);
    expect(await llmCount('circuit_open')).toBe(1);
    expect(api.unexpected()).toBe(0);
  });

  it('asks the fallback directly when there is no agent at all', async () => {
    const { classifier, fallback } = setup();
    expect(await classifier.classify('hello', [])).toMatchObject({ agent: null, method: 'embedded' });
    expect(fallback.calls).toBe(1);
    expect(api.requests).toHaveLength(0);
  });
});

describe('createEmbeddedRouterClassifier', () => {
  it('routes with method embedded and rebuilds only when the agent list changes', async () => {
    const c = createEmbeddedRouterClassifier();
    expect(await c.classify('how many vacation days do I have?', agents)).toMatchObject({
      agent: 'hr',
      method: 'embedded',
    });
    expect((await c.classify('tell me a joke', agents)).agent).toBeNull();
    // A copy with the same content keeps the index; a new agent type changes it.
    expect((await c.classify('submit an expense', [...agents])).agent).toBe('finance');
    const it: AgentView = {
      name: 'it',
      description: 'IT helpdesk: laptops, passwords, VPN, printers.',
      intents: ['hardware', 'password_reset'],
      examples: ['my laptop is broken', 'reset my password', 'the VPN is down', 'the printer does not work'],
      subject: 'agents.it.ask',
      instances: 1,
    };
    expect((await c.classify('my laptop is broken again', [...agents, it])).agent).toBe('it');
    expect((await c.classify('my laptop is broken again', agents)).agent).toBeNull();
  });
});
