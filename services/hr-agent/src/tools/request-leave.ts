import { approvalIdFor, defineTool } from '@switchboard/agent-kit';
import type { LeaveRequestedData } from '@switchboard/contracts';
import { z } from 'zod';
import { approverOf, openLeaveApproval } from '../approvals/open.js';
import { resolveLeaveAccess } from '../domain/access.js';
import { isWeekend, workingDays, yearOf } from '../domain/calendar.js';
import { balances, planLeave, requestId } from '../domain/leave.js';
import { IsoDate, type LeaveRequest, LeaveType } from '../domain/schemas.js';
import type { HrToolDeps } from './deps.js';
import { EmployeeRef, PersonRef, person } from './shared.js';

const Output = z.object({
  /**
   * `preview`: checked, nothing stored; `booked`: stored (or found stored by this task);
   * `pending_approval`: stored, its days held, waiting for `approver`.
   */
  status: z.enum(['preview', 'booked', 'pending_approval']),
  approver: z.string().optional(),
  approvalId: z.string().optional(),
  requestId: z.string().optional(),
  /** True when this task had booked it already (a rerun): nothing changed now. */
  alreadyBooked: z.boolean(),
  employee: PersonRef,
  type: LeaveType,
  start: z.string(),
  end: z.string(),
  workingDays: z.number(),
  dates: z.array(z.string()),
  holidaysSkipped: z.array(z.object({ date: z.string(), name: z.string() })),
  remainingBefore: z.number(),
  remainingAfter: z.number(),
});

export type RequestLeaveOutput = z.infer<typeof Output>;

/**
 * Checks and books leave. Without `confirm` it only checks and previews (nothing is stored); with
 * `confirm: true` it books, keyed by the task id so a rerun of the same task books once.
 */
export function requestLeaveTool(deps: HrToolDeps) {
  return defineTool({
    name: 'request_leave',
    description:
      'Checks and books vacation or sick leave for a date range (dates YYYY-MM-DD, both included). Rules: not in the past, start <= end, within one calendar year, within the balance, no overlap with other leave; weekends and company holidays are not counted. First call it with confirm=false to get a preview, tell the user the dates and working days, and call again with confirm=true only after the user agreed. Managers may book for their direct reports.',
    input: z.strictObject({
      start: IsoDate.describe('First day of leave, YYYY-MM-DD.'),
      end: IsoDate.optional().describe('Last day of leave, YYYY-MM-DD; defaults to start (one day).'),
      type: LeaveType.default('vacation').describe('vacation (default) or sick.'),
      employee: EmployeeRef.optional(),
      note: z.string().max(200).optional().describe('Optional note for the manager.'),
      confirm: z
        .boolean()
        .default(false)
        .describe(
          'false (default): check and preview only; true: book it (only after the user agreed to the preview).',
        ),
    }),
    output: Output,
    async run(input, ctx): Promise<z.infer<typeof Output>> {
      const { actor, target } = await resolveLeaveAccess(deps.store, ctx.userId, input.employee);
      const today = deps.today();
      const { start, type } = input;
      const end = input.end ?? start;
      const holidays = (await deps.store.holidays(yearOf(start))).holidays;
      const base = { employee: person(target), type, start, end };
      if (!input.confirm) {
        const plan = planLeave({
          record: await deps.store.leave(target.id),
          type,
          start,
          end,
          today,
          holidays,
        });
        return {
          ...base,
          status: 'preview',
          alreadyBooked: false,
          workingDays: plan.dates.length,
          dates: plan.dates,
          holidaysSkipped: plan.holidaysSkipped,
          remainingBefore: plan.remainingBefore,
          remainingAfter: plan.remainingAfter,
        };
      }
      const id = requestId(ctx.taskId, target.id, type, start, end);
      const approver = approverOf(deps, { actor, target, type, start, end, holidays });
      const outcome = await deps.store.changeLeave(target.id, (record) => {
        const existing = record.requests.find((r) => r.id === id);
        if (existing) {
          const remaining = balances(record, yearOf(start), today)[type].remaining;
          return {
            result: {
              request: existing,
              already: true,
              remainingBefore: remaining + existing.days,
              remainingAfter: remaining,
            },
          };
        }
        const plan = planLeave({ record, type, start, end, today, holidays });
        const request: LeaveRequest = {
          id,
          type,
          start,
          end,
          days: plan.dates.length,
          status: approver ? 'pending_approval' : 'approved',
          ...(approver ? { approvalId: approvalIdFor(ctx.taskId) } : {}),
          requestedBy: actor.id,
          taskId: ctx.taskId,
          createdAt: deps.now().toISOString(),
          ...(input.note ? { note: input.note } : {}),
        };
        return {
          next: { ...record, requests: [...record.requests, request] },
          result: {
            request,
            already: false,
            remainingBefore: plan.remainingBefore,
            remainingAfter: plan.remainingAfter,
          },
        };
      });
      const r = outcome.request;
      const approval = await openLeaveApproval(deps, ctx, { request: r, target, approver });
      ctx.emit({
        kind: 'leave_requested',
        data: {
          requestId: r.id,
          employeeId: target.id,
          requestedBy: r.requestedBy,
          type: r.type,
          start: r.start,
          end: r.end,
          days: r.days,
        } satisfies LeaveRequestedData,
      });
      const inRange = holidays.filter((h) => h.date >= r.start && h.date <= r.end);
      return {
        ...base,
        status: r.status === 'pending_approval' ? 'pending_approval' : 'booked',
        ...approval,
        requestId: r.id,
        alreadyBooked: outcome.already,
        workingDays: r.days,
        dates: workingDays(r.start, r.end, new Set(holidays.map((h) => h.date))),
        holidaysSkipped: inRange.filter((h) => !isWeekend(h.date)),
        remainingBefore: outcome.remainingBefore,
        remainingAfter: outcome.remainingAfter,
      };
    },
  });
}
