import type { ApplyApproval } from '@switchboard/agent-kit';
import type { FinanceStore } from '../store/finance-store.js';
import { releaseFromBudget } from './budget.js';
import { changeExpense, readExpense } from './expense-store.js';

/**
 * Finance's effect of a closed approval: the pending expense becomes `approved`, or `rejected`
 * (also when the approval expired, with a note saying so) and its amount leaves the budget's
 * committed figure. Idempotent: each step checks first (an expense no longer pending is left
 * alone; the budget releases an expense once), so it can run again after a crash.
 */
export function applyExpenseApproval(store: FinanceStore): ApplyApproval {
  return async (r) => {
    if (r.kind !== 'expense') return undefined;
    const current = await readExpense(store, r.requester, r.subjectId);
    if (r.status !== 'approved' && current && current.status !== 'approved')
      await releaseFromBudget(store, current);
    await changeExpense(store, r.requester, r.subjectId, (e) => {
      if (e.status !== 'pending_approval') return undefined;
      const approved = r.status === 'approved';
      const note =
        r.status === 'expired'
          ? `approval expired at ${r.expiresAt} without a decision from ${r.approver}`
          : `${r.status} by ${r.decidedBy} (approval ${r.approvalId})`;
      return { ...e, status: approved ? 'approved' : 'rejected', decidedBy: r.decidedBy ?? 'system', note };
    });
    return 'applied';
  };
}
