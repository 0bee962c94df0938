import { approvalTools, type Tool } from '@switchboard/agent-kit';
import { amendExpenseTool } from '../approvals/amend-expense.js';
import { budgetStatusTool } from './budget-status.js';
import type { FinanceToolDeps } from './common.js';
import { expenseStatusTool } from './expense-status.js';
import { financeHandbookTool } from './handbook.js';
import { invoiceStatusTool } from './invoice-status.js';
import { listExpensesTool } from './list-expenses.js';
import { spendingPolicyTool } from './spending-policy.js';
import { submitExpenseTool } from './submit-expense.js';

export type { FinanceToolDeps } from './common.js';
export { expenseIdFor } from './submit-expense.js';

/** The Finance tools, bound to a store and a clock: one definition for the offline and Claude engines. */
export function financeTools(deps: FinanceToolDeps): Tool[] {
  return [
    budgetStatusTool(deps),
    submitExpenseTool(deps),
    expenseStatusTool(deps),
    listExpensesTool(deps),
    spendingPolicyTool(),
    invoiceStatusTool(deps),
    financeHandbookTool(),
    ...(deps.approvals
      ? [amendExpenseTool({ ...deps, approvals: deps.approvals }), ...approvalTools(deps.approvals)]
      : []),
  ];
}

/** The Finance tool names. */
export const FinanceToolNames = {
  budgetStatus: 'budget_status',
  submitExpense: 'submit_expense',
  expenseStatus: 'expense_status',
  listExpenses: 'list_expenses',
  spendingPolicy: 'spending_policy',
  invoiceStatus: 'invoice_status',
  handbookLookup: 'handbook_lookup',
} as const;
