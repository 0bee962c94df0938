import {
  type AgentEngineDeps,
  createApprovalDesk,
  type Engine,
  startApprovalOwner,
  withApprovals,
} from '@switchboard/agent-kit';
import type { HrEngineParts } from '../engine/index.js';
import { applyLeaveApproval } from './apply.js';

export { applyLeaveApproval } from './apply.js';
export { leaveApprovalRequest } from './leave-request.js';
export { approverOf, openLeaveApproval } from './open.js';

/** HR's approvals desk over the shared `approvals` bucket (`APPROVAL_TTL_MS`, `APPROVAL_SWEEP_MS`). */
export function createHrApprovalDesk(deps: AgentEngineDeps) {
  return createApprovalDesk({
    agent: 'hr',
    kv: deps.buckets.approvals,
    log: deps.log,
    metrics: deps.metrics,
  });
}

/**
 * Starts HR's side of the approval flow and puts the approvals conversation in front of its engine:
 * managers list and decide approvals of every kind here; HR, as owner of leave requests, applies
 * decisions on them and expires the overdue ones (a consumer of `events.*.approval_decided` and a
 * sweeper, stopped on SIGTERM).
 */
export async function startHrApprovals(
  deps: AgentEngineDeps,
  desk: ReturnType<typeof createHrApprovalDesk>,
  parts: HrEngineParts,
): Promise<Engine> {
  const owner = await startApprovalOwner({
    desk,
    sessions: deps.sessions,
    apply: applyLeaveApproval(parts.store),
    js: deps.js,
    jsm: deps.jsm,
  });
  deps.onStop(() => owner.stop());
  return withApprovals(parts.engine, desk);
}
