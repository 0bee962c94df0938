import type { ApprovalRequest } from '@switchboard/agent-kit';
import type { Expense } from '../domain/model.js';

/** An expense as its approver is shown it (what the approval's digest covers). */
export function expenseApprovalRequest(e: Expense): ApprovalRequest {
  const about = e.description ? ` — "${e.description}"` : '';
  const usd = e.currency === 'USD' ? '' : ` (${e.amountUsd} USD)`;
  return {
    summary: `${e.amount} ${e.currency}${usd} for ${e.category} on ${e.date}${about}`,
    details: {
      expenseId: e.id,
      amount: e.amount,
      currency: e.currency,
      amountUsd: e.amountUsd,
      category: e.category,
      date: e.date,
      receipt: e.receipt,
      ...(e.description ? { description: e.description } : {}),
    },
  };
}
