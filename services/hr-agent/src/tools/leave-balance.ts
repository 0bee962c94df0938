import { defineTool } from '@switchboard/agent-kit';
import { z } from 'zod';
import { resolveLeaveAccess } from '../domain/access.js';
import { yearOf } from '../domain/calendar.js';
import { balances } from '../domain/leave.js';
import type { HrToolDeps } from './deps.js';
import { BalanceOut, EmployeeRef, PersonRef, person } from './shared.js';

const Output = z.object({
  employee: PersonRef,
  year: z.number(),
  vacation: BalanceOut,
  sick: BalanceOut,
  carriedOverDays: z.number(),
});
export type LeaveBalanceOutput = z.infer<typeof Output>;

/** Vacation and sick-day balance of the asker, or of one of their direct reports. */
export function leaveBalanceTool(deps: HrToolDeps) {
  return defineTool({
    name: 'leave_balance',
    description:
      "Vacation and sick-day balance (entitlement, taken, booked, remaining, in working days) for a calendar year. Defaults to the person asking and this year. Managers may ask for their direct reports' balances; anyone else's is refused.",
    input: z.strictObject({
      employee: EmployeeRef.optional(),
      year: z.number().int().min(2000).max(2100).optional().describe('Calendar year; defaults to this year.'),
    }),
    output: Output,
    async run(input, ctx) {
      const { target } = await resolveLeaveAccess(deps.store, ctx.userId, input.employee);
      const today = deps.today();
      const year = input.year ?? yearOf(today);
      const record = await deps.store.leave(target.id);
      const b = balances(record, year, today);
      return {
        employee: person(target),
        year,
        vacation: b.vacation,
        sick: b.sick,
        carriedOverDays: year === record.carryOverYear ? record.carriedOverDays : 0,
      };
    },
  });
}
