import { defineTool } from '@switchboard/agent-kit';
import { z } from 'zod';
import { EmployeeId, Expense, ExpenseStatus, IsoDate } from '../domain/model.js';
import { canSeeExpensesOf } from '../domain/permissions.js';
import { roundMoney } from '../domain/rules.js';
import { type FinanceToolDeps, refuse, requireCaller } from './common.js';

/** An employee's expenses, newest first, for themselves or their manager. */
export function listExpensesTool(deps: FinanceToolDeps) {
  return defineTool({
    name: 'list_expenses',
    description:
      "Lists an employee's expenses, newest first, optionally filtered by status and by date. Without an employee, the asking employee's own. Another employee's expenses only for their manager.",
    input: z.strictObject({
      employee: EmployeeId.optional().describe('Employee id, e.g. alice; omit for the asking employee'),
      status: z.array(ExpenseStatus).min(1).optional().describe('Only these statuses'),
      since: IsoDate.optional().describe('Only expenses dated on or after this day, YYYY-MM-DD'),
    }),
    output: z.object({
      employee: EmployeeId,
      expenses: z.array(Expense),
      count: z.number(),
      totalUsd: z.number(),
    }),
    async run(input, ctx) {
      const me = await requireCaller(deps.store, ctx);
      const ownerId = input.employee ?? me.id;
      const owner = ownerId === me.id ? me : await deps.store.getEmployee(ownerId);
      if (!owner) throw refuse('invalid_request', 'not_found', `There is no employee ${ownerId}.`);
      if (!(await canSeeExpensesOf(me, owner, (id) => deps.store.getEmployee(id)))) {
        throw refuse(
          'unauthorized',
          'forbidden',
          `You can't see ${owner.id}'s expenses: only your own and those of people who report to you.`,
        );
      }
      const expenses = (await deps.store.listExpenses(owner.id)).filter(
        (e) => (!input.status || input.status.includes(e.status)) && (!input.since || e.date >= input.since),
      );
      const totalUsd = roundMoney(expenses.reduce((n, e) => n + e.amountUsd, 0));
      return { employee: owner.id, expenses, count: expenses.length, totalUsd };
    },
  });
}
