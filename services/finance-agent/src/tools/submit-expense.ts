import { createHash } from 'node:crypto';
import { defineTool } from '@switchboard/agent-kit';
import type { ExpenseSubmittedData } from '@switchboard/contracts';
import { z } from 'zod';
import { openExpenseApproval } from '../approvals/open.js';
import { Category, Currency, Expense, IsoDate } from '../domain/model.js';
import {
  amountProblem,
  categoryLimitProblem,
  dateProblem,
  isoDay,
  needsApproval,
  needsReceipt,
  quarterOf,
  ReceiptThresholdUsd,
  toUsd,
} from '../domain/rules.js';
import { type FinanceToolDeps, refuse, requireCaller } from './common.js';

/**
 * The id of an expense recorded by a task: the same task and content always give the same id, so a
 * redelivered task finds its expense instead of adding a second one.
 */
export function expenseIdFor(
  taskId: string,
  e: { amount: number; currency: string; category: string; date: string },
): string {
  const digest = createHash('sha256')
    .update(`${taskId}\n${e.amount}\n${e.currency}\n${e.category}\n${e.date}`)
    .digest('hex');
  return `EXP-${digest.slice(0, 10).toUpperCase()}`;
}

export const SubmitExpenseInput = z.strictObject({
  amount: z.number().positive().describe('Amount in the currency paid, e.g. 42.5'),
  currency: Currency.default('USD').describe('Currency paid in; default USD'),
  category: Category,
  date: IsoDate.describe('Day it was paid, YYYY-MM-DD; not in the future, at most 90 days ago'),
  description: z.string().trim().max(200).optional().describe('Short business purpose'),
  receipt: z
    .boolean()
    .describe(`Whether the employee has a receipt; required above ${ReceiptThresholdUsd} USD`),
});

/** Files an expense for the asking employee (never for anyone else). */
export function submitExpenseTool(deps: FinanceToolDeps) {
  return defineTool({
    name: 'submit_expense',
    description: `Submits an expense for reimbursement for the asking employee only. Validates amount, currency (USD, EUR, GBP, CHF, JPY, CAD), category, date (not in the future, at most 90 days old), receipt (required above ${ReceiptThresholdUsd} USD) and per-category limits. Expenses above the approval threshold get status pending_approval, others submitted. Only call it after the employee has confirmed the details.`,
    input: SubmitExpenseInput,
    output: z.object({
      expense: Expense,
      /** False when this task had already recorded the expense (a rerun). */
      created: z.boolean(),
      /** Who approves it, when it needs approval. */
      approver: z.string().optional(),
      /** The approval it waits for, in the shared `approvals` bucket. */
      approvalId: z.string().optional(),
      budgetUpdated: z.boolean(),
    }),
    async run(input, ctx) {
      const me = await requireCaller(deps.store, ctx);
      const today = isoDay(deps.now());
      const problem =
        amountProblem(input.amount, input.currency) ??
        dateProblem(input.date, today) ??
        categoryLimitProblem(input.category, toUsd(input.amount, input.currency));
      if (problem) throw refuse('invalid_request', 'rule', problem);
      const amountUsd = toUsd(input.amount, input.currency);
      if (needsReceipt(amountUsd) && !input.receipt) {
        throw refuse(
          'invalid_request',
          'rule',
          `A receipt is required for expenses above ${ReceiptThresholdUsd} USD; this one is ${amountUsd} USD.`,
        );
      }
      const approval = needsApproval(amountUsd);
      const expense: Expense = {
        id: expenseIdFor(ctx.taskId, input),
        employee: me.id,
        department: me.department,
        amount: input.amount,
        currency: input.currency,
        amountUsd,
        category: input.category,
        date: input.date,
        ...(input.description ? { description: input.description } : {}),
        receipt: input.receipt,
        status: approval ? 'pending_approval' : 'submitted',
        submittedAt: deps.now().toISOString(),
        taskId: ctx.taskId,
      };
      const recorded = await deps.store.recordExpense(expense);
      const stored = recorded.expense;
      const { year, quarter } = quarterOf(stored.date);
      const budgetUpdated = await deps.store.commitToBudget({
        department: stored.department,
        year,
        quarter,
        amountUsd: stored.amountUsd,
        expenseId: stored.id,
      });
      if (!budgetUpdated)
        ctx.log.warn({ expenseId: stored.id, year, quarter }, 'no budget period to commit the expense to');
      // Emitted on reruns too: the kit publishes events with a per-task message id, so the stream
      // keeps one copy, and a rerun after a crash still gets its event out.
      ctx.emit({
        kind: 'expense_submitted',
        data: {
          expenseId: stored.id,
          employee: stored.employee,
          department: stored.department,
          amount: stored.amount,
          currency: stored.currency,
          amountUsd: stored.amountUsd,
          category: stored.category,
          date: stored.date,
          status: stored.status,
          budget: { year, quarter, committedAddedUsd: budgetUpdated ? stored.amountUsd : 0 },
        } satisfies ExpenseSubmittedData,
      });
      const approver = stored.status === 'pending_approval' ? me.managerId : undefined;
      const approvalId = approver ? await openExpenseApproval(deps, ctx, stored, me, approver) : undefined;
      return {
        ...(approvalId ? { approvalId } : {}),
        expense: stored,
        created: recorded.created,
        budgetUpdated,
        ...(approver ? { approver } : {}),
      };
    },
  });
}
