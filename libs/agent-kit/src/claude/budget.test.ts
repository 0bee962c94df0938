import { type Budget, isSwitchboardError, type SwitchboardError } from '@switchboard/contracts';
import { createAnthropicClient, createLlm, estimateInputTokens, parsePriceTable } from '@switchboard/llm';
import {
  type FakeMessagesApi,
  type FakeReply,
  type FakeStep,
  fakeText,
  fakeToolUse,
  startFakeMessagesApi,
} from '@switchboard/llm/testing';
import { createLogger, createMetrics, type Metrics, RetryPolicies } from '@switchboard/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Engine, EngineInput } from '../engine.js';
import { createToolExecutor } from '../tools/executor.js';
import { defineTool } from '../tools/types.js';
import { createClaudeEngine } from './engine.js';
import { withZeroSpend } from './zero-spend.js';

// Budgets against the real @anthropic-ai/sdk talking to the local fake Messages API.

const log = createLogger({ service: 'test', level: 'silent' });

const balanceTool = defineTool({
  name: 'lookup_balance',
  description: 'Vacation balance of the asker.',
  input: z.strictObject({}),
  output: z.object({ employee: z.string(), days: z.number() }),
  async run(_input, ctx) {
    return { employee: ctx.userId ?? 'nobody', days: 12 };
  },
});

const bookTool = defineTool({
  name: 'book_days',
  description: 'Books days off.',
  input: z.strictObject({ start: z.iso.date(), end: z.iso.date() }),
  output: z.object({ booked: z.boolean() }),
  async run(input, ctx) {
    ctx.emit({ kind: 'days_booked', data: { start: input.start, end: input.end } });
    return { booked: true };
  },
});

const offline: Engine = {
  async respond(input) {
    return { text: `offline answer to: ${input.text}`, data: { intent: 'offline-test' } };
  },
};

const input: EngineInput = {
  text: 'book me Dec 3 to Dec 5',
  userId: 'alice',
  sessionId: 's1',
  taskId: 't1',
  history: [],
};

/** A turn whose request carries `budget`. */
const ctx = (budget?: Budget) => ({
  log,
  signal: new AbortController().signal,
  message: { requestId: 'r1', ...(budget ? { budget } : {}) },
});

/** A scripted reply that reports this usage. */
function usage(reply: FakeReply, input_tokens: number, output_tokens: number): FakeReply {
  return { ...reply, body: { ...(reply.body as object), usage: { input_tokens, output_tokens } } };
}

// claude-test at $3 / $15 per million tokens.
const prices = parsePriceTable('claude-test=3/15');
const usd = (inTok: number, outTok: number) => (inTok * 3 + outTok * 15) / 1_000_000;

let api: FakeMessagesApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function setup(steps: FakeStep[]) {
  api = await startFakeMessagesApi(steps);
  const metrics = createMetrics('test', { processMetrics: false });
  const llm = createLlm({
    client: createAnthropicClient({ apiKey: 'test-key', baseURL: api.url }),
    model: 'claude-test',
    timeoutMs: 2000,
    retry: RetryPolicies.llm,
    metrics,
  });
  const executor = createToolExecutor({ agent: 'hr', tools: [balanceTool, bookTool], metrics });
  const engine = createClaudeEngine({
    llm,
    system: 'You are HR.',
    executor,
    fallback: offline,
    agent: 'hr',
    metrics,
    prices,
  });
  return { api, engine, metrics };
}

/** The spend and budget-workflow counters, as `name{labels}=value` lines with a value. */
async function spendMetrics(metrics: Metrics): Promise<string[]> {
  const out: string[] = [];
  for (const m of [metrics.llmSpendTokens, metrics.llmSpendUsd, metrics.workflows]) {
    for (const v of (await m.get()).values) {
      if (v.value === 0) continue;
      const labels = Object.entries(v.labels)
        .map(([k, l]) => `${k}=${l}`)
        .join(',');
      out.push(`${(await m.get()).name}{${labels}}=${Number(v.value.toFixed(6))}`);
    }
  }
  return out.sort();
}

