import { UserId } from '@switchboard/contracts';
import { z } from 'zod';
import { isIsoDate } from './calendar.js';

/** A calendar day, `YYYY-MM-DD`, that exists. */
export const IsoDate = z.string().refine(isIsoDate, 'must be a real date in YYYY-MM-DD form');

/** Departments of the demo company. */
export const Department = z.enum(['engineering', 'marketing', 'finance', 'people', 'executive']);
export type Department = z.infer<typeof Department>;

/** One employee in the directory (`directory` key of the `hr_data` bucket). */
export const Employee = z.object({
  id: UserId,
  name: z.string().min(1),
  title: z.string().min(1),
  department: Department,
  /** Direct manager's id; absent at the top. */
  managerId: UserId.optional(),
  /** The HR business partner who looks after this employee. */
  hrPartnerId: UserId.optional(),
  email: z.string().min(3),
  location: z.string().min(1),
  /** Absent: an employee. `onboarding`: hired, the onboarding saga `sagaId` is running; `active` once it completed. */
  status: z.enum(['onboarding', 'active']).optional(),
  /** The onboarding saga that created this record. */
  sagaId: z.string().optional(),
  /** First working day of a new hire, `YYYY-MM-DD`. */
  startDate: z.string().optional(),
});
export type Employee = z.infer<typeof Employee>;

export const Directory = z.object({ employees: z.array(Employee) });
export type Directory = z.infer<typeof Directory>;

/** Leave types with their own balance. */
export const LeaveType = z.enum(['vacation', 'sick']);
export type LeaveType = z.infer<typeof LeaveType>;

/**
 * A leave request. Requests are approved on booking, except vacation longer than
 * `ApprovalAboveDays` working days, which waits for the manager (`pending_approval`, its days held
 * in the balance meanwhile) and ends `approved`, or `rejected` (days released) when the manager
 * rejects it or the approval expires. Cancelling keeps the record.
 */
export const LeaveRequest = z.object({
  /** Derived from the task id and the request, so a redelivered task finds its own request. */
  id: z.string().min(1),
  type: LeaveType,
  start: IsoDate,
  end: IsoDate,
  /** Working days taken (weekends and company holidays excluded). */
  days: z.number().int().min(0),
  status: z.enum(['approved', 'cancelled', 'pending_approval', 'rejected']),
  /** The approval it waits for (or waited for), in the shared `approvals` bucket. */
  approvalId: z.string().optional(),
  /** Who booked it: the employee or their manager. */
  requestedBy: UserId,
  taskId: z.string().min(1),
  createdAt: z.string(),
  note: z.string().optional(),
  cancelledAt: z.string().optional(),
  cancelledBy: UserId.optional(),
  cancelTaskId: z.string().optional(),
});
export type LeaveRequest = z.infer<typeof LeaveRequest>;

/** One employee's leave record (`leave.<id>` key): entitlements and every request. */
export const LeaveRecord = z.object({
  employeeId: UserId,
  /** Vacation days granted per calendar year. */
  annualDays: z.number().int().min(0),
  /** Unused vacation days carried into `carryOverYear` (usable that year only). */
  carriedOverDays: z.number().int().min(0),
  carryOverYear: z.number().int(),
  /** Paid sick days per calendar year. */
  sickDays: z.number().int().min(0),
  requests: z.array(LeaveRequest),
});
export type LeaveRecord = z.infer<typeof LeaveRecord>;

/** A company holiday (the day the office is closed, moved off a weekend when observed). */
export const Holiday = z.object({ date: IsoDate, name: z.string().min(1) });
export type Holiday = z.infer<typeof Holiday>;

export const HolidayList = z.object({ year: z.number().int(), holidays: z.array(Holiday) });
export type HolidayList = z.infer<typeof HolidayList>;
