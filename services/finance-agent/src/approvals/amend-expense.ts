import { type ApprovalDesk, amendApproval, approvalIdFor, defineTool } from '@switchboard/agent-kit';
import { z } from 'zod';
import { Expense, ExpenseId } from '../domain/model.js';
import {
  amountProblem,
  categoryLimitProblem,
  needsReceipt,
  ReceiptThresholdUsd,
  toUsd,
} from '../domain/rules.js';
import { type FinanceToolDeps, refuse, requireCaller } from '../tools/common.js';
import { shiftCommitted } from './budget.js';
import { expenseApprovalRequest } from './expense-request.js';
import { changeExpense, readExpense } from './expense-store.js';

/**
 * The caller's expense to change: the one named, or the newest of theirs waiting for approval (found
 * through the approvals, then read by its key).
 */
async function pendingExpense(deps: AmendDeps, me: string, id: string | undefined): Promise<Expense> {
  const waiting = (await deps.approvals.store.list())
    .filter((r) => r.kind === 'expense' && r.requester === me && r.status === 'pending')
    .map((r) => r.subjectId);
  const pick = id ?? waiting[waiting.length - 1];
  const found = pick ? await readExpense(deps.store, me, pick) : null;
  if (!found) {
    throw refuse(
      'invalid_request',
      'not_found',
      id ? `You have no expense ${id}.` : 'You have no expense waiting for approval.',
    );
  }
  if (found.status !== 'pending_approval' || !found.taskId) {
    throw refuse(
      'invalid_request',
      'rule',
      `Expense ${found.id} is ${found.status}; only an expense waiting for approval can be changed.`,
    );
  }
  return found;
}

type AmendDeps = FinanceToolDeps & { approvals: ApprovalDesk };

/**
 * Changes the amount of the caller's expense while it waits for approval. The approval record gets
 * the new version first (a new digest: an approval of the old amount no longer applies and the
 * manager is asked again), then the budget's committed figure, then the expense itself.
 */
export function amendExpenseTool(deps: AmendDeps) {
  return defineTool({
    name: 'amend_expense',
    description:
      "Changes the amount of the asking employee's own expense while it waits for the manager's approval. The manager must then approve the new amount. Confirm the new amount with the employee first.",
    input: z.strictObject({
      expenseId: ExpenseId.optional().describe(
        'The expense, e.g. EXP-1A2B3C4D5E; default: the newest one waiting for approval',
      ),
      amount: z.number().positive().describe('The corrected amount, in the currency it was paid in'),
    }),
    output: z.object({ expense: Expense, approvalId: z.string(), version: z.number() }),
    async run(input, ctx) {
      const me = await requireCaller(deps.store, ctx);
      const e = await pendingExpense(deps, me.id, input.expenseId);
      const amountUsd = toUsd(input.amount, e.currency);
      const problem = amountProblem(input.amount, e.currency) ?? categoryLimitProblem(e.category, amountUsd);
      if (problem) throw refuse('invalid_request', 'rule', problem);
      if (needsReceipt(amountUsd) && !e.receipt)
        throw refuse('invalid_request', 'rule', `A receipt is required above ${ReceiptThresholdUsd} USD.`);
      const changed: Expense = { ...e, amount: input.amount, amountUsd };
      const approvalId = approvalIdFor(e.taskId!);
      const amended = await amendApproval(deps.approvals, approvalId, expenseApprovalRequest(changed));
      if (!amended.ok) {
        throw refuse(
          'invalid_request',
          'rule',
          `Expense ${e.id} can no longer be changed: its approval is ${amended.record?.status ?? 'gone'}.`,
        );
      }
      // The budget first (once per version), then the expense: a rerun finds the same old amount.
      await shiftCommitted(deps.store, e, amountUsd, `${approvalId}.v${amended.record.version}`);
      const stored = await changeExpense(deps.store, me.id, e.id, (cur) =>
        cur.status === 'pending_approval' ? { ...cur, amount: input.amount, amountUsd } : undefined,
      );
      return { expense: stored ?? changed, approvalId, version: amended.record.version };
    },
  });
}
