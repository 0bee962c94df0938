import type { SessionStore } from '@switchboard/runtime';
import { failpoint } from '../workflows/failpoint.js';
import { appendNotice } from '../workflows/notice.js';
import type { ApprovalDesk } from './desk.js';
import {
  approverExpiryNotice,
  approverWithdrawnNotice,
  requesterNotice,
  requesterWithdrawnNotice,
} from './notices.js';
import { type ApprovalRecord, isOverdue } from './record.js';

/**
 * What applying found, from the request's real state at the owner's (revision-checked) write:
 * `applied`, the request took the outcome (or had taken it on an earlier run); `withdrawn`, the
 * requester had cancelled it first, so it stays cancelled. `undefined` counts as `applied`.
 */
export type ApplyResult = 'applied' | 'withdrawn';

/**
 * Applies a closed approval to the owner's request (approve it, reject it and release what it held).
 * Must be idempotent: it runs again after a crash, and on every instance that sees the record.
 */
export type ApplyApproval = (record: ApprovalRecord) => Promise<ApplyResult | undefined>;

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

/** The notices of one settled approval: who is told what, each under a stable notice id. */
function noticesOf(
  r: ApprovalRecord,
  effect: ApplyResult,
): { sessionId: string; id: string; text: string }[] {
  const out: { sessionId: string; id: string; text: string }[] = [];
  const withdrawn = effect === 'withdrawn';
  if (r.sessionId) {
    const text = withdrawn ? requesterWithdrawnNotice(r) : requesterNotice(r);
    out.push({ sessionId: r.sessionId, id: 'outcome', text });
  }
  // The approver heard "Approved" / "Rejected" in their own turn: tell them it did not apply.
  const approverText =
    r.status === 'expired' ? approverExpiryNotice(r) : withdrawn ? approverWithdrawnNotice(r) : undefined;
  if (approverText) {
    const tag = r.status === 'expired' ? 'expired' : 'withdrawn';
    for (const [i, view] of r.shown.entries())
      out.push({ sessionId: view.sessionId, id: `${tag}-${i}`, text: approverText });
  }
  return out;
}

/** Tells the requester, and the approver where they saw it when it expired or did not apply: each once. */
async function notify(parts: OwnerParts, r: ApprovalRecord, effect: ApplyResult): Promise<void> {
  const data = { approvalId: r.approvalId, kind: r.kind, subjectId: r.subjectId, status: r.status, effect };
  for (const n of noticesOf(r, effect)) {
    await appendNotice(parts.sessions, {
      sessionId: n.sessionId,
      noticeId: `approval-${r.approvalId}-${n.id}`,
      text: n.text,
      data,
    });
  }
}

/**
 * Brings one approval owned by this agent to its end: an overdue one is marked expired; a closed
 * one not yet applied is applied to the request, the people concerned are told what really happened
 * (a request the requester cancelled first stays cancelled, and the notices say so, not "approved"),
 * and it is marked applied with that effect. Each step is idempotent and the last is revision-checked, so the outcome is counted in
 * metrics exactly once however many instances, redeliveries and sweeps run it.
 */
export async function settleApproval(parts: OwnerParts, approvalId: string): Promise<ApprovalRecord | null> {
  const { desk } = parts;
  const r = await expireIfOverdue(desk, approvalId);
  if (!r || r.owner !== desk.agent || r.applied || r.status === 'pending' || r.status === 'withdrawn')
    return r;
  const effect = (await parts.apply(r)) ?? 'applied';
  failpoint('approval.settle.after_apply');
  await notify(parts, r, effect);
  failpoint('approval.settle.after_notify');
  const out = await desk.store.change(approvalId, (cur) =>
    cur.applied
      ? { result: cur }
      : { next: { ...cur, applied: true, appliedAt: desk.now().toISOString(), effect }, result: cur },
  );
  if (out?.written && (r.status === 'approved' || r.status === 'rejected' || r.status === 'expired')) {
    const seconds = (Date.parse(r.decidedAt ?? desk.now().toISOString()) - Date.parse(r.createdAt)) / 1000;
    desk.metrics?.workflows.inc({ flow: 'approval', outcome: r.status });
    desk.metrics?.workflowDuration.observe({ flow: 'approval', outcome: r.status }, Math.max(0, seconds));
  }
  return out?.result ?? r;
}
