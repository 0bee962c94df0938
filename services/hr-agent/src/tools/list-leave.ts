import { defineTool } from '@switchboard/agent-kit';
import { z } from 'zod';
import { resolveLeaveAccess } from '../domain/access.js';
import type { LeaveRequest } from '../domain/schemas.js';
import type { HrToolDeps } from './deps.js';
import { EmployeeRef, PersonRef, person, RequestOut } from './shared.js';

/** A stored request as tools show it, with its state relative to today. */
export function describeRequest(r: LeaveRequest, today: string): RequestOut {
  const state =
    r.status === 'cancelled'
      ? 'cancelled'
      : r.status === 'rejected'
        ? 'rejected'
        : r.status === 'pending_approval'
          ? 'awaiting_approval'
          : r.end < today
            ? 'taken'
            : r.start <= today
              ? 'in_progress'
              : 'upcoming';
  return {
    id: r.id,
    type: r.type,
    start: r.start,
    end: r.end,
    days: r.days,
    status: r.status,
    state,
    requestedBy: r.requestedBy,
    ...(r.note ? { note: r.note } : {}),
  };
}

const Output = z.object({ employee: PersonRef, today: z.string(), requests: z.array(RequestOut) });
export type ListLeaveOutput = z.infer<typeof Output>;

/** The leave requests of the asker or of one of their direct reports, oldest first. */
export function listLeaveTool(deps: HrToolDeps) {
  return defineTool({
    name: 'list_leave',
    description:
      "Lists leave requests (vacation and sick) with their ids, dates, working days and state (upcoming, in_progress, taken, cancelled, awaiting_approval: waiting for the manager, rejected). Defaults to the person asking; managers may list their direct reports' requests.",
    input: z.strictObject({
      employee: EmployeeRef.optional(),
      upcomingOnly: z.boolean().default(false).describe('Only leave that has not ended yet.'),
      includeCancelled: z.boolean().default(false).describe('Include cancelled and rejected requests.'),
    }),
    output: Output,
    async run(input, ctx) {
      const { target } = await resolveLeaveAccess(deps.store, ctx.userId, input.employee);
      const today = deps.today();
      const record = await deps.store.leave(target.id);
      const requests = record.requests
        .filter((r) => input.includeCancelled || (r.status !== 'cancelled' && r.status !== 'rejected'))
        .filter((r) => !input.upcomingOnly || r.end >= today)
        .sort((a, b) => a.start.localeCompare(b.start))
        .map((r) => describeRequest(r, today));
      return { employee: person(target), today, requests };
    },
  });
}
