import type {
  BudgetRecord,
  Department,
  Employee,
  Expense,
  Invoice,
  Quarter,
  QuarterBudget,
} from '../domain/model.js';
import { addDays, isoDay, quarterOf, toUsd } from '../domain/rules.js';

/** The demo company's people. alice and grace report to bob; dave to erin; carol to frank. */
export const demoEmployees: readonly Employee[] = [
  {
    id: 'alice',
    name: 'Alice Martin',
    title: 'Software Engineer',
    department: 'engineering',
    role: 'employee',
    managerId: 'bob',
  },
  { id: 'bob', name: 'Bob Chen', title: 'Engineering Manager', department: 'engineering', role: 'manager' },
  {
    id: 'carol',
    name: 'Carol Diaz',
    title: 'Financial Analyst',
    department: 'finance',
    role: 'finance',
    managerId: 'frank',
  },
  {
    id: 'dave',
    name: 'Dave Okafor',
    title: 'Marketing Specialist',
    department: 'marketing',
    role: 'employee',
    managerId: 'erin',
  },
  { id: 'erin', name: 'Erin Walsh', title: 'Marketing Manager', department: 'marketing', role: 'manager' },
  { id: 'frank', name: 'Frank Russo', title: 'Finance Controller', department: 'finance', role: 'manager' },
  {
    id: 'grace',
    name: 'Grace Lee',
    title: 'Site Reliability Engineer',
    department: 'engineering',
    role: 'employee',
    managerId: 'bob',
  },
];

/** Quarterly allocations (USD) and how much of them is used, per department. */
const plans: Record<
  Department,
  { allocated: [number, number, number, number]; pastSpent: number; spentNow: number; committedNow: number }
> = {
  engineering: {
    allocated: [125_000, 125_000, 125_000, 125_000],
    pastSpent: 0.97,
    spentNow: 0.46,
    committedNow: 0.12,
  },
  marketing: {
    allocated: [70_000, 60_000, 60_000, 60_000],
    pastSpent: 1.04,
    spentNow: 0.81,
    committedNow: 0.27,
  },
  finance: {
    allocated: [30_000, 30_000, 30_000, 30_000],
    pastSpent: 0.9,
    spentNow: 0.35,
    committedNow: 0.05,
  },
};

const quarters: readonly Quarter[] = ['Q1', 'Q2', 'Q3', 'Q4'];

function budgetYear(dept: Department, year: number, today: string): Record<Quarter, QuarterBudget> {
  const plan = plans[dept];
  const current = quarterOf(today);
  const out = {} as Record<Quarter, QuarterBudget>;
  quarters.forEach((q, i) => {
    const allocated = plan.allocated[i] ?? 0;
    const key = `${year}-${q}`;
    const now = `${current.year}-${current.quarter}`;
    const [spent, committed] =
      key < now ? [plan.pastSpent, 0] : key === now ? [plan.spentNow, plan.committedNow] : [0, 0];
    out[q] = {
      allocated,
      spent: Math.round(allocated * spent),
      committed: Math.round(allocated * committed),
    };
  });
  return out;
}

function expense(e: Omit<Expense, 'amountUsd' | 'department' | 'submittedAt'>, today: string): Expense {
  const owner = demoEmployees.find((p) => p.id === e.employee);
  if (!owner) throw new Error(`demo expense for unknown employee ${e.employee}`);
  return {
    ...e,
    department: owner.department,
    amountUsd: toUsd(e.amount, e.currency),
    submittedAt: `${e.date > today ? today : e.date}T17:00:00.000Z`,
  };
}

