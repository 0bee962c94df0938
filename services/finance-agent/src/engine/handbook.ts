import { type HandbookLookupOutput, type HandbookOverride, handbookAnswer } from '@switchboard/agent-kit';
import { budgetEntries } from '../data/handbook/budgets.js';
import { expenseEntries } from '../data/handbook/expenses.js';
import { travelEntries } from '../data/handbook/travel.js';
import { vendorEntries } from '../data/handbook/vendors.js';
import { type Answer, helpText } from './answers.js';
import type { TurnScope } from './handlers.js';
import type { Intent } from './intents.js';

/**
 * When the finance handbook answers instead of a detected intent: below score 5 an intent is not
 * clearly about an expense, budget or invoice of record, and a policy that fits at least 0.7 answers
 * instead, unless it is about the same records (calibrated on the tune split of
 * `eval/handbook/questions.jsonl`).
 */
export const financeHandbookOverride: HandbookOverride<Intent> = {
  weakBelow: 5,
  overrideAt: 0.7,
  sameArea: {
    // "I paid 42 USD for a taxi": filing it, not the mileage or per diem rules.
    submit_expense: new Set([...expenseEntries, ...travelEntries].map((e) => e.id)),
    // The spending policy has the amounts for travel, receipts and approvals; the handbook the rest.
    spending_policy: new Set(
      [...travelEntries, ...expenseEntries.filter((e) => e.id !== 'vat-and-sales-tax')].map((e) => e.id),
    ),
    // "has my reimbursement been paid?" is about the asker's expenses, not the payment-run policy.
    expense_status: new Set(expenseEntries.map((e) => e.id)),
    list_expenses: new Set(expenseEntries.map((e) => e.id)),
    budget_status: new Set(budgetEntries.map((e) => e.id)),
    invoice_status: new Set(vendorEntries.map((e) => e.id)),
  },
};

/** Looks the turn's text up in the finance handbook; undefined when the lookup itself failed. */
export async function lookUpHandbook(s: TurnScope): Promise<HandbookLookupOutput | undefined> {
  const r = await s.call('handbook_lookup', { question: s.text.slice(0, 500) });
  return r.ok ? (r.output as HandbookLookupOutput) : undefined;
}

/**
 * Answers from the finance handbook: the best policy, cited by id, with who to contact; or, when
 * none fits, says so and names the contact (with what else the assistant does, when the question
 * could not be placed at all).
 */
export async function answerHandbook(
  s: TurnScope,
  found?: HandbookLookupOutput,
  opts: { unplaced?: boolean } = {},
): Promise<Answer> {
  const out = found ?? (await lookUpHandbook(s));
  if (!out) return { text: helpText("Sorry, I'm not sure what you need."), data: { fallback: true } };
  const a = handbookAnswer('finance', out);
  if (a.policy) return { text: a.text, data: { tool: 'handbook_lookup', policy: a.policy } };
  const more = opts.unplaced ? `\n\n${helpText('Otherwise,')}` : '';
  return {
    text: `${a.text}${more}`,
    data: { tool: 'handbook_lookup', policy: null, fallback: opts.unplaced ?? false },
  };
}
