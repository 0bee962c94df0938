import type { ApplyApproval } from '@switchboard/agent-kit';
import type { LeaveRequest } from '../domain/schemas.js';
import type { HrStore } from '../store.js';

/**
 * HR's effect of a closed approval: the waiting leave request becomes `approved`, or `rejected`
 * (rejected by the manager, or the approval expired), which releases its days. Idempotent: a
 * request that no longer waits (decided before, or cancelled) is left alone. The result is what the
 * request really is at this revision-checked write: `withdrawn` when the employee cancelled it
 * before the decision could apply (it stays cancelled, and the notices say so, not "approved").
 */
export function applyLeaveApproval(store: HrStore): ApplyApproval {
  return async (r) => {
    if (r.kind !== 'leave') return undefined;
    return store.changeLeave(r.requester, (record) => {
      const request = record.requests.find((x) => x.id === r.subjectId);
      if (request?.status === 'cancelled') return { result: 'withdrawn' as const };
      if (request?.status !== 'pending_approval') return { result: 'applied' as const };
      const status: LeaveRequest['status'] = r.status === 'approved' ? 'approved' : 'rejected';
      const requests = record.requests.map((x) => (x.id === r.subjectId ? { ...x, status } : x));
      return { next: { ...record, requests }, result: 'applied' as const };
    });
  };
}
