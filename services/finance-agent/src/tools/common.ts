import type { ApprovalDesk, ToolContext } from '@switchboard/agent-kit';
import { SwitchboardError } from '@switchboard/contracts';
import type { Employee } from '../domain/model.js';
import type { FinanceStore } from '../store/finance-store.js';

/** What every Finance tool is built with. */
export interface FinanceToolDeps {
  store: FinanceStore;
  /** The clock: "today", the current quarter, overdue invoices. */
  now: () => Date;
  /** The shared approvals: an expense over the limit waits there for the manager (absent: it is only marked). */
  approvals?: ApprovalDesk | undefined;
}

/** Why a tool refused, carried in `details.reason` so an engine can word its answer. */
export type RefusalReason = 'unknown_user' | 'forbidden' | 'not_found' | 'rule';

export function refuse(
  code: 'unauthorized' | 'invalid_request',
  reason: RefusalReason,
  message: string,
): SwitchboardError {
  return new SwitchboardError(code, message, { details: { reason } });
}

/** The employee asking, from the task (never from the text); refuses when unknown. */
export async function requireCaller(store: FinanceStore, ctx: ToolContext): Promise<Employee> {
  if (!ctx.userId) {
    throw refuse(
      'unauthorized',
      'unknown_user',
      'I do not know who is asking: send the request with your userId.',
    );
  }
  const me = await store.getEmployee(ctx.userId);
  if (!me)
    throw refuse('unauthorized', 'unknown_user', `${ctx.userId} is not in the Finance employee directory.`);
  return me;
}
