import type { ApprovalRequest } from '@switchboard/agent-kit';
import { formatRange } from '../domain/calendar.js';
import type { LeaveRequest } from '../domain/schemas.js';

/** A leave request as its approver is shown it (what the approval's digest covers). */
export function leaveApprovalRequest(r: LeaveRequest): ApprovalRequest {
  return {
    summary: `${r.type} ${formatRange(r.start, r.end, true)}, ${r.days} working days`,
    details: {
      requestId: r.id,
      type: r.type,
      start: r.start,
      end: r.end,
      days: r.days,
      ...(r.note ? { note: r.note } : {}),
    },
  };
}
