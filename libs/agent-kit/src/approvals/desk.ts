import type { KV } from '@nats-io/kv';
import type { Logger, Metrics } from '@switchboard/runtime';
import { type ApprovalSettings, approvalSettings } from './config.js';
import {
  type ApprovalKind,
  type ApprovalRecord,
  type ApprovalRequest,
  approvalDigest,
  approvalIdFor,
} from './record.js';
import { type ApprovalStore, createApprovalStore } from './store.js';

/** What an owner asks approval for (from a tool, inside the turn that made the request). */
export interface ApprovalAsk {
  kind: ApprovalKind;
  subjectId: string;
  requester: string;
  requesterName?: string;
  approver: string;
  request: ApprovalRequest;
  /** The requester's session (told the outcome) and the task that made the request. */
  sessionId?: string | undefined;
  taskId: string;
}

/** One agent's access to the shared approvals: open, change, withdraw, list, decide. */
export interface ApprovalDesk {
  readonly agent: string;
  readonly store: ApprovalStore;
  readonly settings: ApprovalSettings;
  readonly log: Logger;
  readonly metrics: Metrics | undefined;
  now(): Date;
  /** Records a pending approval, once per task (`created: false` on a rerun). */
  open(ask: ApprovalAsk): Promise<{ record: ApprovalRecord; created: boolean }>;
}

/** Builds an agent's {@link ApprovalDesk} over the `approvals` bucket. */
export function createApprovalDesk(opts: {
  agent: string;
  kv: KV;
  log: Logger;
  metrics?: Metrics | undefined;
  now?: () => Date;
  settings?: ApprovalSettings;
}): ApprovalDesk {
  const store = createApprovalStore(opts.kv);
  const now = opts.now ?? (() => new Date());
  const settings = opts.settings ?? approvalSettings();
  return {
    agent: opts.agent,
    store,
    settings,
    log: opts.log,
    metrics: opts.metrics,
    now,
    async open(ask) {
      const at = now();
      const record = newRecord(opts.agent, ask, at, settings.ttlMs);
      const created = await store.create(record);
      if (created) {
        opts.metrics?.workflows.inc({ flow: 'approval', outcome: 'started' });
        return { record, created };
      }
      const existing = await store.get(record.approvalId);
      return { record: existing?.record ?? record, created: false };
    },
  };
}

function newRecord(owner: string, ask: ApprovalAsk, at: Date, ttlMs: number): ApprovalRecord {
  const base = {
    kind: ask.kind,
    subjectId: ask.subjectId,
    requester: ask.requester,
    request: ask.request,
  };
  return {
    approvalId: approvalIdFor(ask.taskId),
    owner,
    ...base,
    ...(ask.requesterName ? { requesterName: ask.requesterName } : {}),
    approver: ask.approver,
    digest: approvalDigest(base),
    version: 1,
    status: 'pending',
    ...(ask.sessionId ? { sessionId: ask.sessionId } : {}),
    taskId: ask.taskId,
    createdAt: at.toISOString(),
    expiresAt: new Date(at.getTime() + ttlMs).toISOString(),
    applied: false,
    shown: [],
  };
}

/** Why a pending request cannot be changed or withdrawn any more. */
export type ChangeRefusal = 'not_pending' | 'no_approval';

/** The outcome of {@link amendApproval}. */
export type AmendOutcome =
  | { ok: true; record: ApprovalRecord }
  | { ok: false; why: ChangeRefusal; record?: ApprovalRecord };

/**
 * The employee changed a pending request: the record gets the new version (new digest), so an
 * approval given for the old one no longer applies. Refused unless it is still pending.
 */
export async function amendApproval(
  desk: ApprovalDesk,
  approvalId: string,
  request: ApprovalRequest,
): Promise<AmendOutcome> {
  const out = await desk.store.change<AmendOutcome>(approvalId, (r) => {
    if (r.status !== 'pending' || Date.parse(r.expiresAt) <= desk.now().getTime())
      return { result: { ok: false, why: 'not_pending', record: r } };
    const digest = approvalDigest({ ...r, request });
    if (digest === r.digest) return { result: { ok: true, record: r } };
    const next = { ...r, request, digest, version: r.version + 1 };
    return { next, result: { ok: true, record: next } };
  });
  return out?.result ?? { ok: false, why: 'no_approval' };
}

/** The employee withdrew a pending request (cancelled it): nothing is left to decide or apply. */
export async function withdrawApproval(desk: ApprovalDesk, approvalId: string, by: string): Promise<boolean> {
  let ended: ApprovalRecord | undefined;
  const out = await desk.store.change(approvalId, (r) => {
    if (r.status !== 'pending') return { result: r.status === 'withdrawn' };
    const at = desk.now().toISOString();
    const next: ApprovalRecord = {
      ...r,
      status: 'withdrawn',
      decidedBy: by,
      decidedAt: at,
      applied: true,
      appliedAt: at,
    };
    ended = next;
    return { next, result: true };
  });
  // A withdrawal ends the flow as surely as a decision does: counted once, by the write that made it.
  if (out?.written && ended) {
    const seconds = (Date.parse(ended.decidedAt ?? '') - Date.parse(ended.createdAt)) / 1000;
    desk.metrics?.workflows.inc({ flow: 'approval', outcome: 'withdrawn' });
    desk.metrics?.workflowDuration.observe({ flow: 'approval', outcome: 'withdrawn' }, Math.max(0, seconds));
  }
  return out?.result ?? false;
}
