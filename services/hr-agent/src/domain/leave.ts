import { createHash } from 'node:crypto';
import { SwitchboardError } from '@switchboard/contracts';
import { daysBetween, formatRange, isWeekend, overlaps, workingDays, yearOf } from './calendar.js';
import type { Holiday, LeaveRecord, LeaveRequest, LeaveType } from './schemas.js';

/** Longest range one request may span, in calendar days. */
export const MAX_REQUEST_SPAN_DAYS = 60;

/** A leave type's numbers for one year, in working days. */
export interface Balance {
  entitlement: number;
  /** Taken already (ended before today). */
  taken: number;
  /** Approved (or held while waiting for approval) and not yet over. */
  booked: number;
  remaining: number;
}

/** Vacation longer than this many working days waits for the manager's approval. */
export const ApprovalAboveDays = 10;

/** Requests that count against the balance: approved ones, and those waiting for approval (held). */
const active = (r: LeaveRequest) => r.status === 'approved' || r.status === 'pending_approval';

/** Vacation and sick balances of a record for `year`, as of `today`. */
export function balances(record: LeaveRecord, year: number, today: string): Record<LeaveType, Balance> {
  const sum = (type: LeaveType, pred: (r: LeaveRequest) => boolean) =>
    record.requests
      .filter((r) => active(r) && r.type === type && yearOf(r.start) === year && pred(r))
      .reduce((n, r) => n + r.days, 0);
  const one = (type: LeaveType, entitlement: number): Balance => {
    const taken = sum(type, (r) => r.end < today);
    const booked = sum(type, (r) => r.end >= today);
    return { entitlement, taken, booked, remaining: entitlement - taken - booked };
  };
  return {
    vacation: one(
      'vacation',
      record.annualDays + (year === record.carryOverYear ? record.carriedOverDays : 0),
    ),
    sick: one('sick', record.sickDays),
  };
}

/** A refusal of a leave request, with a stable reason for engines to explain. */
function refuse(reason: string, message: string, details: Record<string, unknown> = {}): never {
  throw new SwitchboardError('invalid_request', message, { details: { reason, ...details } });
}

/** The id of the request a task makes: the same task asking the same thing gets the same id. */
export function requestId(
  taskId: string,
  employeeId: string,
  type: LeaveType,
  start: string,
  end: string,
): string {
  const h = createHash('sha256').update(`${taskId}|${employeeId}|${type}|${start}|${end}`).digest('hex');
  return `LR-${h.slice(0, 10)}`;
}

/** A checked leave request, ready to book. */
export interface LeavePlan {
  type: LeaveType;
  start: string;
  end: string;
  /** The working days taken. */
  dates: string[];
  /** Company holidays inside the range, not counted. */
  holidaysSkipped: Holiday[];
  remainingBefore: number;
  remainingAfter: number;
}

/**
 * Checks a new request against the rules: real range (start ≤ end, not in the past, one calendar
 * year, at most {@link MAX_REQUEST_SPAN_DAYS}), at least one working day, within the balance, and
 * no overlap with the employee's other requests (`ignoreId`: the request itself, on a rerun).
 */
export function planLeave(opts: {
  record: LeaveRecord;
  type: LeaveType;
  start: string;
  end: string;
  today: string;
  holidays: readonly Holiday[];
  ignoreId?: string;
}): LeavePlan {
  const { record, type, start, end, today } = opts;
  if (start > end)
    refuse('reversed_dates', `the start date ${start} is after the end date ${end}`, { start, end });
  if (start < today)
    refuse('past_dates', `${start} is in the past; leave can only be booked from today (${today})`, {
      start,
      today,
    });
  if (yearOf(start) !== yearOf(end)) {
    refuse(
      'crosses_year',
      'a request must stay within one calendar year; book the days in each year separately',
      { start, end },
    );
  }
  if (daysBetween(start, end) + 1 > MAX_REQUEST_SPAN_DAYS) {
    refuse('too_long', `one request may span at most ${MAX_REQUEST_SPAN_DAYS} calendar days`, { start, end });
  }
  const inRange = opts.holidays.filter((h) => h.date >= start && h.date <= end);
  const dates = workingDays(start, end, new Set(opts.holidays.map((h) => h.date)));
  if (dates.length === 0) {
    refuse(
      'no_working_days',
      `${formatRange(start, end, true)} has no working days (weekends and company holidays are free)`,
      {
        start,
        end,
      },
    );
  }
  const clash = opts.record.requests.find(
    (r) => active(r) && r.id !== opts.ignoreId && overlaps(r, { start, end }),
  );
  if (clash) {
    refuse(
      'overlap',
      `this overlaps the ${clash.type} already booked for ${formatRange(clash.start, clash.end, true)} (${clash.id})`,
      {
        conflict: { id: clash.id, type: clash.type, start: clash.start, end: clash.end },
      },
    );
  }
  const balance = balances(record, yearOf(start), today)[type];
  if (dates.length > balance.remaining) {
    refuse(
      'insufficient_balance',
      `that is ${dates.length} working days but only ${balance.remaining} ${type} days are left for ${yearOf(start)}`,
      { requested: dates.length, remaining: balance.remaining, type },
    );
  }
  return {
    type,
    start,
    end,
    dates,
    holidaysSkipped: inRange.filter((h) => !isWeekend(h.date)),
    remainingBefore: balance.remaining,
    remainingAfter: balance.remaining - dates.length,
  };
}
