// Budgets that travel with the work, end to end: the four real service processes, the agents on
// Claude through the real @anthropic-ai/sdk against the local fake Messages API (ANTHROPIC_BASE_URL).
// A budget sent over NATS (header) and HTTP (header or body) reaches the agent on the task; the
// reply reports the spend in `data.spend`, the agent's metrics count it by agent, and a budget too
// small for the first LLM call is answered `budget_exceeded` without calling the API, once (no
// redelivery), and one that runs out after a tool round gets a partial answer.
import { headers, type NatsConnection } from '@nats-io/transport-node';
import {
  type FakeMessagesApi,
  fakeMessage,
  fakeToolUse,
  startFakeMessagesApi,
} from '@switchboard/agent-kit/testing';
import { startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  asError,
  asOk,
  findSamples,
  http,
  parseMetrics,
  type Reply,
  Stack,
  taskConsumerBacklog,
  waitFor,
} from '../e2e/harness.js';

let llm: FakeMessagesApi;
let stack: Stack | undefined;
let nc: NatsConnection;

/** Every Messages call answers in text, reporting 400 input and 50 output tokens. */
const answer = () => {
  const reply = fakeMessage([{ type: 'text', text: 'You have 18 vacation days left for 2026.' }]);
  return { ...reply, body: { ...(reply.body as object), usage: { input_tokens: 400, output_tokens: 50 } } };
};

// The agents' model (the default, claude-sonnet-4-6) priced at $3 / $15 per million tokens.
// 0.00195 a call: 0.5 - 0.00195 = 0.49805 left of a $0.50 budget.
const callUsd = (400 * 3 + 50 * 15) / 1_000_000;

beforeAll(async () => {
  llm = await startFakeMessagesApi([], { whenExhausted: answer });
  const agentEnv = {
    ANTHROPIC_API_KEY: 'fake',
    ANTHROPIC_BASE_URL: llm.url,
    LLM_PRICES: 'claude-sonnet-4=3/15',
  };
  stack = new Stack(await startNatsServer());
  const services = ['router', 'hr-agent', 'finance-agent', 'gateway'] as const;
  await Promise.all(services.map((s) => stack!.start(s, s.endsWith('-agent') ? agentEnv : {})));
  nc = await stack.connect();
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await llm?.close();
}, 60_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    if (stack) process.stderr.write(`\n${stack.diagnostics()}\n`);
  });
});

/** `agents.ask` over NATS with a `Switchboard-Budget` header. */
async function askWithBudget(body: unknown, budget: string): Promise<Reply> {
  const h = headers();
  h.set('Switchboard-Budget', budget);
  const m = await nc.request('agents.ask', JSON.stringify(body), { timeout: 10_000, headers: h });
  return m.json<Reply>();
}

async function hrMetrics() {
  const r = await fetch(`${stack!.get('hr-agent').baseUrl}/metrics`);
  return parseMetrics(await r.text()).samples;
}

const value = (
  samples: ReturnType<typeof parseMetrics>['samples'],
  name: string,
  labels: Record<string, string>,
) => findSamples(samples, name, labels).reduce((s, x) => s + x.value, 0);

