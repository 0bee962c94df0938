import {
  CurrencyCodes,
  DepartmentNames,
  ExpenseCategoryNames,
  ExpenseStatusNames,
} from '@switchboard/contracts';
import { z } from 'zod';

// The name lists are the contracts' (they appear in `finance.expense_submitted` events).
export { CurrencyCodes, DepartmentNames, ExpenseStatusNames };

/** The departments that own a budget. */
export const Department = z.enum(DepartmentNames);
export type Department = z.infer<typeof Department>;

/** Currencies an expense may be paid in (converted to USD at the fixed demo rates). */
export const Currency = z.enum(CurrencyCodes);
export type Currency = z.infer<typeof Currency>;

/** Expense categories. */
export const CategoryNames = ExpenseCategoryNames;
export const Category = z.enum(CategoryNames);
export type Category = z.infer<typeof Category>;

/** Life of an expense: submitted (or waiting for approval), then approved or rejected, then paid. */
export const ExpenseStatus = z.enum(ExpenseStatusNames);
export type ExpenseStatus = z.infer<typeof ExpenseStatus>;

export const QuarterNames = ['Q1', 'Q2', 'Q3', 'Q4'] as const;
export const Quarter = z.enum(QuarterNames);
export type Quarter = z.infer<typeof Quarter>;

/** A calendar date, `YYYY-MM-DD` (UTC). */
export const IsoDate = z.iso.date();

/** Employee ids are lower-case tokens usable as KV key tokens. */
export const EmployeeId = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/);

/** Seeded expenses are `EXP-1001`; submitted ones `EXP-` + 10 hex digits derived from the task id. */
export const ExpenseId = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^EXP-[0-9A-F]{4,16}$/, 'an expense id looks like EXP-1001');

export const InvoiceId = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^INV-\d{3,6}$/, 'an invoice id looks like INV-1001');

/** An employee of the demo company. */
export const Employee = z.object({
  id: EmployeeId,
  name: z.string(),
  title: z.string(),
  department: Department,
  /** `manager` manages people; `finance` is finance staff (sees every budget). */
  role: z.enum(['employee', 'manager', 'finance']),
  /** The direct manager, who may see this employee's expenses and approves them. */
  managerId: EmployeeId.optional(),
});
export type Employee = z.infer<typeof Employee>;

/** One quarter of a department budget, in USD. Remaining = allocated − spent − committed. */
export const QuarterBudget = z.object({
  allocated: z.number(),
  spent: z.number(),
  /** Money promised but not yet paid out: submitted and approved expenses, open orders. */
  committed: z.number(),
});
export type QuarterBudget = z.infer<typeof QuarterBudget>;

/** A department's budget record (`budget.<department>`), by fiscal year (calendar year) and quarter. */
export const BudgetRecord = z.object({
  department: Department,
  currency: z.literal('USD'),
  /** Fiscal year → quarter → figures. */
  years: z.record(z.string(), z.record(Quarter, QuarterBudget)),
  /** Expense ids already added to `committed`, newest last: a rerun of a task adds nothing twice. */
  applied: z.array(z.string()),
});
export type BudgetRecord = z.infer<typeof BudgetRecord>;

/** An expense (`expense.<employee>.<id>`). */
export const Expense = z.object({
  id: z.string(),
  employee: EmployeeId,
  department: Department,
  amount: z.number(),
  currency: Currency,
  /** The amount in USD at the fixed demo rate. */
  amountUsd: z.number(),
  category: Category,
  /** When it was paid, `YYYY-MM-DD`. */
  date: IsoDate,
  description: z.string().optional(),
  receipt: z.boolean(),
  status: ExpenseStatus,
  submittedAt: z.string(),
  /** The task that recorded it (absent for seeded data). */
  taskId: z.string().optional(),
  /** Who approved or rejected it. */
  decidedBy: z.string().optional(),
  note: z.string().optional(),
});
export type Expense = z.infer<typeof Expense>;

/** A vendor invoice (`invoice.<id>`). */
export const Invoice = z.object({
  id: z.string(),
  vendor: z.string(),
  description: z.string(),
  department: Department,
  amount: z.number(),
  currency: Currency,
  issuedOn: IsoDate,
  dueDate: IsoDate,
  status: z.enum(['paid', 'unpaid']),
  paidOn: IsoDate.optional(),
});
export type Invoice = z.infer<typeof Invoice>;
