import type { ToolContext } from '@switchboard/agent-kit';
import { workingDays } from '../domain/calendar.js';
import { ApprovalAboveDays } from '../domain/leave.js';
import type { Employee, Holiday, LeaveRequest, LeaveType } from '../domain/schemas.js';
import type { HrToolDeps } from '../tools/deps.js';
import { leaveApprovalRequest } from './leave-request.js';

/**
 * Who must approve this leave, or undefined when it is booked at once: vacation longer than
 * {@link ApprovalAboveDays} working days waits for the employee's manager (from the directory),
 * unless that manager is the one booking it, or approvals are not set up.
 */
export function approverOf(
  deps: HrToolDeps,
  l: {
    actor: Employee;
    target: Employee;
    type: LeaveType;
    start: string;
    end: string;
    holidays: readonly Holiday[];
  },
): string | undefined {
  if (!deps.approvals || l.type !== 'vacation') return undefined;
  const days = workingDays(l.start, l.end, new Set(l.holidays.map((h) => h.date))).length;
  if (days <= ApprovalAboveDays) return undefined;
  const manager = l.target.managerId;
  return manager && manager !== l.actor.id ? manager : undefined;
}

/** Records the approval a pending leave request waits for (once per task: a rerun finds it). */
export async function openLeaveApproval(
  deps: HrToolDeps,
  ctx: ToolContext,
  l: { request: LeaveRequest; target: Employee; approver: string | undefined },
): Promise<{ approver?: string; approvalId?: string }> {
  if (!deps.approvals || !l.approver || l.request.status !== 'pending_approval') return {};
  const { record } = await deps.approvals.open({
    kind: 'leave',
    subjectId: l.request.id,
    requester: l.target.id,
    requesterName: l.target.name,
    approver: l.approver,
    request: leaveApprovalRequest(l.request),
    sessionId: ctx.sessionId,
    taskId: l.request.taskId,
  });
  return { approver: record.approver, approvalId: record.approvalId };
}
