import { defineTool, withdrawApproval } from '@switchboard/agent-kit';
import { type LeaveCancelledData, SwitchboardError } from '@switchboard/contracts';
import { z } from 'zod';
import { resolveLeaveAccess } from '../domain/access.js';
import { formatRange, yearOf } from '../domain/calendar.js';
import { balances } from '../domain/leave.js';
import { IsoDate, type LeaveRecord, type LeaveRequest } from '../domain/schemas.js';
import type { HrToolDeps } from './deps.js';
import { describeRequest } from './list-leave.js';
import { EmployeeRef, PersonRef, person, RequestOut } from './shared.js';

function find(
  record: LeaveRecord,
  input: { requestId?: string | undefined; date?: string | undefined },
): LeaveRequest | undefined {
  if (input.requestId)
    return record.requests.find((r) => r.id.toLowerCase() === input.requestId?.toLowerCase());
  const date = input.date;
  if (!date) return undefined;
  const hits = record.requests.filter((r) => r.start <= date && date <= r.end);
  return hits.find((r) => r.status === 'approved' || r.status === 'pending_approval') ?? hits[0];
}

const Output = z.object({
  status: z.literal('cancelled'),
  /** True when it was cancelled before (by another task): nothing changed now. */
  alreadyCancelled: z.boolean(),
  employee: PersonRef,
  request: RequestOut,
  remaining: z.number(),
});
export type CancelLeaveOutput = z.infer<typeof Output>;

/** Cancels an upcoming leave request; the days go back to the balance. Idempotent per task. */
export function cancelLeaveTool(deps: HrToolDeps) {
  return defineTool({
    name: 'cancel_leave',
    description:
      "Cancels an upcoming leave request (also one waiting for approval), found by its id (e.g. LR-1a2b3c4d5e, from list_leave) or by a date inside it. Leave that has started or been taken cannot be cancelled. Managers may cancel their direct reports' leave. Confirm with the user before calling.",
    input: z
      .strictObject({
        requestId: z.string().trim().min(1).max(80).optional().describe('The request id from list_leave.'),
        date: IsoDate.optional().describe('A day inside the request, YYYY-MM-DD, when the id is not known.'),
        employee: EmployeeRef.optional(),
      })
      .refine((v) => v.requestId !== undefined || v.date !== undefined, 'give requestId or date'),
    output: Output,
    async run(input, ctx) {
      const { actor, target } = await resolveLeaveAccess(deps.store, ctx.userId, input.employee);
      const today = deps.today();
      const outcome = await deps.store.changeLeave(target.id, (record) => {
        const r = find(record, input);
        if (!r) {
          throw new SwitchboardError('invalid_request', `no leave request of ${target.name} matches`, {
            details: { reason: 'unknown_request', requestId: input.requestId, date: input.date },
          });
        }
        const remaining = () => balances(record, yearOf(r.start), today)[r.type].remaining;
        if (r.status === 'cancelled') {
          return {
            result: {
              request: r,
              already: r.cancelTaskId !== ctx.taskId,
              emit: r.cancelTaskId === ctx.taskId,
              remaining: remaining(),
            },
          };
        }
        if (r.status === 'rejected') {
          throw new SwitchboardError(
            'invalid_request',
            `the leave ${formatRange(r.start, r.end, true)} was not approved; there is nothing to cancel`,
            {
              details: { reason: 'rejected', requestId: r.id },
            },
          );
        }
        if (r.start <= today) {
          throw new SwitchboardError(
            'invalid_request',
            `the leave ${formatRange(r.start, r.end, true)} has already started or been taken; ask your HR partner to correct it`,
            { details: { reason: 'already_started', requestId: r.id } },
          );
        }
        const cancelled: LeaveRequest = {
          ...r,
          status: 'cancelled',
          cancelledAt: deps.now().toISOString(),
          cancelledBy: actor.id,
          cancelTaskId: ctx.taskId,
        };
        const next = { ...record, requests: record.requests.map((x) => (x.id === r.id ? cancelled : x)) };
        return {
          next,
          result: {
            request: cancelled,
            already: false,
            emit: true,
            remaining: balances(next, yearOf(r.start), today)[r.type].remaining,
          },
        };
      });
      const r = outcome.request;
      // A request that waited for approval: the approval is withdrawn, nothing is left to decide.
      if (r.approvalId && deps.approvals) await withdrawApproval(deps.approvals, r.approvalId, actor.id);
      if (outcome.emit) {
        ctx.emit({
          kind: 'leave_cancelled',
          data: {
            requestId: r.id,
            employeeId: target.id,
            cancelledBy: r.cancelledBy ?? actor.id,
            type: r.type,
            start: r.start,
            end: r.end,
            days: r.days,
          } satisfies LeaveCancelledData,
        });
      }
      return {
        status: 'cancelled' as const,
        alreadyCancelled: outcome.already,
        employee: person(target),
        request: describeRequest(r, today),
        remaining: outcome.remaining,
      };
    },
  });
}
