import type { EngineResult } from '@switchboard/agent-kit';
import { addDays, formatDay, formatRange, isWeekend, yearOf } from '../../domain/calendar.js';
import type { CompanyHolidaysOutput } from '../../tools/company-holidays.js';
import type { LeaveBalanceOutput } from '../../tools/leave-balance.js';
import type { RequestLeaveOutput } from '../../tools/request-leave.js';
import { daysWord, explainError, isDateProblem, whose } from '../replies.js';
import type { BookPending, HrTurn } from '../turn.js';

const EXAMPLES = '"Dec 3-5", "next Monday", "the 3rd to the 5th of next month" or "2026-12-03 to 2026-12-05"';

/** The last day of a leave of `n` working days starting on `start`. */
async function endAfterWorkingDays(turn: HrTurn, start: string, n: number): Promise<string> {
  const r = await turn.tool('company_holidays', { year: yearOf(start) });
  const off = new Set(r.ok ? (r.output as CompanyHolidaysOutput).holidays.map((h) => h.date) : []);
  let day = start;
  let counted = 0;
  for (let i = 0; i < 366; i++, day = addDays(day, 1)) {
    if (!isWeekend(day) && !off.has(day)) counted++;
    if (counted >= n) return day;
  }
  return day;
}

function kindWords(type: 'vacation' | 'sick'): string {
  return type === 'sick' ? 'sick leave' : 'vacation';
}

/**
 * Booking leave with slot filling: who it is for (checked first, so a refused request never asks
 * for dates), which dates (asked until given), a preview to confirm, then the booking.
 */
export async function bookLeave(
  turn: HrTurn,
  state: Omit<BookPending, 'flow' | 'step'>,
): Promise<EngineResult> {
  const who = state.employee ? { employee: state.employee } : {};
  const balance = await turn.tool('leave_balance', who);
  if (!balance.ok) return turn.reply(explainError(balance.error, turn.today), 'request_leave');
  const b = balance.output as LeaveBalanceOutput;
  const forOther = b.employee.id !== turn.selfId;

  let start = state.start;
  if (!start && state.type === 'sick') start = turn.today;
  if (!start) {
    const left = state.type === 'sick' ? b.sick.remaining : b.vacation.remaining;
    const length = state.durationDays ? ` for ${daysWord(state.durationDays)}` : '';
    const owner = forOther ? `${b.employee.name} has` : 'You have';
    return turn.reply(
      `${owner} ${left} ${state.type} days left for ${b.year}. Which dates would you like to book${length}? For example ${EXAMPLES}.`,
      'request_leave',
      { pending: { flow: 'book', step: 'dates', ...state } },
    );
  }
  const end =
    state.end ?? (state.durationDays ? await endAfterWorkingDays(turn, start, state.durationDays) : start);
  const preview = await turn.tool('request_leave', { start, end, type: state.type, confirm: false, ...who });
  if (!preview.ok) {
    const why = explainError(preview.error, turn.today);
    if (!isDateProblem(preview.error)) return turn.reply(why, 'request_leave');
    return turn.reply(`${why} Which dates would you like instead?`, 'request_leave', {
      pending: { flow: 'book', step: 'dates', type: state.type, ...who },
    });
  }
  const p = preview.output as RequestLeaveOutput;
  const skipped = p.holidaysSkipped.length
    ? ` (${p.holidaysSkipped.map((h) => `${formatDay(h.date)} is ${h.name}`).join(', ')} — not counted)`
    : '';
  const owner = whose(p.employee, turn.selfId);
  const what =
    state.type === 'sick' && p.start === p.end
      ? `record a sick day for ${forOther ? `${p.employee.name} ` : ''}${p.start === turn.today ? 'today, ' : 'on '}${formatDay(p.start, true)}`
      : `book ${owner} ${kindWords(state.type)} for ${formatRange(p.start, p.end, true)}, ${daysWord(p.workingDays)}${skipped}`;
  const after = `${forOther ? `${p.employee.name} will` : 'You will'} then have ${p.remainingAfter} ${state.type} days left.`;
  return turn.reply(`Shall I ${what}? ${after} Please reply yes or no.`, 'request_leave', {
    data: { preview: p },
    pending: { flow: 'book', step: 'confirm', type: state.type, start: p.start, end: p.end, ...who },
  });
}

/** The user said yes to a preview: book it. */
export async function confirmBooking(turn: HrTurn, state: BookPending): Promise<EngineResult> {
  const who = state.employee ? { employee: state.employee } : {};
  const r = await turn.tool('request_leave', {
    start: state.start,
    end: state.end,
    type: state.type,
    confirm: true,
    ...who,
  });
  if (!r.ok) {
    const why = explainError(r.error, turn.today);
    if (!isDateProblem(r.error)) return turn.reply(why, 'request_leave');
    return turn.reply(`${why} Nothing was booked. Which dates would you like instead?`, 'request_leave', {
      pending: { flow: 'book', step: 'dates', type: state.type, ...who },
    });
  }
  const o = r.output as RequestLeaveOutput;
  const range = formatRange(o.start, o.end, true);
  const subject = whose(o.employee, turn.selfId);
  const lead =
    o.status === 'pending_approval'
      ? `Requested: ${subject} vacation for ${range} (${daysWord(o.workingDays)}, request ${o.requestId}) is longer than ten working days, so it waits for ${o.approver}'s approval. The days are held for it meanwhile; you will be told here when ${o.approver} decides.`
      : o.type === 'sick'
        ? `Recorded: ${subject} sick leave for ${range} (${daysWord(o.workingDays)}, ${o.requestId}). Get well soon — please also tell your manager before 10:00 on each sick day.`
        : `Done: ${subject} vacation for ${range} is booked (${daysWord(o.workingDays)}, request ${o.requestId}).`;
  const left = `${o.employee.id === turn.selfId ? 'You have' : `${o.employee.name} has`} ${o.remainingAfter} ${o.type} days left for ${yearOf(o.start)}.`;
  return turn.reply(`${lead} ${left}`, 'request_leave', {
    data: {
      requestId: o.requestId,
      employee: o.employee.id,
      type: o.type,
      start: o.start,
      end: o.end,
      days: o.workingDays,
      status: o.status,
      ...(o.approvalId ? { approvalId: o.approvalId, approver: o.approver } : {}),
    },
  });
}
