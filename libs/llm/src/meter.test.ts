import { describe, expect, it } from 'vitest';
import { createBudgetMeter, estimateInputTokens } from './meter.js';
import { costOf, DefaultPrices, parsePriceTable, priceOf } from './prices.js';

const request = (chars: number, maxTokens = 1024) => ({
  max_tokens: maxTokens,
  system: 'x'.repeat(chars),
  messages: [{ role: 'user' as const, content: 'hi' }],
});

describe('the price table', () => {
  it('prices a model by its longest matching prefix, an unknown one as the most expensive', () => {
    expect(priceOf('claude-sonnet-4-6')).toEqual({ input: 3, output: 15 });
    expect(priceOf('claude-opus-4-5-20251101')).toEqual({ input: 5, output: 25 });
    expect(priceOf('claude-opus-4-1-20250805')).toEqual({ input: 15, output: 75 });
    expect(priceOf('some-other-model')).toEqual(DefaultPrices['*']);
  });

  it('takes overrides from LLM_PRICES and refuses a malformed entry', () => {
    const t = parsePriceTable(' claude-test = 2/8 , claude-sonnet-4=1.5/7.5');
    expect(priceOf('claude-test', t)).toEqual({ input: 2, output: 8 });
    expect(priceOf('claude-sonnet-4-6', t)).toEqual({ input: 1.5, output: 7.5 });
    expect(priceOf('claude-haiku-4-5', t)).toEqual({ input: 1, output: 5 });
    expect(parsePriceTable(undefined)).toEqual(DefaultPrices);
    expect(() => parsePriceTable('claude-test=2')).toThrow(/LLM_PRICES/);
    expect(() => parsePriceTable('claude-test=-1/2')).toThrow(/LLM_PRICES/);
  });

  it('prices cache writes at 1.25 and reads at 0.1 times the input price', () => {
    const usd = costOf(
      {
        input_tokens: 1000,
        output_tokens: 100,
        cache_creation_input_tokens: 1000,
        cache_read_input_tokens: 1000,
      },
      { input: 3, output: 15 },
    );
    expect(usd).toBeCloseTo((1000 * 3 + 1250 * 3 + 100 * 3 + 100 * 15) / 1e6, 12);
  });
});

describe('the budget meter', () => {
  it('estimates input high: a token per 3 characters plus framing', () => {
    expect(estimateInputTokens(request(3000))).toBeGreaterThanOrEqual(1000);
    const withTools = { ...request(0), tools: [{ name: 't', input_schema: { type: 'object' as const } }] };
    expect(estimateInputTokens(withTools) - estimateInputTokens(request(0))).toBeGreaterThan(350);
  });

  it('lets every call through without a budget, and counts the spend', () => {
    const m = createBudgetMeter({ model: 'claude-sonnet-4-6' });
    expect(m.plan(request(100))).toEqual({ ok: true, maxTokens: 1024 });
    m.record({ input_tokens: 1000, output_tokens: 200 });
    expect(m.spend()).toEqual({ inputTokens: 1000, outputTokens: 200, usd: 0.006, llmCalls: 1 });
    expect(m.left()).toBeUndefined();
  });

  it('lowers max_tokens to what is left, and refuses below the smallest useful answer', () => {
    const est = estimateInputTokens(request(300));
    const m = createBudgetMeter({ model: 'claude-sonnet-4-6', budget: { tokens: est + 600 } });
    expect(m.plan(request(300))).toEqual({ ok: true, maxTokens: 600 });
    m.record({ input_tokens: 300, output_tokens: 100 });
    const plan = m.plan(request(300));
    expect(plan).toMatchObject({ ok: false, need: { tokens: est + 256 }, left: { tokens: est + 200 } });
  });

  it('checks dollars with the model price', () => {
    // Sonnet: $3 input, $15 output per MTok. $0.01 pays ~1000 input and ~460 output tokens.
    const m = createBudgetMeter({ model: 'claude-sonnet-4-6', budget: { usd: 0.01 } });
    const plan = m.plan(request(3000));
    expect(plan.ok).toBe(true);
    if (plan.ok) expect(plan.maxTokens).toBeLessThan(1024);
    const tight = createBudgetMeter({ model: 'claude-sonnet-4-6', budget: { usd: 0.001 } });
    expect(tight.plan(request(3000)).ok).toBe(false);
  });
});
