import { z } from 'zod';
import { parseWith } from './codec.js';
import { AgentName, SessionId, TaskId, Timestamp, UserId } from './ids.js';

/**
 * An event in the `AGENT_EVENTS` stream, on `events.<domain>.<kind>`: an agent's domain event, such
 * as `hr.leave_requested`, published only by turns that change data. `type` repeats
 * `<domain>.<kind>`; `eventId` is its `Nats-Msg-Id`, so a redelivered task never records it twice.
 * Turns themselves are not events here: the change feed of the `sessions` bucket records each one
 * (see `TurnRecorded`).
 */
export const SwitchboardEvent = z.strictObject({
  eventId: z.string().min(1).max(128),
  /** e.g. `hr.leave_requested`, `finance.expense_submitted`. */
  type: z.string().regex(/^[a-z0-9_-]+\.[a-z0-9_-]+$/),
  at: Timestamp,
  agent: AgentName.optional(),
  sessionId: SessionId.optional(),
  taskId: TaskId.optional(),
  userId: UserId.optional(),
  /**
   * Event-specific detail. For the types in {@link EventData} it has a contract, checked by
   * {@link parseEvent}.
   */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type SwitchboardEvent = z.infer<typeof SwitchboardEvent>;

/** A calendar day, `YYYY-MM-DD`, that exists. */
const EventDate = z.iso.date();

/** Leave types with their own balance (the hr agent's `LeaveType`). */
const LeaveType = z.enum(['vacation', 'sick']);

/** A leave request id, e.g. `LR-1a2b3c4d5e` (seeded requests have ids like `LR-seed-bob-1`). */
const LeaveRequestId = z.string().min(1);

/** Working days of a leave request (weekends and company holidays excluded). */
const WorkingDays = z.number().int().nonnegative();

/** `data` of `hr.leave_requested`: leave was booked. */
export const LeaveRequestedData = z.strictObject({
  requestId: LeaveRequestId,
  /** Whose leave it is. */
  employeeId: UserId,
  /** Who booked it: the employee or their manager. */
  requestedBy: UserId,
  type: LeaveType,
  /** First and last day, both included. */
  start: EventDate,
  end: EventDate,
  days: WorkingDays,
});
export type LeaveRequestedData = z.infer<typeof LeaveRequestedData>;

/** `data` of `hr.leave_cancelled`: an upcoming leave request was cancelled. */
export const LeaveCancelledData = z.strictObject({
  requestId: LeaveRequestId,
  /** Whose leave it is. */
  employeeId: UserId,
  /** Who cancelled it: the employee or their manager. */
  cancelledBy: UserId,
  type: LeaveType,
  /** First and last day, both included. */
  start: EventDate,
  end: EventDate,
  days: WorkingDays,
});
export type LeaveCancelledData = z.infer<typeof LeaveCancelledData>;

/** The departments that own a budget (the finance agent's domain uses these lists too). */
export const DepartmentNames = ['engineering', 'marketing', 'finance'] as const;
/** Currencies an expense may be paid in. */
export const CurrencyCodes = ['USD', 'EUR', 'GBP', 'CHF', 'JPY', 'CAD'] as const;
/** Expense categories. */
export const ExpenseCategoryNames = [
  'travel',
  'meals',
  'lodging',
  'taxi',
  'transport',
  'equipment',
  'software',
  'training',
  'office',
] as const;
/** Life of an expense: submitted (or waiting for approval), then approved or rejected, then paid. */
export const ExpenseStatusNames = ['submitted', 'pending_approval', 'approved', 'rejected', 'paid'] as const;

/** `data` of `finance.expense_submitted`: an expense was recorded and committed to its budget. */
export const ExpenseSubmittedData = z.strictObject({
  /** `EXP-` and upper-case hex digits, e.g. `EXP-1A2B3C4D5E`. */
  expenseId: z.string().regex(/^EXP-[0-9A-F]{4,16}$/),
  /** The employee who submitted it. */
  employee: UserId,
  /** The department whose budget it is committed to. */
  department: z.enum(DepartmentNames),
  /** In `currency`, at most two decimals. */
  amount: z.number().positive(),
  currency: z.enum(CurrencyCodes),
  /** The amount in USD at the fixed demo rate (rounded to cents, so a tiny amount may give 0). */
  amountUsd: z.number().nonnegative(),
  category: z.enum(ExpenseCategoryNames),
  /** The day it was paid. */
  date: EventDate,
  /** `submitted` or `pending_approval` when new; a rerun reports the stored expense's status. */
  status: z.enum(ExpenseStatusNames),
  /** The budget period it was committed to. */
  budget: z.strictObject({
    year: z.string().regex(/^\d{4}$/),
    quarter: z.enum(['Q1', 'Q2', 'Q3', 'Q4']),
    /** USD added to the period's committed figure: `amountUsd`, or 0 when there is no such period. */
    committedAddedUsd: z.number().nonnegative(),
  }),
});
export type ExpenseSubmittedData = z.infer<typeof ExpenseSubmittedData>;

/** A saga id in event data (`onb-` and hex digits for onboarding; see `SagaId`). */
const EventSagaId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** `data` of `hr.employee_created`: a manager started onboarding; the record is in the directory (status onboarding). */
export const EmployeeCreatedData = z.strictObject({
  sagaId: EventSagaId,
  employeeId: UserId,
  name: z.string().min(1).max(80),
  department: z.enum(DepartmentNames),
  startDate: EventDate,
  /** The manager who asked. */
  requestedBy: UserId,
});
export type EmployeeCreatedData = z.infer<typeof EmployeeCreatedData>;

/** `data` of `finance.onboarding_funded`: a cost centre and an equipment budget exist for the hire. */
export const OnboardingFundedData = z.strictObject({
  sagaId: EventSagaId,
  employeeId: UserId,
  department: z.enum(DepartmentNames),
  /** e.g. `CC-MKT-1A2B3C`. */
  costCentre: z.string().min(1).max(32),
  /** USD committed to the department's budget for the hire's equipment. */
  equipmentBudgetUsd: z.number().nonnegative(),
  /** The budget period it was committed to, e.g. `2026-Q4`. */
  period: z.string().regex(/^\d{4}-Q[1-4]$/),
});
export type OnboardingFundedData = z.infer<typeof OnboardingFundedData>;

/** `data` of `finance.onboarding_failed`: Finance cannot fund the hire; HR compensates. */
export const OnboardingFailedData = z.strictObject({
  sagaId: EventSagaId,
  employeeId: UserId,
  department: z.enum(DepartmentNames),
  /** For a person to read, e.g. "marketing has $-4,800 left in 2026-Q4 ...". */
  reason: z.string().min(1).max(500),
});
export type OnboardingFailedData = z.infer<typeof OnboardingFailedData>;

/** `data` of `hr.employee_onboarding_completed` and `hr.employee_onboarding_cancelled`: how the saga ended. */
export const OnboardingEndedData = z.strictObject({
  sagaId: EventSagaId,
  employeeId: UserId,
  /** Why it was cancelled (absent when completed). */
  reason: z.string().min(1).max(500).optional(),
});
export type OnboardingEndedData = z.infer<typeof OnboardingEndedData>;

/**
 * `data` of `<agent>.approval_decided`: a manager approved or rejected a request waiting for them
 * (recorded by the agent they spoke to; the request's owner applies it). See docs/workflows/approvals.md.
 */
export const ApprovalDecidedData = z.strictObject({
  approvalId: z.string().regex(/^AP-[0-9A-F]{12}$/),
  kind: z.enum(['expense', 'leave']),
  /** The agent that owns the request and applies the decision. */
  owner: AgentName,
  subjectId: z.string().min(1),
  requester: UserId,
  status: z.enum(['approved', 'rejected']),
  decidedBy: UserId,
  /** The digest of the request version decided on. */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ApprovalDecidedData = z.infer<typeof ApprovalDecidedData>;

/**
 * The contract of `data` for each event type that has one. An event of another type is checked by
 * the envelope only, so an agent type can add events without a change here.
 */
export const EventData = {
  'hr.leave_requested': LeaveRequestedData,
  'hr.leave_cancelled': LeaveCancelledData,
  'finance.expense_submitted': ExpenseSubmittedData,
  'hr.approval_decided': ApprovalDecidedData,
  'finance.approval_decided': ApprovalDecidedData,
  'hr.employee_created': EmployeeCreatedData,
  'finance.onboarding_funded': OnboardingFundedData,
  'finance.onboarding_failed': OnboardingFailedData,
  'hr.employee_onboarding_completed': OnboardingEndedData,
  'hr.employee_onboarding_cancelled': OnboardingEndedData,
} as const satisfies Record<string, z.ZodType<Record<string, unknown>>>;

/** An event type with a `data` contract in {@link EventData}. */
export type KnownEventType = keyof typeof EventData;

/** Per known type: the envelope with `data` required and checked against the type's contract. */
const knownEvents = new Map<string, z.ZodType<SwitchboardEvent>>(
  Object.entries(EventData).map(([type, data]) => [type, SwitchboardEvent.extend({ data })]),
);

/**
 * Parses an event: the envelope always, and for a type in {@link EventData} its `data` too (then
 * required). Throws `invalid_request` with the zod issues (paths like `data.days`) otherwise.
 */
export function parseEvent(value: unknown): SwitchboardEvent {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  const schema = (typeof type === 'string' ? knownEvents.get(type) : undefined) ?? SwitchboardEvent;
  return parseWith(schema, value, 'event');
}
