import type { ToolContext } from '@switchboard/agent-kit';
import type { Employee, Expense } from '../domain/model.js';
import type { FinanceToolDeps } from '../tools/common.js';
import { expenseApprovalRequest } from './expense-request.js';

/**
 * Records the approval an expense over the limit waits for (once per task: a rerun finds it), in
 * the shared `approvals` bucket, for the employee's manager. Undefined without an approvals desk.
 */
export async function openExpenseApproval(
  deps: FinanceToolDeps,
  ctx: ToolContext,
  expense: Expense,
  me: Employee,
  approver: string,
): Promise<string | undefined> {
  if (!deps.approvals || !expense.taskId) return undefined;
  const { record } = await deps.approvals.open({
    kind: 'expense',
    subjectId: expense.id,
    requester: me.id,
    requesterName: me.name,
    approver,
    request: expenseApprovalRequest(expense),
    sessionId: ctx.sessionId,
    taskId: expense.taskId,
  });
  return record.approvalId;
}
