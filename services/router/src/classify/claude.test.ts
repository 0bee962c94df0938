import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { createGuard, createMetrics, type GuardOptions } from '@switchboard/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClaudeClassifier } from './claude.js';
import { createEmbeddedRouterClassifier } from './embedded.js';
import type { AgentView, Classifier } from './types.js';

// The real SDK against a local fake of the Messages API that replays scripted responses, records
// every request, and fails loudly (HTTP 599 + a recorded complaint) when it runs out of script.

interface Scripted {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: the recorded JSON body is inspected freely in asserts
  body: any;
}

interface FakeApi {
  baseURL: string;
  requests: Recorded[];
  script(...responses: Scripted[]): void;
  unexpected: string[];
  close(): Promise<void>;
}

async function startFakeApi(): Promise<FakeApi> {
  const queue: Scripted[] = [];
  const requests: Recorded[] = [];
  const unexpected: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(raw),
      });
      const next = queue.shift();
      if (!next || req.method !== 'POST' || req.url !== '/v1/messages') {
        unexpected.push(`${req.method} ${req.url}${next ? '' : ' (script exhausted)'}`);
        res.writeHead(599, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'fake: no script' } }));
        return;
      }
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(next.status ?? 200, { 'content-type': 'application/json', ...next.headers });
        res.end(JSON.stringify(next.body ?? {}));
      };
      if (next.delayMs) {
        const timer = setTimeout(send, next.delayMs);
        res.on('close', () => clearTimeout(timer));
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    unexpected,
    script: (...responses) => queue.push(...responses),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function toolUse(input: unknown): Scripted {
  return {
    body: {
      id: 'msg_test',
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      content: [{ type: 'tool_use', id: 'toolu_test', name: 'route', input }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 100, output_tokens: 10 },
    },
  };
}

function apiError(status: number, type: string, headers?: Record<string, string>): Scripted {
  return {
    status,
    body: { type: 'error', error: { type, message: `fake ${status}` } },
    ...(headers ? { headers } : {}),
  };
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
    classify(text: string, list: readonly AgentView[]) {
      fb.calls++;
      return inner.classify(text, list);
    },
  };
  return fb;
}

const model = 'claude-test-model';
let api: FakeApi;

beforeEach(async () => {
  api = await startFakeApi();
});

afterEach(async () => {
  await api.close();
});

function setup(guardOpts: Partial<GuardOptions> = {}) {
  const metrics = createMetrics('router', { processMetrics: false });
  const guard = createGuard(
    {
      target: 'llm',
      timeoutMs: 1000,
      attempts: 2,
      failureThreshold: 5,
      halfOpenAfterMs: 60_000,
      ...guardOpts,
    },
    metrics,
  );
  const client = new Anthropic({ apiKey: 'test-key', baseURL: api.baseURL, maxRetries: 0 });
  const fallback = countingFallback();
  const classifier = createClaudeClassifier({ client, model, guard, fallback, metrics });
  const llmCount = async (outcome: string) =>
    (await metrics.llmRequests.get()).values.find(
      (v) => v.labels.outcome === outcome && v.labels.model === model,
    )?.value ?? 0;
  const breakerState = async () =>
    (await metrics.breakerState.get()).values.find((v) => v.labels.target === 'llm')?.value;
  return { classifier, fallback, guard, llmCount, breakerState };
}

