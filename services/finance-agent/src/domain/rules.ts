import type { Category, Currency, Quarter } from './model.js';

/** Fixed demo exchange rates: 1 unit of the currency in USD. */
export const FxToUsd: Readonly<Record<Currency, number>> = {
  USD: 1,
  EUR: 1.08,
  GBP: 1.27,
  CHF: 1.13,
  JPY: 0.0067,
  CAD: 0.73,
};

/** A receipt is required above this amount (USD equivalent). */
export const ReceiptThresholdUsd = 25;
/** Above this amount (USD equivalent) an expense waits for the manager's approval. */
export const ApprovalThresholdUsd = 500;
/** Above this amount (USD equivalent) an expense needs a director's approval as well. */
export const DirectorApprovalUsd = 5000;
/** A single expense above this (USD equivalent) is refused: that is a purchase order, or a typo. */
export const MaxExpenseUsd = 10_000;
/** Expenses older than this many days are no longer accepted. */
export const MaxExpenseAgeDays = 90;

/** The most one expense of a category may be (USD equivalent). */
export const CategoryLimitsUsd: Readonly<Record<Category, number>> = {
  travel: 5000,
  meals: 500,
  lodging: 3000,
  taxi: 200,
  transport: 800,
  equipment: 2500,
  software: 1500,
  training: 4000,
  office: 300,
};

export function roundMoney(n: number): number {
  return Math.round(n * 100) / 100;
}

export function toUsd(amount: number, currency: Currency): number {
  return roundMoney(amount * FxToUsd[currency]);
}

/** `YYYY-MM-DD` of `d` in UTC. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(day: string, n: number): string {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000));
}

export function quarterOf(day: string): { year: string; quarter: Quarter } {
  const month = Number(day.slice(5, 7));
  return { year: day.slice(0, 4), quarter: `Q${Math.ceil(month / 3)}` as Quarter };
}

/** Why an amount is refused, or undefined when it is acceptable. */
export function amountProblem(amount: number, currency: Currency): string | undefined {
  if (!Number.isFinite(amount) || amount <= 0) return 'The amount must be more than zero.';
  if (Math.abs(Math.round(amount * 100) - amount * 100) > 1e-6) {
    return 'The amount can have at most two decimals.';
  }
  const usd = toUsd(amount, currency);
  if (usd > MaxExpenseUsd) {
    const about = currency === 'USD' ? '' : ` (about ${usd.toLocaleString('en-US')} USD)`;
    return `${amount.toLocaleString('en-US')} ${currency}${about} is more than the ${MaxExpenseUsd.toLocaleString('en-US')} USD a single expense may be; larger purchases need a purchase order through Finance.`;
  }
  return undefined;
}

/** Why a category/amount combination is refused, or undefined. */
export function categoryLimitProblem(category: Category, amountUsd: number): string | undefined {
  const limit = CategoryLimitsUsd[category];
  if (amountUsd > limit) {
    return `A single ${category} expense may be at most ${limit.toLocaleString('en-US')} USD; this one is ${amountUsd.toLocaleString('en-US')} USD.`;
  }
  return undefined;
}

/** Why an expense date is refused, or undefined. */
export function dateProblem(date: string, today: string): string | undefined {
  if (Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return `${date} is not a valid date.`;
  if (date > today)
    return `The date ${date} is in the future; expenses can only be filed after they are paid.`;
  if (daysBetween(date, today) > MaxExpenseAgeDays) {
    return `The date ${date} is more than ${MaxExpenseAgeDays} days ago; such expenses can no longer be filed.`;
  }
  return undefined;
}

export function needsReceipt(amountUsd: number): boolean {
  return amountUsd > ReceiptThresholdUsd;
}

export function needsApproval(amountUsd: number): boolean {
  return amountUsd > ApprovalThresholdUsd;
}
