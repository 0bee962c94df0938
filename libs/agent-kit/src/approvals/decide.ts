import type { DomainEvent } from '../engine.js';
import type { ApprovalDesk } from './desk.js';
import type { ApprovalRecord } from './record.js';

/** What the approver decides. */
export type Decision = 'approved' | 'rejected';

/** The outcome of {@link decideApproval}; nothing was written unless `decided`. */
export type DecideOutcome =
  | { outcome: 'decided'; record: ApprovalRecord }
  | { outcome: 'not_found' }
  /** The caller is not the approver. */
  | { outcome: 'forbidden'; record: ApprovalRecord }
  /** The request changed since the approver saw it: `record` is the new version, to show again. */
  | { outcome: 'changed'; record: ApprovalRecord }
  /** Decided (or expired, or withdrawn) already, by someone else or earlier. */
  | { outcome: 'closed'; record: ApprovalRecord }
  /** The time to decide ran out. */
  | { outcome: 'expired'; record: ApprovalRecord };

/** The pure decision rule over one record (see {@link decideApproval}). */
export function judge(
  r: ApprovalRecord,
  d: { userId: string; decision: Decision; seenDigest: string; taskId: string; now: Date },
): { next?: ApprovalRecord; result: DecideOutcome } {
  if (r.approver !== d.userId) return { result: { outcome: 'forbidden', record: r } };
  if (r.status !== 'pending') {
    const mine = r.decisionTaskId === d.taskId && r.decidedBy === d.userId;
    return { result: { outcome: mine ? 'decided' : 'closed', record: r } };
  }
  if (Date.parse(r.expiresAt) <= d.now.getTime()) return { result: { outcome: 'expired', record: r } };
  if (r.digest !== d.seenDigest) return { result: { outcome: 'changed', record: r } };
  const next: ApprovalRecord = {
    ...r,
    status: d.decision,
    decidedBy: d.userId,
    decidedAt: d.now.toISOString(),
    decisionTaskId: d.taskId,
  };
  return { next, result: { outcome: 'decided', record: next } };
}

/**
 * Records the approver's decision, bound to the digest they saw, with a revision check: of two
 * decisions at once exactly one is written; a rerun of the deciding task finds its own decision.
 * Only `record.approver` (the verified caller) may decide; a changed request is not decided.
 */
export async function decideApproval(
  desk: ApprovalDesk,
  d: { approvalId: string; userId: string; decision: Decision; seenDigest: string; taskId: string },
): Promise<DecideOutcome> {
  const now = desk.now();
  const out = await desk.store.change(d.approvalId, (r) => judge(r, { ...d, now }));
  return out?.result ?? { outcome: 'not_found' };
}

/** Remembers that the approver was shown `digest` of the request in `sessionId`. */
export async function markShown(
  desk: ApprovalDesk,
  approvalId: string,
  sessionId: string,
  digest: string,
): Promise<void> {
  await desk.store.change(approvalId, (r) => {
    const seen = r.shown.find((v) => v.sessionId === sessionId);
    if (seen?.digest === digest) return { result: undefined };
    const view = { sessionId, digest, at: desk.now().toISOString() };
    const shown = [...r.shown.filter((v) => v.sessionId !== sessionId), view].slice(-8);
    return { next: { ...r, shown }, result: undefined };
  });
}

/** The digest of the request the approver was last shown in `sessionId`, if any. */
export function seenIn(r: ApprovalRecord, sessionId: string): string | undefined {
  return r.shown.find((v) => v.sessionId === sessionId)?.digest;
}

/** How long decided and expired approvals stay in the approver's listing: 7 days. */
const RECENT_MS = 7 * 24 * 60 * 60 * 1000;

/** The approvals of `approver`: pending ones oldest first, and up to 5 recently closed, newest first. */
export async function approvalsFor(
  desk: ApprovalDesk,
  approver: string,
): Promise<{ pending: ApprovalRecord[]; recent: ApprovalRecord[] }> {
  const now = desk.now().getTime();
  const mine = (await desk.store.list()).filter((r) => r.approver === approver);
  const pending = mine.filter((r) => r.status === 'pending' && Date.parse(r.expiresAt) > now);
  const recent = mine
    .filter((r) => !pending.includes(r) && r.status !== 'withdrawn')
    .filter((r) => now - Date.parse(r.decidedAt ?? r.expiresAt) < RECENT_MS)
    .sort((a, b) => (b.decidedAt ?? b.expiresAt).localeCompare(a.decidedAt ?? a.expiresAt))
    .slice(0, 5);
  return { pending, recent };
}

/**
 * The `approval_decided` event of a decision just recorded (`ApprovalDecidedData`): published by the
 * deciding turn on `events.<agent>.approval_decided`, it tells the owner to apply it now.
 */
export function decidedEvent(c: ApprovalRecord): DomainEvent {
  return {
    kind: 'approval_decided',
    data: {
      approvalId: c.approvalId,
      kind: c.kind,
      owner: c.owner,
      subjectId: c.subjectId,
      requester: c.requester,
      status: c.status,
      decidedBy: c.decidedBy,
      digest: c.digest,
    },
  };
}