describe('a budget travelling with the request', () => {
  it('over NATS: the agent answers within the budget and reports the spend', async () => {
    const before = llm.count();
    const r = asOk(
      await askWithBudget(
        { text: 'how many vacation days do I have?', userId: 'alice' },
        'tokens=5000;usd=0.5',
      ),
    );
    expect(r.agent).toBe('hr');
    expect(r.data).toMatchObject({ engine: 'claude' });
    expect(r.data?.spend).toEqual({
      inputTokens: 400,
      outputTokens: 50,
      usd: callUsd,
      llmCalls: 1,
      left: { tokens: 4550, usd: 0.49805 },
    });
    expect(llm.count()).toBe(before + 1);
  });

  it('over HTTP: the header and the body budget reach the agent (the tighter applies)', async () => {
    const res = await fetch(`${stack!.gatewayUrl}/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'switchboard-budget': 'tokens=8000;usd=0.5' },
      body: JSON.stringify({
        text: 'how many vacation days do I have?',
        userId: 'alice',
        budget: { usd: 0.1 },
      }),
    });
    expect(res.status).toBe(200);
    const r = asOk((await res.json()) as Reply);
    expect(r.data?.spend).toMatchObject({ llmCalls: 1, left: { tokens: 7550, usd: 0.09805 } });
  });

  it('a budget too small for the first call: budget_exceeded (402), no API call, answered once', async () => {
    const before = llm.count();
    const res = await http(`${stack!.gatewayUrl}/v1/ask`, {
      body: { text: 'how many vacation days do I have?', userId: 'alice', budget: { tokens: 200 } },
    });
    expect(res.status).toBe(402);
    const e = asError(res.body as Reply);
    expect(e.error.code).toBe('budget_exceeded');
    expect(e.error.message).toMatch(/cannot pay for the next LLM call/);
    const overNats = asError(
      await askWithBudget({ text: 'how many vacation days do I have?', userId: 'alice' }, 'usd=0.0001'),
    );
    expect(overNats.error.code).toBe('budget_exceeded');
    expect(llm.count()).toBe(before);
    // Answered with the error and acked: nothing waits for redelivery.
    await waitFor('the hr backlog to be empty', async () =>
      (await taskConsumerBacklog(nc, 'hr')) === 0 ? true : undefined,
    );
    const samples = await hrMetrics();
    expect(value(samples, 'switchboard_tasks_total', { agent: 'hr', outcome: 'budget_exceeded' })).toBe(2);
    expect(value(samples, 'switchboard_tasks_total', { agent: 'hr', outcome: 'retried' })).toBe(0);
  });

  it('a malformed budget is refused where the request enters', async () => {
    const r = asError(
      await askWithBudget({ text: 'how many vacation days do I have?', userId: 'alice' }, 'tokens=lots'),
    );
    expect(r.error.code).toBe('invalid_request');
    const res = await http(`${stack!.gatewayUrl}/v1/ask`, {
      body: { text: 'hi', budget: { tokens: -1 } },
    });
    expect(res.status).toBe(400);
  });

  it("counts the spend and the stopped turns in the agent's metrics", async () => {
    const samples = await hrMetrics();
    expect(value(samples, 'switchboard_llm_spend_tokens_total', { agent: 'hr', kind: 'input' })).toBe(800);
    expect(value(samples, 'switchboard_llm_spend_tokens_total', { agent: 'hr', kind: 'output' })).toBe(100);
    expect(value(samples, 'switchboard_llm_spend_usd_total', { agent: 'hr' })).toBeCloseTo(2 * callUsd, 9);
    expect(value(samples, 'switchboard_workflows_total', { flow: 'budget', outcome: 'completed' })).toBe(2);
    expect(value(samples, 'switchboard_workflows_total', { flow: 'budget', outcome: 'exceeded' })).toBe(2);
  });

  it('over NATS: a budget that runs out after a tool round gets a partial answer with what the tool found', async () => {
    const before = llm.count();
    // The model asks for the balance tool and reports a large input: what is left cannot pay a second call.
    const toolRound = fakeToolUse([{ id: 'tu_1', name: 'leave_balance', input: {} }], 'Let me look that up.');
    llm.push({
      ...toolRound,
      body: { ...(toolRound.body as object), usage: { input_tokens: 7000, output_tokens: 20 } },
    });
    const r = asOk(
      await askWithBudget({ text: 'how many vacation days do I have?', userId: 'alice' }, 'tokens=9000'),
    );
    expect(llm.count()).toBe(before + 1);
    expect(r.agent).toBe('hr');
    expect(r.text).toContain('The budget of this request ran out before I could finish');
    expect(r.text).toContain('- leave_balance: {"employee":');
    expect(r.data).toMatchObject({
      engine: 'claude',
      partial: true,
      budgetExceeded: true,
      toolCalls: [{ tool: 'leave_balance', ok: true }],
      spend: { inputTokens: 7000, outputTokens: 20, llmCalls: 1, left: { tokens: 1980 } },
    });
    const samples = await hrMetrics();
    expect(value(samples, 'switchboard_workflows_total', { flow: 'budget', outcome: 'exceeded' })).toBe(3);
  });
});
