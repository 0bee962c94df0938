import { defineTool } from '@switchboard/agent-kit';
import { z } from 'zod';
import { Expense, ExpenseId } from '../domain/model.js';
import { canSeeExpensesOf } from '../domain/permissions.js';
import { type FinanceToolDeps, refuse, requireCaller } from './common.js';

/** One expense by id, for its owner or someone in the owner's management line. */
export function expenseStatusTool(deps: FinanceToolDeps) {
  return defineTool({
    name: 'expense_status',
    description:
      'Status of one expense by its id (like EXP-1001): amount, category, date, and whether it is submitted, pending approval, approved, rejected or paid. Employees see their own expenses; managers those of the people who report to them.',
    input: z.strictObject({ expenseId: ExpenseId.describe('Expense id, e.g. EXP-1001') }),
    output: z.object({
      expense: Expense,
      /** Who approves it next, when it waits for approval. */
      approver: z.string().optional(),
    }),
    async run(input, ctx) {
      const me = await requireCaller(deps.store, ctx);
      const expense = await deps.store.getExpense(input.expenseId);
      if (!expense) throw refuse('invalid_request', 'not_found', `There is no expense ${input.expenseId}.`);
      const owner = await deps.store.getEmployee(expense.employee);
      const lookup = (id: string) => deps.store.getEmployee(id);
      if (!owner || !(await canSeeExpensesOf(me, owner, lookup))) {
        throw refuse(
          'unauthorized',
          'forbidden',
          `Expense ${expense.id} is not yours: you can see your own expenses and those of people who report to you.`,
        );
      }
      const approver = expense.status === 'pending_approval' ? owner.managerId : undefined;
      return { expense, ...(approver ? { approver } : {}) };
    },
  });
}
