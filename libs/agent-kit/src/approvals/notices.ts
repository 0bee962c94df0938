import type { ApprovalRecord } from './record.js';

const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/** "alice's expense EXP-…: 650 USD …" */
export function describeApproval(r: ApprovalRecord): string {
  return `${r.requesterName ?? r.requester}'s ${r.kind} request ${r.subjectId} (${r.request.summary})`;
}

/** What the requester is told when their request was decided or expired. */
export function requesterNotice(r: ApprovalRecord): string {
  const what = `Your ${r.kind} request ${r.subjectId} (${r.request.summary})`;
  const released =
    r.kind === 'leave' ? ' The days are back in your balance.' : ' It will not be reimbursed as it stands.';
  if (r.status === 'approved') return `${what} was approved by ${r.decidedBy}.`;
  if (r.status === 'rejected') return `${what} was rejected by ${r.decidedBy}.${released}`;
  return `${what} expired at ${day(r.expiresAt)} UTC without a decision from ${r.approver}, so it is not approved.${released} Ask again if it is still needed.`;
}

/** What the approver is told in the sessions where they saw a request that expired. */
export function approverExpiryNotice(r: ApprovalRecord): string {
  return `The approval you were asked for expired at ${day(r.expiresAt)} UTC before a decision: ${describeApproval(r)}. Nothing was approved; ${r.requesterName ?? r.requester} was told.`;
}

/**
 * What the requester is told when the request had been cancelled before the outcome could apply
 * (the employee cancelled it while the manager decided): it stays cancelled, whatever the decision.
 */
export function requesterWithdrawnNotice(r: ApprovalRecord): string {
  const what = `Your ${r.kind} request ${r.subjectId} (${r.request.summary})`;
  const decided =
    r.status === 'expired'
      ? `expired without a decision from ${r.approver}`
      : `was ${r.status} by ${r.decidedBy}`;
  const after =
    r.status === 'approved' ? ' The approval was not applied; ask again if you still need it.' : '';
  return `${what} ${decided}, but you had already cancelled it, so it stays cancelled.${after}`;
}

/** What the approver is told where they saw a request that was cancelled before their decision applied. */
export function approverWithdrawnNotice(r: ApprovalRecord): string {
  const who = r.requesterName ?? r.requester;
  return `${who} cancelled their ${r.kind} request ${r.subjectId} (${r.request.summary}) before your decision (${r.status}) took effect: it stays cancelled and nothing was applied.`;
}
