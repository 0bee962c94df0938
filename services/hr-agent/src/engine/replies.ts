import type { ToolResult } from '@switchboard/agent-kit';
import { formatDay, formatRange } from '../domain/calendar.js';
import type { LeaveBalanceOutput } from '../tools/leave-balance.js';
import type { RequestOut } from '../tools/shared.js';

/** A failed tool call's error. */
export type ToolError = Extract<ToolResult, { ok: false }>['error'];

/** What the offline engine can do, for help and fallback answers. */
export const CAPABILITIES = [
  'your leave balance — "how many vacation days do I have left?"',
  'booking leave — "book Dec 3-5", "I need next Monday off", "I\'m sick today"',
  'your leave requests — "show my leave requests"',
  'cancelling leave — "cancel my leave on Dec 3"',
  'company holidays — "when are the company holidays this year?"',
  'the HR handbook — benefits, pay and payslips, notice periods, probation, reviews and promotions, conduct and complaints, hiring and referrals, onboarding, remote work, every kind of leave',
  'the directory — "who is my manager?", "who is my HR partner?", "who manages marketing?"',
];

export function helpText(intro = 'I can help you with:'): string {
  return `${intro}\n${CAPABILITIES.map((c) => `• ${c}`).join('\n')}`;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function reasonOf(error: ToolError): string | undefined {
  const d = error.details;
  return typeof d === 'object' && d !== null && 'reason' in d
    ? String((d as { reason: unknown }).reason)
    : undefined;
}

/** True for refusals that another set of dates could fix (the engine asks again). */
export function isDateProblem(error: ToolError): boolean {
  return [
    'past_dates',
    'reversed_dates',
    'insufficient_balance',
    'overlap',
    'no_working_days',
    'crosses_year',
    'too_long',
  ].includes(reasonOf(error) ?? '');
}

/** A tool refusal in words a person understands, never hiding that nothing was changed. */
export function explainError(error: ToolError, today: string): string {
  const reason = reasonOf(error);
  const d = (error.details ?? {}) as Record<string, unknown>;
  switch (reason) {
    case 'no_user':
      return 'I don\'t know who you are, so I can\'t look up personal HR data. Please send your employee id with the request (for example `{"text": "...", "userId": "alice"}`).';
    case 'unknown_user':
      return `I can't find an employee record for "${String(d.userId)}", so I can't look up or change any leave. Please check your employee id, or ask your HR partner to add you to the directory.`;
    case 'not_permitted':
      return `Sorry, I can't do that: ${error.message}. I haven't looked at or changed anything.`;
    case 'unknown_employee':
      return `I couldn't find anyone called "${String(d.employee)}" in the directory.`;
    case 'past_dates':
      return `${formatDay(String(d.start), true)} is in the past — leave can only be booked from today (${formatDay(today, true)}).`;
    case 'reversed_dates':
      return `The start date (${formatDay(String(d.start), true)}) is after the end date (${formatDay(String(d.end), true)}).`;
    case 'insufficient_balance':
      return `That would be ${String(d.requested)} working days, but only ${String(d.remaining)} ${String(d.type)} days are left for that year.`;
    case 'overlap': {
      const c = d.conflict as { id: string; type: string; start: string; end: string } | undefined;
      return c
        ? `That overlaps ${c.type} already booked for ${formatRange(c.start, c.end, true)} (${c.id}).`
        : `${capitalise(error.message)}.`;
    }
    default:
      if (error.code === 'tool_failed' || error.code === 'tool_timeout') {
        return 'Something went wrong on my side while looking that up. Please try again in a moment.';
      }
      return `${capitalise(error.message)}.`;
  }
}

/** "You have" or "Alice Martin has". */
export function whoHas(subject: { id: string; name: string }, selfId: string | undefined): string {
  return subject.id === selfId ? 'You have' : `${subject.name} has`;
}

/** "your" or "Alice Martin's". */
export function whose(subject: { id: string; name: string }, selfId: string | undefined): string {
  return subject.id === selfId ? 'your' : `${subject.name}'s`;
}

export function balanceText(
  b: LeaveBalanceOutput,
  selfId: string | undefined,
  focus: 'vacation' | 'sick' | 'both',
): string {
  const v = b.vacation;
  const carried = b.carriedOverDays > 0 ? ` including ${b.carriedOverDays} carried over from last year` : '';
  const vacation = `${whoHas(b.employee, selfId)} ${v.remaining} vacation days left for ${b.year} (of ${v.entitlement}${carried}; ${v.taken} taken, ${v.booked} booked).`;
  const sick = `Sick days: ${b.sick.remaining} of ${b.sick.entitlement} left${b.sick.taken + b.sick.booked > 0 ? ` (${b.sick.taken + b.sick.booked} used)` : ''}.`;
  if (focus === 'sick') {
    return `${whoHas(b.employee, selfId)} ${b.sick.remaining} of ${b.sick.entitlement} paid sick days left for ${b.year}. A doctor's note is needed from the 4th consecutive sick day.`;
  }
  return focus === 'vacation' ? vacation : `${vacation} ${sick}`;
}

/** One request as a list line: `vacation Mon 3 – Wed 5 Dec 2026 (3 days, upcoming) — LR-…`. */
export function requestLine(r: RequestOut): string {
  const state =
    r.state === 'in_progress'
      ? 'in progress'
      : r.state === 'awaiting_approval'
        ? 'waiting for approval'
        : r.state;
  return `${r.type} ${formatRange(r.start, r.end, true)} (${r.days} working day${r.days === 1 ? '' : 's'}, ${state}) — ${r.id}`;
}

export function daysWord(n: number): string {
  return `${n} working day${n === 1 ? '' : 's'}`;
}
