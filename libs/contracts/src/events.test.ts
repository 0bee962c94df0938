import { describe, expect, it } from 'vitest';
import { SwitchboardError } from './errors.js';
import { EventData, parseEvent, type SwitchboardEvent } from './events.js';

const at = '2026-11-21T10:00:00.000Z';
const envelope = { at, agent: 'hr', sessionId: 's1', taskId: 't1', userId: 'alice' };

/** A valid event of `type` with `data`. */
const event = (type: string, data?: Record<string, unknown>): Record<string, unknown> => ({
  eventId: `t1.${type}`,
  type,
  ...envelope,
  ...(data === undefined ? {} : { data }),
});

/** The refusal `fn` throws: its code and the paths of its zod issues. */
const refusal = (fn: () => unknown): { code: string; paths: string[] } => {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof SwitchboardError)) return { code: 'not typed', paths: [] };
    const details = err.details as { path: string }[];
    return { code: err.code, paths: details.map((d) => d.path) };
  }
  return { code: 'no error', paths: [] };
};

const leaveRequested = {
  requestId: 'LR-1a2b3c4d5e',
  employeeId: 'alice',
  requestedBy: 'bob',
  type: 'vacation',
  start: '2026-12-07',
  end: '2026-12-09',
  days: 3,
};
const leaveCancelled = {
  requestId: 'LR-seed-bob-1',
  employeeId: 'bob',
  cancelledBy: 'bob',
  type: 'sick',
  start: '2026-12-07',
  end: '2026-12-07',
  days: 1,
};
const expenseSubmitted = {
  expenseId: 'EXP-1A2B3C4D5E',
  employee: 'alice',
  department: 'engineering',
  amount: 42.5,
  currency: 'EUR',
  amountUsd: 46.33,
  category: 'taxi',
  date: '2026-11-20',
  status: 'pending_approval',
  budget: { year: '2026', quarter: 'Q4', committedAddedUsd: 46.33 },
};

const valid: [string, Record<string, unknown>][] = [
  ['hr.leave_requested', leaveRequested],
  ['hr.leave_cancelled', leaveCancelled],
  ['finance.expense_submitted', expenseSubmitted],
  ['finance.expense_submitted', { ...expenseSubmitted, status: 'submitted', amountUsd: 0 }],
  [
    'finance.expense_submitted',
    { ...expenseSubmitted, budget: { year: '2026', quarter: 'Q1', committedAddedUsd: 0 } },
  ],
];

/** Each case (type, data, path) is refused as `invalid_request` with one issue, at `path`. */
function expectRefusals(cases: [string, Record<string, unknown>, string][]): void {
  for (const [type, data, path] of cases) {
    expect(
      refusal(() => parseEvent(event(type, data))),
      `${type} ${path}`,
    ).toEqual({
      code: 'invalid_request',
      paths: [path],
    });
  }
}