/** Everything seeded into the `finance_data` bucket, with dates relative to `now`. */
export function demoData(now: Date): {
  employees: readonly Employee[];
  budgets: BudgetRecord[];
  expenses: Expense[];
  invoices: Invoice[];
} {
  const today = isoDay(now);
  const year = now.getUTCFullYear();
  const ago = (n: number) => addDays(today, -n);
  const budgets = (Object.keys(plans) as Department[]).map(
    (department): BudgetRecord => ({
      department,
      currency: 'USD',
      years: {
        [String(year - 1)]: budgetYear(department, year - 1, today),
        [String(year)]: budgetYear(department, year, today),
      },
      applied: [],
    }),
  );
  const e = (x: Parameters<typeof expense>[0]) => expense(x, today);
  const expenses: Expense[] = [
    e({
      id: 'EXP-1001',
      employee: 'alice',
      amount: 38.5,
      currency: 'USD',
      category: 'taxi',
      date: ago(12),
      description: 'Taxi to the customer site',
      receipt: true,
      status: 'paid',
      decidedBy: 'bob',
    }),
    e({
      id: 'EXP-1002',
      employee: 'alice',
      amount: 84.2,
      currency: 'EUR',
      category: 'meals',
      date: ago(5),
      description: 'Team dinner in Berlin',
      receipt: true,
      status: 'approved',
      decidedBy: 'bob',
    }),
    e({
      id: 'EXP-1003',
      employee: 'alice',
      amount: 612,
      currency: 'USD',
      category: 'lodging',
      date: ago(3),
      description: 'Hotel, 3 nights, KubeCon',
      receipt: true,
      status: 'pending_approval',
    }),
    e({
      id: 'EXP-1004',
      employee: 'bob',
      amount: 450,
      currency: 'USD',
      category: 'training',
      date: ago(20),
      description: 'Leadership workshop',
      receipt: true,
      status: 'submitted',
    }),
    e({
      id: 'EXP-1005',
      employee: 'carol',
      amount: 129,
      currency: 'GBP',
      category: 'software',
      date: ago(8),
      description: 'Spreadsheet add-in licence',
      receipt: true,
      status: 'approved',
      decidedBy: 'frank',
    }),
    e({
      id: 'EXP-1006',
      employee: 'dave',
      amount: 46,
      currency: 'USD',
      category: 'meals',
      date: ago(2),
      description: 'Lunch with a press contact',
      receipt: true,
      status: 'submitted',
    }),
    e({
      id: 'EXP-1007',
      employee: 'grace',
      amount: 289,
      currency: 'CHF',
      category: 'equipment',
      date: ago(30),
      description: 'Standing desk converter',
      receipt: true,
      status: 'rejected',
      decidedBy: 'bob',
      note: 'Home office allowance already used this year',
    }),
  ];
  const invoices: Invoice[] = [
    {
      id: 'INV-1001',
      vendor: 'Acme Cloud Services',
      description: 'Cloud hosting, last month',
      department: 'engineering',
      amount: 12_400,
      currency: 'USD',
      issuedOn: ago(45),
      dueDate: ago(15),
      status: 'paid',
      paidOn: ago(17),
    },
    {
      id: 'INV-1002',
      vendor: 'Brightline Media',
      description: 'Autumn ad campaign',
      department: 'marketing',
      amount: 18_750,
      currency: 'USD',
      issuedOn: ago(20),
      dueDate: addDays(today, 10),
      status: 'unpaid',
    },
    {
      id: 'INV-1003',
      vendor: 'Northwind Office Supply',
      description: 'Office supplies',
      department: 'finance',
      amount: 1_320.5,
      currency: 'USD',
      issuedOn: ago(35),
      dueDate: ago(5),
      status: 'unpaid',
    },
    {
      id: 'INV-2040',
      vendor: 'Globex Consulting',
      description: 'Security audit',
      department: 'engineering',
      amount: 8_900,
      currency: 'EUR',
      issuedOn: ago(5),
      dueDate: addDays(today, 25),
      status: 'unpaid',
    },
    {
      id: 'INV-2041',
      vendor: 'Initech Software',
      description: 'Accounting software licences',
      department: 'finance',
      amount: 4_200,
      currency: 'USD',
      issuedOn: ago(60),
      dueDate: ago(30),
      status: 'paid',
      paidOn: ago(31),
    },
  ];
  return { employees: demoEmployees, budgets, expenses, invoices };
}
