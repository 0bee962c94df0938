import { createHash } from 'node:crypto';
import { z } from 'zod';

/** What may wait for a manager: an expense over the policy limit, or a long leave request. */
export const ApprovalKind = z.enum(['expense', 'leave']);
export type ApprovalKind = z.infer<typeof ApprovalKind>;

/**
 * `pending` until the approver decides (`approved`, `rejected`) or the time runs out (`expired`);
 * `withdrawn` when the employee cancelled the request while it waited.
 */
export const ApprovalStatus = z.enum(['pending', 'approved', 'rejected', 'expired', 'withdrawn']);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

/** The request as a manager is shown it: one line, and the fields it is made of. */
export const ApprovalRequest = z.object({
  summary: z.string().min(1).max(400),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

/** A session in which the approver was shown the request, and the version (digest) shown there. */
export const ApprovalView = z.object({ sessionId: z.string(), digest: z.string(), at: z.string() });
export type ApprovalView = z.infer<typeof ApprovalView>;

/** One approval in the `approvals` bucket, keyed by `approvalId`. */
export const ApprovalRecord = z.object({
  approvalId: z.string().regex(/^AP-[0-9A-F]{12}$/),
  kind: ApprovalKind,
  /** The agent that owns the request and applies the decision (`hr`, `finance`). */
  owner: z.string().min(1),
  /** The owner's id of the request (`EXP-…`, `LR-…`). */
  subjectId: z.string().min(1),
  requester: z.string().min(1),
  requesterName: z.string().optional(),
  approver: z.string().min(1),
  request: ApprovalRequest,
  /** sha256 of the canonical JSON of what the approver is shown (see {@link approvalDigest}). */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  /** 1, then one more each time the employee changes the request while it waits. */
  version: z.number().int().min(1),
  status: ApprovalStatus,
  /** The requester's session, told the outcome. */
  sessionId: z.string().optional(),
  taskId: z.string().min(1),
  createdAt: z.string(),
  expiresAt: z.string(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  /** The task that recorded the decision (a rerun of it finds its own decision). */
  decisionTaskId: z.string().optional(),
  /** True once the owner applied the outcome to the request and told the people concerned. */
  applied: z.boolean(),
  appliedAt: z.string().optional(),
  /**
   * What the owner found when it applied the outcome: `applied`, the request took it; `withdrawn`,
   * the requester had cancelled the request before it could (it stays cancelled, and the notices
   * say so). Absent on records applied before this field existed.
   */
  effect: z.enum(['applied', 'withdrawn']).optional(),
  /** Where the approver saw it, newest last (at most 8). */
  shown: z.array(ApprovalView),
});
export type ApprovalRecord = z.infer<typeof ApprovalRecord>;

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The digest an approval is bound to: sha256 of the canonical JSON of what the approver decides on
 * (kind, request id, requester and the request as shown). Any change to the request changes it.
 */
export function approvalDigest(
  r: Pick<ApprovalRecord, 'kind' | 'subjectId' | 'requester' | 'request'>,
): string {
  const shown = { kind: r.kind, subjectId: r.subjectId, requester: r.requester, request: r.request };
  return createHash('sha256').update(canonicalJson(shown)).digest('hex');
}

/** The approval id of the task that asked for it: a rerun of the task finds the same record. */
export function approvalIdFor(taskId: string): string {
  return `AP-${createHash('sha256').update(`approval\n${taskId}`).digest('hex').slice(0, 12).toUpperCase()}`;
}

/** True when a pending approval's time has run out at `now`. */
export function isOverdue(r: ApprovalRecord, now: Date): boolean {
  return r.status === 'pending' && Date.parse(r.expiresAt) <= now.getTime();
}
