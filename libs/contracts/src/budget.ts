import { z } from 'zod';

/** Largest accepted limits: a bigger number is a mistake, and is refused like any malformed budget. */
export const BudgetLimits = { maxTokens: 10_000_000, maxUsd: 1000 } as const;

/**
 * How much LLM work a request may cause, across every hop and every LLM call it leads to. The time
 * part of a budget is the deadline, which travels on its own (`Switchboard-Deadline`). Each limit is
 * optional; an absent limit is unlimited. A limit of 0 allows no LLM call at all (the offline
 * engines spend nothing and still answer).
 *
 * On the wire: the header `Switchboard-Budget: tokens=2000;usd=0.05` (see {@link formatBudget},
 * {@link parseBudget}), or the `budget` field of an ask request (`{"tokens":2000,"usd":0.05}`).
 */
export const Budget = z
  .strictObject({
    /** LLM tokens, input plus output, over every call of the request. Integer, 0 to 10,000,000. */
    tokens: z.number().int().min(0).max(BudgetLimits.maxTokens).optional(),
    /** Cost in US dollars over every call, priced by the price table. 0 to 1,000. */
    usd: z.number().min(0).max(BudgetLimits.maxUsd).optional(),
  })
  .refine((b) => b.tokens !== undefined || b.usd !== undefined, {
    message: 'a budget needs tokens or usd',
  });
export type Budget = z.infer<typeof Budget>;

/** What a request's LLM calls spent, reported in a reply's `data.spend`. */
export const Spend = z.strictObject({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  /** Priced with the engine's price table, US dollars. */
  usd: z.number().min(0),
  /** Messages API calls made (0 for the offline engine). */
  llmCalls: z.number().int().min(0),
  /** What is left of the request's budget after this turn; absent without a budget. */
  left: z.strictObject({ tokens: z.number().optional(), usd: z.number().optional() }).optional(),
});
export type Spend = z.infer<typeof Spend>;

/** Nothing spent. */
export function noSpend(): Spend {
  return { inputTokens: 0, outputTokens: 0, usd: 0, llmCalls: 0 };
}

/** USD amounts are kept to micro-dollars, so sums and splits never grow by float noise. */
const USD_SCALE = 1_000_000;
function floorUsd(usd: number): number {
  return Math.floor(usd * USD_SCALE + 1e-6) / USD_SCALE;
}

const NUMBER = /^(?:0|[1-9]\d{0,15})(?:\.\d{1,9})?$/;

/**
 * Parses a `Switchboard-Budget` header: `key=value` pairs separated by `;`, keys `tokens` (integer)
 * and `usd` (decimal), each at most once, spaces around parts allowed, at least one key. Anything
 * else (an unknown key, a negative or non-decimal number, a limit over {@link BudgetLimits}) is
 * malformed: `undefined`.
 */
export function parseBudget(value: string | undefined | null): Budget | undefined {
  if (!value || value.length > 200) return undefined;
  const out: Record<string, number> = {};
  for (const part of value.split(';')) {
    const m = /^\s*([a-z]+)\s*=\s*([^\s;]+)\s*$/.exec(part);
    if (!m || !NUMBER.test(m[2]!) || m[1]! in out) return undefined;
    if (m[1] !== 'tokens' && m[1] !== 'usd') return undefined;
    out[m[1]] = Number(m[2]);
  }
  const parsed = Budget.safeParse(out);
  return parsed.success ? parsed.data : undefined;
}

/** Writes a budget as a `Switchboard-Budget` header value, e.g. `tokens=2000;usd=0.05`. */
export function formatBudget(budget: Budget): string {
  const parts: string[] = [];
  if (budget.tokens !== undefined) parts.push(`tokens=${Math.floor(budget.tokens)}`);
  if (budget.usd !== undefined) parts.push(`usd=${formatUsd(budget.usd)}`);
  return parts.join(';');
}

function formatUsd(usd: number): string {
  return floorUsd(usd)
    .toFixed(6)
    .replace(/\.?0+$/, '');
}

/**
 * Divides a budget into `n` equal parts, one per part of a scatter-gather: tokens as integers (the
 * remainder goes to the first parts), dollars rounded down to micro-dollars, so the parts never add
 * up to more than the whole. An absent limit stays absent in every part. `n` must be an integer >= 1.
 */
export function splitBudget(budget: Budget, n: number): Budget[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`splitBudget: n must be an integer >= 1, got ${n}`);
  return Array.from({ length: n }, (_, i) => {
    const part: Budget = {};
    if (budget.tokens !== undefined) {
      const base = Math.floor(budget.tokens / n);
      part.tokens = base + (i < budget.tokens - base * n ? 1 : 0);
    }
    if (budget.usd !== undefined) part.usd = floorUsd(budget.usd / n);
    return part;
  });
}

/** The tighter of two budgets, limit by limit (a header and a body budget on the same request). */
export function tighterBudget(a: Budget | undefined, b: Budget | undefined): Budget | undefined {
  if (!a || !b) return a ?? b;
  const out: Budget = {};
  const tokens = minDefined(a.tokens, b.tokens);
  const usd = minDefined(a.usd, b.usd);
  if (tokens !== undefined) out.tokens = tokens;
  if (usd !== undefined) out.usd = usd;
  return out;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** What is left of `budget` after `spend` (never below 0); `undefined` without a budget. */
export function budgetLeft(
  budget: Budget | undefined,
  spend: Pick<Spend, 'inputTokens' | 'outputTokens' | 'usd'>,
): Budget | undefined {
  if (!budget) return undefined;
  const left: Budget = {};
  if (budget.tokens !== undefined) {
    left.tokens = Math.max(0, budget.tokens - spend.inputTokens - spend.outputTokens);
  }
  if (budget.usd !== undefined) left.usd = Math.max(0, floorUsd(budget.usd - spend.usd));
  return left;
}