describe('parseEvent', () => {
  it('has a data contract for each event type published today', () => {
    // Domain events only: a turn is recorded by its session write (the sessions bucket's change
    // feed, `TurnRecorded`), no longer as `task.answered` or `session.ended`.
    expect(Object.keys(EventData).sort()).toEqual([
      'finance.approval_decided',
      'finance.expense_submitted',
      'finance.onboarding_failed',
      'finance.onboarding_funded',
      'hr.approval_decided',
      'hr.employee_created',
      'hr.employee_onboarding_cancelled',
      'hr.employee_onboarding_completed',
      'hr.leave_cancelled',
      'hr.leave_requested',
    ]);
  });

  it.each(valid)('accepts a valid %s event', (type, data) => {
    const ev = event(type, data);
    const parsed: SwitchboardEvent = parseEvent(ev);
    expect(parsed).toEqual(ev);
  });

  it('refuses a known type without data', () => {
    for (const type of Object.keys(EventData)) {
      expect(refusal(() => parseEvent(event(type)))).toEqual({ code: 'invalid_request', paths: ['data'] });
    }
  });

  it('refuses a known type with a missing data field', () => {
    const { days: _days, ...noDays } = leaveRequested;
    expect(refusal(() => parseEvent(event('hr.leave_requested', noDays)))).toEqual({
      code: 'invalid_request',
      paths: ['data.days'],
    });
    const { budget: _budget, ...noBudget } = expenseSubmitted;
    expect(refusal(() => parseEvent(event('finance.expense_submitted', noBudget))).paths).toEqual([
      'data.budget',
    ]);
    const { cancelledBy: _by, ...noCancelledBy } = leaveCancelled;
    expect(refusal(() => parseEvent(event('hr.leave_cancelled', noCancelledBy))).paths).toEqual([
      'data.cancelledBy',
    ]);
  });

  it('refuses a known type with a wrongly typed data field', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['hr.leave_requested', { ...leaveRequested, employeeId: 42 }, 'data.employeeId'],
      ['hr.leave_cancelled', { ...leaveCancelled, type: 'unpaid' }, 'data.type'],
      ['hr.leave_requested', { ...leaveRequested, type: 'holiday' }, 'data.type'],
      ['hr.leave_requested', { ...leaveRequested, start: '2026-02-30' }, 'data.start'],
      ['hr.leave_requested', { ...leaveRequested, days: 1.5 }, 'data.days'],
      ['hr.leave_requested', { ...leaveRequested, requestedBy: 'not a user' }, 'data.requestedBy'],
      ['hr.leave_cancelled', { ...leaveCancelled, days: -1 }, 'data.days'],
      ['hr.leave_cancelled', { ...leaveCancelled, end: '07/12/2026' }, 'data.end'],
      ['hr.leave_cancelled', { ...leaveCancelled, requestId: '' }, 'data.requestId'],
      ['finance.expense_submitted', { ...expenseSubmitted, currency: 'BTC' }, 'data.currency'],
      ['finance.expense_submitted', { ...expenseSubmitted, category: 'party' }, 'data.category'],
      ['finance.expense_submitted', { ...expenseSubmitted, status: 'lost' }, 'data.status'],
      ['finance.expense_submitted', { ...expenseSubmitted, amount: 0 }, 'data.amount'],
      ['finance.expense_submitted', { ...expenseSubmitted, amount: '42' }, 'data.amount'],
      ['finance.expense_submitted', { ...expenseSubmitted, expenseId: 'X-1' }, 'data.expenseId'],
      ['finance.expense_submitted', { ...expenseSubmitted, department: 'people' }, 'data.department'],
      [
        'finance.expense_submitted',
        { ...expenseSubmitted, budget: { ...expenseSubmitted.budget, quarter: 'Q5' } },
        'data.budget.quarter',
      ],
      [
        'finance.expense_submitted',
        { ...expenseSubmitted, budget: { ...expenseSubmitted.budget, year: 2026 } },
        'data.budget.year',
      ],
    ];
    expectRefusals(cases);
  });

  it('refuses a known type with an extra data field', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['finance.expense_submitted', { ...expenseSubmitted, opened: true }, 'data'],
      ['hr.leave_requested', { ...leaveRequested, note: 'x' }, 'data'],
      ['hr.leave_cancelled', { ...leaveCancelled, requestedBy: 'bob' }, 'data'],
      [
        'finance.expense_submitted',
        { ...expenseSubmitted, budget: { ...expenseSubmitted.budget, remainingUsd: 1 } },
        'data.budget',
      ],
    ];
    expectRefusals(cases);
  });

  it('checks an unknown type by the envelope only', () => {
    const ev = event('crm.deal_closed', { anything: [1, { nested: true }], opened: 'yes' });
    expect(parseEvent(ev)).toEqual(ev);
    expect(parseEvent(event('session.opened'))).toEqual(event('session.opened'));
    // The former turn events, still in a stream written before turns moved to the change feed.
    for (const old of ['task.answered', 'session.ended']) {
      expect(parseEvent(event(old, { opened: true }))).toEqual(event(old, { opened: true }));
      expect(parseEvent(event(old))).toEqual(event(old));
    }
    // Only an exact known type name has a data contract.
    expect(parseEvent(event('hr.leave_requested_v2', { opened: true }))).toMatchObject({
      type: 'hr.leave_requested_v2',
    });
  });

  it('refuses a bad envelope, of a known or an unknown type', () => {
    const cases: [unknown, string][] = [
      [null, ''],
      ['hr.leave_requested', ''],
      [{ ...event('hr.leave_requested', leaveRequested), extra: 1 }, ''],
      [{ ...event('crm.deal_closed', {}), extra: 1 }, ''],
      [{ ...event('hr.leave_requested', leaveRequested), at: 'yesterday' }, 'at'],
      [{ ...event('crm.deal_closed'), agent: 'C.R.M' }, 'agent'],
      [{ ...event('crm.deal_closed'), type: 'no-dot' }, 'type'],
      [{ ...event('crm.deal_closed'), eventId: '' }, 'eventId'],
      [{ ...event('crm.deal_closed'), data: [1, 2] }, 'data'],
    ];
    for (const [value, path] of cases) {
      const r = refusal(() => parseEvent(value));
      expect(r.code, JSON.stringify(value)).toBe('invalid_request');
      expect(r.paths, JSON.stringify(value)).toEqual([path]);
    }
  });
});
