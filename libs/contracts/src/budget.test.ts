import { describe, expect, it } from 'vitest';
import { AskRequest } from './ask.js';
import { Budget, budgetLeft, formatBudget, parseBudget, splitBudget, tighterBudget } from './budget.js';
import { readContext, writeContext } from './context.js';
import { HeaderNames } from './headers.js';

function headers(init: Record<string, string> = {}) {
  const m = new Map(Object.entries(init));
  return { get: (k: string) => m.get(k) ?? '', set: (k: string, v: string) => void m.set(k, v), m };
}

describe('Switchboard-Budget header', () => {
  it.each([
    ['tokens=2000;usd=0.05', { tokens: 2000, usd: 0.05 }],
    ['usd=0.05;tokens=2000', { tokens: 2000, usd: 0.05 }],
    [' tokens = 2000 ; usd = 0.05 ', { tokens: 2000, usd: 0.05 }],
    ['tokens=2000', { tokens: 2000 }],
    ['usd=1', { usd: 1 }],
    ['tokens=0', { tokens: 0 }],
  ])('parses %j', (value, budget) => {
    expect(parseBudget(value)).toEqual(budget);
  });

  it.each([
    '',
    'tokens',
    'tokens=',
    'tokens=-5',
    'tokens=1.5',
    'tokens=1e3',
    'tokens=0x10',
    'usd=.5',
    'usd=-0.01',
    'tokens=10;tokens=20',
    'tokens=10;cents=5',
    'Tokens=10',
    'tokens=10,usd=1',
    'tokens=10;',
    'tokens=20000000',
    'usd=5000',
    `tokens=1;${'x'.repeat(300)}`,
  ])('refuses %j', (value) => {
    expect(parseBudget(value)).toBeUndefined();
  });

  it('formats what it parses, in micro-dollars', () => {
    expect(formatBudget({ tokens: 2000, usd: 0.05 })).toBe('tokens=2000;usd=0.05');
    expect(formatBudget({ usd: 1 / 3 })).toBe('usd=0.333333');
    expect(formatBudget({ tokens: 7 })).toBe('tokens=7');
    expect(formatBudget({ usd: 0 })).toBe('usd=0');
    for (const b of [{ tokens: 2000, usd: 0.05 }, { usd: 0.000001 }, { tokens: 0 }]) {
      expect(parseBudget(formatBudget(b))).toEqual(b);
    }
  });
});

describe('the budget in the message context', () => {
  it('travels through readContext and writeContext', () => {
    const h = headers();
    writeContext(h, { requestId: 'r1', budget: { tokens: 1500, usd: 0.02 } });
    expect(h.m.get(HeaderNames.budget)).toBe('tokens=1500;usd=0.02');
    expect(readContext(h, () => 'x')).toEqual({ requestId: 'r1', budget: { tokens: 1500, usd: 0.02 } });
  });

  it('drops a malformed budget and flags it, so an edge can refuse the request', () => {
    const ctx = readContext(headers({ [HeaderNames.budget]: 'lots' }), () => 'x');
    expect(ctx.budget).toBeUndefined();
    expect(ctx.invalidBudget).toBe(true);
  });
});

describe('the budget field of a request', () => {
  it('is accepted with tokens, usd or both', () => {
    const r = AskRequest.parse({ text: 'hi', budget: { tokens: 100, usd: 0.01 } });
    expect(r.budget).toEqual({ tokens: 100, usd: 0.01 });
  });

  it.each([
    [{}],
    [{ tokens: -1 }],
    [{ tokens: 1.5 }],
    [{ usd: '0.05' }],
    [{ tokens: 10, cents: 1 }],
    [{ usd: 2000 }],
  ])('refuses %j', (budget) => {
    expect(AskRequest.safeParse({ text: 'hi', budget }).success).toBe(false);
  });
});

describe('splitBudget', () => {
  it('splits tokens exactly, the remainder to the first parts', () => {
    expect(splitBudget({ tokens: 2000 }, 2)).toEqual([{ tokens: 1000 }, { tokens: 1000 }]);
    expect(splitBudget({ tokens: 1000 }, 3)).toEqual([{ tokens: 334 }, { tokens: 333 }, { tokens: 333 }]);
    expect(splitBudget({ tokens: 1 }, 3)).toEqual([{ tokens: 1 }, { tokens: 0 }, { tokens: 0 }]);
  });

  it('splits dollars rounded down to micro-dollars, never more than the whole', () => {
    const parts = splitBudget({ tokens: 10, usd: 0.05 }, 3);
    expect(parts.map((p) => p.usd)).toEqual([0.016666, 0.016666, 0.016666]);
    expect(parts.reduce((s, p) => s + (p.usd ?? 0), 0)).toBeLessThanOrEqual(0.05);
    for (const n of [1, 2, 3, 4, 7]) {
      const ps = splitBudget({ tokens: 12_345, usd: 0.1 }, n);
      expect(ps).toHaveLength(n);
      expect(ps.reduce((s, p) => s + (p.tokens ?? 0), 0)).toBe(12_345);
      expect(ps.reduce((s, p) => s + (p.usd ?? 0), 0)).toBeLessThanOrEqual(0.1);
      for (const p of ps) expect(Budget.safeParse(p).success).toBe(true);
    }
  });

  it('keeps an absent limit absent, and returns the whole budget for one part', () => {
    expect(splitBudget({ usd: 1 }, 2)).toEqual([{ usd: 0.5 }, { usd: 0.5 }]);
    expect(splitBudget({ tokens: 99, usd: 0.3 }, 1)).toEqual([{ tokens: 99, usd: 0.3 }]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses n = %s', (n) => {
    expect(() => splitBudget({ tokens: 10 }, n)).toThrow(RangeError);
  });
});

describe('tighterBudget and budgetLeft', () => {
  it('takes the tighter limit of each kind', () => {
    expect(tighterBudget({ tokens: 100, usd: 1 }, { tokens: 50 })).toEqual({ tokens: 50, usd: 1 });
    expect(tighterBudget(undefined, { usd: 0.2 })).toEqual({ usd: 0.2 });
    expect(tighterBudget(undefined, undefined)).toBeUndefined();
  });

  it('subtracts spend, never below zero', () => {
    const spend = { inputTokens: 800, outputTokens: 300, usd: 0.0069 };
    expect(budgetLeft({ tokens: 2000, usd: 0.05 }, spend)).toEqual({ tokens: 900, usd: 0.0431 });
    expect(budgetLeft({ tokens: 1000 }, spend)).toEqual({ tokens: 0 });
    expect(budgetLeft(undefined, spend)).toBeUndefined();
  });
});
