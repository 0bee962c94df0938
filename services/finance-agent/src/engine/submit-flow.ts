import { z } from 'zod';
import { Category, CategoryNames, Currency, CurrencyCodes, IsoDate } from '../domain/model.js';
import {
  ApprovalThresholdUsd,
  amountProblem,
  categoryLimitProblem,
  dateProblem,
  MaxExpenseAgeDays,
  needsApproval,
  needsReceipt,
  ReceiptThresholdUsd,
  toUsd,
} from '../domain/rules.js';
import type { Extraction } from './extract.js';
import { capitalize, listWords, money, moneyWithUsd } from './format.js';

/** The expense being put together across turns. */
export const Draft = z.object({
  amount: z.number().optional(),
  currency: Currency.optional(),
  category: Category.optional(),
  date: IsoDate.optional(),
  receipt: z.boolean().optional(),
  description: z.string().max(200).optional(),
});
export type Draft = z.infer<typeof Draft>;

/** What the engine keeps in the session while filing an expense. */
export const SubmitPending = z.object({
  flow: z.literal('submit_expense'),
  awaiting: z.enum(['amount', 'category', 'date', 'receipt', 'confirm']),
  draft: Draft,
});
export type SubmitPending = z.infer<typeof SubmitPending>;
type Slot = SubmitPending['awaiting'];

/** A complete draft, ready for the `submit_expense` tool. */
export interface ReadyDraft {
  amount: number;
  currency: Currency;
  category: Category;
  date: string;
  receipt: boolean;
  description?: string;
}

export const questions: Record<Exclude<Slot, 'confirm'>, string> = {
  amount: `How much was it, and in which currency? For example "42.50 EUR" or "$18" (I take ${listWords(CurrencyCodes)}).`,
  category: `What kind of expense is it? One of: ${listWords(CategoryNames)}.`,
  date: `When did you pay it? For example "yesterday", "on the 3rd" or a date like 2026-11-02 (within the last ${MaxExpenseAgeDays} days).`,
  receipt: `Do you have a receipt for it? Receipts are required above ${ReceiptThresholdUsd} USD. (yes / no)`,
};

function usdOf(d: Draft): number | undefined {
  return d.amount === undefined ? undefined : toUsd(d.amount, d.currency ?? 'USD');
}

/**
 * Applies what the user said to the draft, checking each value as it comes so the user hears about a
 * problem right away. Returns the problems found and whether anything was understood.
 */
export function fillDraft(
  draft: Draft,
  x: Extraction,
  awaiting: Slot | undefined,
  today: string,
): { draft: Draft; problems: string[]; changed: boolean } {
  const next: Draft = { ...draft };
  const problems: string[] = [];
  let changed = false;
  if (x.unsupportedCurrency) {
    problems.push(`I can't take ${x.unsupportedCurrency}: expenses can be in ${listWords(CurrencyCodes)}.`);
    changed = true;
  } else if (x.amount !== undefined) {
    const currency = x.currency ?? next.currency ?? 'USD';
    const problem = amountProblem(x.amount, currency);
    if (problem) problems.push(problem);
    else {
      next.amount = x.amount;
      next.currency = currency;
    }
    changed = true;
  } else if (x.currency && next.currency !== x.currency) {
    next.currency = x.currency;
    changed = true;
  }
  if (x.category && x.category !== next.category) {
    next.category = x.category;
    if (x.categoryWord && x.categoryWord !== x.category) next.description = capitalize(x.categoryWord);
    changed = true;
  }
  if (x.date) {
    const problem = dateProblem(x.date, today);
    if (problem) problems.push(problem);
    else next.date = x.date;
    changed = true;
  }
  const receiptAnswer = awaiting === 'receipt' ? (x.yes ? true : x.no ? false : x.receipt) : x.receipt;
  if (receiptAnswer !== undefined && receiptAnswer !== next.receipt) {
    next.receipt = receiptAnswer;
    changed = true;
  }
  const amountUsd = usdOf(next);
  if (next.category && amountUsd !== undefined) {
    const problem = categoryLimitProblem(next.category, amountUsd);
    if (problem) {
      problems.push(problem);
      delete next.amount;
    }
  }
  return { draft: next, problems, changed };
}

/** The first slot still missing, or `confirm`. */
export function nextSlot(d: Draft): Slot {
  if (d.amount === undefined) return 'amount';
  if (!d.category) return 'category';
  if (!d.date) return 'date';
  const amountUsd = usdOf(d) ?? 0;
  if (d.receipt === undefined && needsReceipt(amountUsd)) return 'receipt';
  return 'confirm';
}

/** The draft as the tool takes it, once complete. */
export function readyDraft(d: Draft): ReadyDraft | undefined {
  if (d.amount === undefined || !d.category || !d.date) return undefined;
  return {
    amount: d.amount,
    currency: d.currency ?? 'USD',
    category: d.category,
    date: d.date,
    receipt: d.receipt ?? false,
    ...(d.description ? { description: d.description } : {}),
  };
}

export function summary(d: ReadyDraft): string {
  const amount = moneyWithUsd(d.amount, d.currency, toUsd(d.amount, d.currency));
  return `${amount} for ${d.category}${d.description ? ` (${d.description})` : ''} on ${d.date}, receipt: ${d.receipt ? 'yes' : 'no'}`;
}

export function confirmText(d: ReadyDraft): string {
  const approval = needsApproval(toUsd(d.amount, d.currency))
    ? ` As it is over ${ApprovalThresholdUsd} USD, it will wait for your manager's approval.`
    : '';
  return `Please confirm this expense: ${summary(d)}.${approval} Shall I submit it? (yes / no)`;
}

/** What was understood so far, for the acknowledgement before the next question. */
export function ack(d: Draft): string {
  const parts: string[] = [];
  if (d.amount !== undefined) parts.push(money(d.amount, d.currency ?? 'USD'));
  if (d.category) parts.push(d.amount === undefined ? `a ${d.category} expense` : `for ${d.category}`);
  if (d.date) parts.push(`on ${d.date}`);
  return parts.length > 0 ? `Got it: ${parts.join(' ')}.` : '';
}

/** The question to ask for a slot. */
export function ask(slot: Slot, d: Draft): string {
  if (slot === 'confirm') {
    const ready = readyDraft(d);
    return ready ? confirmText(ready) : questions.amount;
  }
  return questions[slot];
}

/** Reads a stored pending value; anything unexpected counts as no pending flow. */
export function parsePending(value: unknown): SubmitPending | undefined {
  const parsed = SubmitPending.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
