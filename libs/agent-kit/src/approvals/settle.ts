import type { SessionStore } from '@switchboard/runtime';
import { failpoint } from '../workflows/failpoint.js';
import { appendNotice } from '../workflows/notice.js';
import type { ApprovalDesk } from './desk.js';
import { approverExpiryNotice, requesterNotice } from './notices.js';
import { type ApprovalRecord, isOverdue } from './record.js';

/**
 * Applies a closed approval to the owner's request (approve it, reject it and release what it held).
 * Must be idempotent: it runs again after a crash, and on every instance that sees the record.
 */
export type ApplyApproval = (record: ApprovalRecord) => Promise<void>;

/** What the owner needs to settle approvals. */
export interface OwnerParts {
  desk: ApprovalDesk;
  sessions: SessionStore;
  apply: ApplyApproval;
}

/** Marks an overdue pending approval expired (revision-checked); the record as it now is. */
async function expireIfOverdue(desk: ApprovalDesk, approvalId: string): Promise<ApprovalRecord | null> {
  const out = await desk.store.change(approvalId, (r) => {
    if (!isOverdue(r, desk.now())) return { result: r };
    const next: ApprovalRecord = {
      ...r,
      status: 'expired',
      decidedBy: 'system',
      decidedAt: desk.now().toISOString(),
    };
    return { next, result: next };
  });
  return out?.result ?? null;
}

/** Tells the requester, and on expiry the approver where they saw it: each notice once. */
async function notify(parts: OwnerParts, r: ApprovalRecord): Promise<void> {
  const data = { approvalId: r.approvalId, kind: r.kind, subjectId: r.subjectId, status: r.status };
  if (r.sessionId) {
    await appendNotice(parts.sessions, {
      sessionId: r.sessionId,
      noticeId: `approval-${r.approvalId}-outcome`,
      text: requesterNotice(r),
      data,
    });
  }
  if (r.status !== 'expired') return;
  for (const [i, view] of r.shown.entries()) {
    await appendNotice(parts.sessions, {
      sessionId: view.sessionId,
      noticeId: `approval-${r.approvalId}-expired-${i}`,
      text: approverExpiryNotice(r),
      data,
    });
  }
}

/**
 * Brings one approval owned by this agent to its end: an overdue one is marked expired; a closed
 * one not yet applied is applied to the request, the people concerned are told, and it is marked
 * applied. Each step is idempotent and the last is revision-checked, so the outcome is counted in
 * metrics exactly once however many instances, redeliveries and sweeps run it.
 */
export async function settleApproval(parts: OwnerParts, approvalId: string): Promise<ApprovalRecord | null> {
  const { desk } = parts;
  const r = await expireIfOverdue(desk, approvalId);
  if (!r || r.owner !== desk.agent || r.applied || r.status === 'pending' || r.status === 'withdrawn')
    return r;
  await parts.apply(r);
  failpoint('approval.settle.after_apply');
  await notify(parts, r);
  failpoint('approval.settle.after_notify');
  const out = await desk.store.change(approvalId, (cur) =>
    cur.applied
      ? { result: cur }
      : { next: { ...cur, applied: true, appliedAt: desk.now().toISOString() }, result: cur },
  );
  if (out?.written && (r.status === 'approved' || r.status === 'rejected' || r.status === 'expired')) {
    const seconds = (Date.parse(r.decidedAt ?? desk.now().toISOString()) - Date.parse(r.createdAt)) / 1000;
    desk.metrics?.workflows.inc({ flow: 'approval', outcome: r.status });
    desk.metrics?.workflowDuration.observe({ flow: 'approval', outcome: r.status }, Math.max(0, seconds));
  }
  return out?.result ?? r;
}
