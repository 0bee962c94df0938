import type { ApplyApproval } from '@switchboard/agent-kit';
import type { LeaveRequest } from '../domain/schemas.js';
import type { HrStore } from '../store.js';

/**
 * HR's effect of a closed approval: the waiting leave request becomes `approved`, or `rejected`
 * (rejected by the manager, or the approval expired), which releases its days. Idempotent: a
 * request that no longer waits (decided before, or cancelled) is left alone.
 */
export function applyLeaveApproval(store: HrStore): ApplyApproval {
  return async (r) => {
    if (r.kind !== 'leave') return;
    await store.changeLeave(r.requester, (record) => {
      const request = record.requests.find((x) => x.id === r.subjectId);
      if (request?.status !== 'pending_approval') return { result: undefined };
      const status: LeaveRequest['status'] = r.status === 'approved' ? 'approved' : 'rejected';
      const requests = record.requests.map((x) => (x.id === r.subjectId ? { ...x, status } : x));
      return { next: { ...record, requests }, result: undefined };
    });
  };
}