describe('createClaudeClassifier', () => {
  it('routes with a forced tool call whose enum is the live agents plus none', async () => {
    const { classifier, fallback, llmCount } = setup();
    api.script(toolUse({ agent: 'finance', confidence: 0.93 }));
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
    expect(req.body.tools[0].name).toBe('route');
    expect([...req.body.tools[0].input_schema.properties.agent.enum].sort()).toEqual([
      'finance',
      'hr',
      'none',
    ]);
    expect(req.body.system).toContain(agents[0]!.description);
    expect(req.body.system).toContain(agents[1]!.description);
    expect(JSON.stringify(req.body.messages)).toContain('can I expense my taxi?');
    expect(api.unexpected).toEqual([]);
  });

  it('carries the parts of a two-request message when the first part is for the agent Claude chose', async () => {
    const metrics = createMetrics('router', { processMetrics: false });
    const guard = createGuard({ target: 'llm', timeoutMs: 1000, attempts: 1, failureThreshold: 5 }, metrics);
    const client = new Anthropic({ apiKey: 'test-key', baseURL: api.baseURL, maxRetries: 0 });
    const parts = [
      { agent: 'hr', text: 'how many vacation days do I have' },
      { agent: 'finance', text: 'what is the engineering budget?' },
    ];
    const classifier = createClaudeClassifier({
      client,
      model,
      guard,
      fallback: countingFallback(),
      metrics,
      parts: async () => parts,
    });
    const text = 'how many vacation days do I have and what is the engineering budget?';
    api.script(toolUse({ agent: 'hr', confidence: 0.9 }));
    expect(await classifier.classify(text, agents)).toEqual({
      agent: 'hr',
      method: 'claude',
      score: 0.9,
      parts,
    });
    // Claude chose another agent than the first part's: its decision stands alone.
    api.script(toolUse({ agent: 'finance', confidence: 0.8 }));
    expect(await classifier.classify(text, agents)).toEqual({
      agent: 'finance',
      method: 'claude',
      score: 0.8,
    });
  });

  it('maps "none" to a clarify decision by Claude', async () => {
    const { classifier } = setup();
    api.script(toolUse({ agent: 'none' }));
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
    api.script(toolUse({ agent: 'it' }));
    expect((await classifier.classify('my laptop is broken', [...agents, it])).agent).toBe('it');
    expect([...api.requests[0]!.body.tools[0].input_schema.properties.agent.enum].sort()).toEqual([
      'finance',
      'hr',
      'it',
      'none',
    ]);
  });

  it('falls back to the embedded classifier when the API is too slow', async () => {
    const { classifier, fallback, llmCount } = setup({ timeoutMs: 150, attempts: 1 });
    api.script({ ...toolUse({ agent: 'hr' }), delayMs: 2000 });
    const started = Date.now();
    const decision = await classifier.classify('how many vacation days do I have left?', agents);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(decision.method).toBe('embedded');
    expect(decision.agent).toBe('hr');
    expect(fallback.calls).toBe(1);
    expect(await llmCount('timeout')).toBe(1);
  });

  it('retries a 500 through the guard and succeeds on the second attempt', async () => {
    const { classifier, fallback, llmCount } = setup({ attempts: 2 });
    api.script(apiError(500, 'api_error'), toolUse({ agent: 'hr' }));
    expect(await classifier.classify('who is my manager?', agents)).toMatchObject({
      agent: 'hr',
      method: 'claude',
    });
    expect(api.requests).toHaveLength(2);
    expect(fallback.calls).toBe(0);
    expect(await llmCount('ok')).toBe(1);
  });

  it('falls back after the guard has retried a 500 and it still fails', async () => {
    const { classifier, fallback, llmCount } = setup({ attempts: 2 });
    api.script(apiError(500, 'api_error'), apiError(503, 'overloaded_error'));
    const decision = await classifier.classify('what is the remaining engineering budget?', agents);
    expect(decision).toMatchObject({ agent: 'finance', method: 'embedded' });
    expect(api.requests).toHaveLength(2);
    expect(fallback.calls).toBe(1);
    expect(await llmCount('error')).toBe(1);
  });

  it('does not retry a 400 and falls back', async () => {
    const { classifier, llmCount } = setup({ attempts: 3 });
    api.script(apiError(400, 'invalid_request_error'));
    expect((await classifier.classify('who is my manager?', agents)).method).toBe('embedded');
    expect(api.requests).toHaveLength(1);
    expect(await llmCount('error')).toBe(1);
  });

  it('retries a 429 with the guard (the SDK does not), then succeeds', async () => {
    const { classifier, llmCount } = setup({ attempts: 2 });
    api.script(apiError(429, 'rate_limit_error', { 'retry-after': '0' }), toolUse({ agent: 'hr' }));
    expect(await classifier.classify('I need a day off', agents)).toMatchObject({
      agent: 'hr',
      method: 'claude',
    });
    expect(api.requests).toHaveLength(2);
    expect(await llmCount('ok')).toBe(1);
  });

  it('falls back on a persistent 429 and waits retry-after before calling again', async () => {
    const { classifier, fallback, llmCount } = setup({ attempts: 2 });
    api.script(
      apiError(429, 'rate_limit_error', { 'retry-after': '30' }),
      apiError(429, 'rate_limit_error', { 'retry-after': '30' }),
    );
    const first = await classifier.classify('how many vacation days do I have?', agents);
    expect(first).toMatchObject({ agent: 'hr', method: 'embedded' });
    expect(api.requests).toHaveLength(2);
    const second = await classifier.classify('submit an expense for my hotel', agents);
    expect(second).toMatchObject({ agent: 'finance', method: 'embedded' });
    expect(api.requests).toHaveLength(2);
    expect(fallback.calls).toBe(2);
    expect(await llmCount('rate_limited')).toBe(2);
  });

  it('treats a tool input outside the enum as invalid output and falls back', async () => {
    const { classifier, fallback, llmCount } = setup();
    api.script(toolUse({ agent: 'legal', confidence: 0.99 }));
    const decision = await classifier.classify('how many vacation days do I have?', agents);
    expect(decision).toMatchObject({ agent: 'hr', method: 'embedded' });
    expect(fallback.calls).toBe(1);
    expect(await llmCount('invalid_output')).toBe(1);
    expect(api.requests).toHaveLength(1);
  });

  it.each([
    ['a confidence out of range', toolUse({ agent: 'hr', confidence: 7 })],
    ['no input object', toolUse('hr')],
    [
      'text instead of a tool call',
      {
        body: {
          id: 'msg_text',
          type: 'message',
          role: 'assistant',
          model: 'claude-test',
          content: [{ type: 'text', text: 'I think hr.' }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 1, output_tokens: 1 },
        },
      },
    ],
    ['no content at all', { body: { id: 'msg_x', type: 'message' } }],
  ])('treats %s as invalid output', async (_what, response) => {
    const { classifier, llmCount } = setup();
    api.script(response);
    expect((await classifier.classify('how many vacation days do I have?', agents)).method).toBe('embedded');
    expect(await llmCount('invalid_output')).toBe(1);
  });

  it('opens the breaker after repeated failures; later calls do not reach the API', async () => {
    const { classifier, fallback, llmCount, breakerState } = setup({ attempts: 1, failureThreshold: 2 });
    api.script(apiError(500, 'api_error'), apiError(500, 'api_error'));
    await classifier.classify('who is my manager?', agents);
    await classifier.classify('who is my manager?', agents);
    expect(api.requests).toHaveLength(2);
    expect(await breakerState()).toBe(2);

    const decision = await classifier.classify('what is the hotel limit per night?', agents);
    expect(decision).toMatchObject({ agent: 'finance', method: 'embedded' });
    expect(api.requests).toHaveLength(2);
    expect(fallback.calls).toBe(3);
    expect(await llmCount('error')).toBe(2);
    expect(await llmCount('breaker_open')).toBe(1);
    expect(api.unexpected).toEqual([]);
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