describe('budgets in the Claude engine', () => {
  it('answers within a sufficient budget and reports the spend in data and metrics', async () => {
    const { api, engine, metrics } = await setup([
      usage(fakeToolUse([{ id: 'tu_1', name: 'lookup_balance', input: {} }]), 700, 40),
      usage(fakeText('You have 12 days left.'), 800, 20),
    ]);
    const r = await engine.respond(input, ctx({ tokens: 10_000, usd: 1 }));
    expect(r.text).toBe('You have 12 days left.');
    const spent = usd(1500, 60);
    expect(r.data?.spend).toEqual({
      inputTokens: 1500,
      outputTokens: 60,
      usd: spent,
      llmCalls: 2,
      left: { tokens: 10_000 - 1560, usd: 1 - spent },
    });
    expect(api.requests.map((q) => q.body.max_tokens)).toEqual([1024, 1024]);
    expect(await spendMetrics(metrics)).toEqual([
      `switchboard_llm_spend_tokens_total{agent=hr,kind=input}=1500`,
      `switchboard_llm_spend_tokens_total{agent=hr,kind=output}=60`,
      `switchboard_llm_spend_usd_total{agent=hr}=${spent}`,
      'switchboard_workflows_total{flow=budget,outcome=completed}=1',
    ]);
  });

  it('reports spend without a budget too, with nothing left to report', async () => {
    const { engine } = await setup([usage(fakeText('Hello.'), 100, 5)]);
    const r = await engine.respond(input, ctx());
    expect(r.data?.spend).toEqual({ inputTokens: 100, outputTokens: 5, usd: usd(100, 5), llmCalls: 1 });
  });

  it.each([
    ['tokens', { tokens: 300 }],
    ['dollars', { usd: 0.001 }],
    ['a zero budget', { tokens: 0 }],
  ])(
    'refuses a turn whose budget in %s cannot pay the first call: budget_exceeded, no API call',
    async (_, budget) => {
      const { api, engine, metrics } = await setup([fakeText('never sent')]);
      const err = await engine.respond(input, ctx(budget)).catch((e: unknown) => e);
      expect(isSwitchboardError(err)).toBe(true);
      const e = err as SwitchboardError;
      expect(e.code).toBe('budget_exceeded');
      expect(e.retryable).toBe(false);
      expect(e.message).toMatch(/cannot pay for the next LLM call/);
      expect(e.details).toMatchObject({ budget, spend: { llmCalls: 0, inputTokens: 0 } });
      expect(api.count()).toBe(0);
      expect(await spendMetrics(metrics)).toEqual([
        'switchboard_workflows_total{flow=budget,outcome=exceeded}=1',
      ]);
    },
  );

  it('lowers max_tokens to what is left when that still allows a useful answer', async () => {
    // The first request's estimate plus 500 tokens: the call goes out with max_tokens 500.
    const probe = await setup([fakeText('probe')]);
    await probe.engine.respond(input, ctx());
    const estimate = estimateInputTokens(probe.api.requests[0]!.body as never);
    await probe.api.close();
    const { api, engine } = await setup([usage(fakeText('Short answer.'), 600, 30)]);
    const r = await engine.respond(input, ctx({ tokens: estimate + 500 }));
    expect(r.text).toBe('Short answer.');
    expect(api.requests[0]?.body.max_tokens).toBe(500);
  });

  it('answers partially when the budget runs out after a tool round, keeping what the tools did', async () => {
    const { api, engine, metrics } = await setup([
      usage(
        fakeToolUse(
          [
            { id: 'tu_1', name: 'lookup_balance', input: {} },
            { id: 'tu_2', name: 'book_days', input: { start: '2026-12-03', end: '2026-12-05' } },
          ],
          'Checking your balance and booking.',
        ),
        2500,
        10,
      ),
      fakeText('never sent: the budget is spent'),
    ]);
    const r = await engine.respond(input, ctx({ tokens: 3000 }));
    expect(api.count()).toBe(1);
    expect(r.text).toContain('The budget of this request ran out before I could finish');
    expect(r.text).toContain('Checking your balance and booking.');
    expect(r.text).toContain('- lookup_balance: {"employee":"alice","days":12}');
    expect(r.text).toContain('- book_days: {"booked":true}');
    // The booking happened: its event is published with the partial answer.
    expect(r.events).toEqual([{ kind: 'days_booked', data: { start: '2026-12-03', end: '2026-12-05' } }]);
    expect(r.data).toMatchObject({
      engine: 'claude',
      budgetExceeded: true,
      partial: true,
      toolCalls: [
        { tool: 'lookup_balance', ok: true },
        { tool: 'book_days', ok: true },
      ],
      spend: { inputTokens: 2500, outputTokens: 10, llmCalls: 1, left: { tokens: 490 } },
    });
    expect(await spendMetrics(metrics)).toContain(
      'switchboard_workflows_total{flow=budget,outcome=exceeded}=1',
    );
  });
});

describe('withZeroSpend (the offline engine)', () => {
  it('reports zero spend, and the whole budget left when there is one', async () => {
    const engine = withZeroSpend(offline);
    const r = await engine.respond(input, ctx({ tokens: 2000, usd: 0.05 }));
    expect(r.data).toEqual({
      intent: 'offline-test',
      spend: { inputTokens: 0, outputTokens: 0, usd: 0, llmCalls: 0, left: { tokens: 2000, usd: 0.05 } },
    });
    const none = await engine.respond(input, ctx());
    expect(none.data?.spend).toEqual({ inputTokens: 0, outputTokens: 0, usd: 0, llmCalls: 0 });
  });
});
