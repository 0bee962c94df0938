import { type KV, Kvm } from '@nats-io/kv';
import { encodeJson, Failure, Names, SwitchboardError } from '@switchboard/contracts';
import {
  agentDataBucketConfig,
  isRevisionConflict,
  type Logger,
  listEntries,
  type NatsConnection,
} from '@switchboard/runtime';
import type { z } from 'zod';
import { demoData } from '../data/demo.js';
import {
  BudgetRecord,
  type Department,
  Employee,
  EmployeeId,
  Expense,
  Invoice,
  type Quarter,
} from '../domain/model.js';
import { roundMoney } from '../domain/rules.js';

/** The bucket holding the Finance demo data and every change made to it (`finance_data`). */
export const FinanceBucket = Names.agentDataBucket('finance');

/** How many expense ids a budget record remembers as applied (for idempotent reruns). */
const APPLIED_CAP = 500;
const MAX_ATTEMPTS = 8;
const SEEDED = 'meta.seeded';

const keys = {
  employee: (id: string) => `employee.${id}`,
  budget: (dept: Department) => `budget.${dept}`,
  expense: (employee: string, id: string) => `expense.${employee}.${id}`,
  invoice: (id: string) => `invoice.${id}`,
};

const safeToken = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The Finance data in a JetStream KV bucket: employees, budgets, expenses and invoices. Every write
 * is a `create` (fails if the key exists) or an `update` against the revision read, so concurrent
 * instances never overwrite each other.
 */
export interface FinanceStore {
  readonly kv: KV;
  getEmployee(id: string): Promise<Employee | null>;
  getBudget(dept: Department): Promise<BudgetRecord | null>;
  getExpense(id: string): Promise<Expense | null>;
  listExpenses(employee: string): Promise<Expense[]>;
  getInvoice(id: string): Promise<Invoice | null>;
  listInvoices(): Promise<Invoice[]>;
  /** Stores a new expense; if this key exists from the same task, returns that one (`created: false`). */
  recordExpense(expense: Expense): Promise<{ expense: Expense; created: boolean }>;
  /**
   * Adds `amountUsd` to the department's committed figure for the year and quarter, once per
   * `expenseId`; retries on revision conflicts. False when there is no budget for that period.
   */
  commitToBudget(c: {
    department: Department;
    year: string;
    quarter: Quarter;
    amountUsd: number;
    expenseId: string;
  }): Promise<boolean>;
}

async function readJson<S extends z.ZodType>(
  kv: KV,
  key: string,
  schema: S,
): Promise<{ value: z.infer<S>; revision: number } | null> {
  const e = await kv.get(key);
  if (e?.operation !== 'PUT' || e.value.length === 0) return null;
  return { value: schema.parse(e.json()), revision: e.revision };
}

/**
 * The values of the keys matching `filter`, sorted by key, read with one listing (`listEntries`:
 * not `kv.keys()`, which can wait 30 s for a heartbeat when a write lands while it lists).
 */
async function listValues<S extends z.ZodType>(kv: KV, filter: string, schema: S): Promise<z.infer<S>[]> {
  const entries = await listEntries(kv, filter);
  return entries.filter((e) => e.value.length > 0).map((e) => schema.parse(e.json()));
}

/** Creates `key` unless it exists; true when this call created it. */
async function createOnce(kv: KV, key: string, value: unknown): Promise<boolean> {
  try {
    await kv.create(key, encodeJson(value));
    return true;
  } catch (err) {
    if (isRevisionConflict(err)) return false;
    throw err;
  }
}

/**
 * Loads the demo data set into the bucket, key by key with `create`, so a second instance or a
 * restart never overwrites anything stored since. Dates are relative to `now` at first start.
 */
export async function seedFinanceData(kv: KV, now: Date): Promise<number> {
  if (await kv.get(SEEDED)) return 0;
  const data = demoData(now);
  const entries: [string, unknown][] = [
    ...data.employees.map((e): [string, unknown] => [keys.employee(e.id), e]),
    ...data.budgets.map((b): [string, unknown] => [keys.budget(b.department), b]),
    ...data.expenses.map((e): [string, unknown] => [keys.expense(e.employee, e.id), e]),
    ...data.invoices.map((i): [string, unknown] => [keys.invoice(i.id), i]),
  ];
  let created = 0;
  for (const [key, value] of entries) if (await createOnce(kv, key, value)) created++;
  await createOnce(kv, SEEDED, { at: now.toISOString() });
  return created;
}

/** Opens (creating if needed) the Finance bucket and seeds it on first start. */
export async function openFinanceStore(deps: {
  /** Replicas of the `finance_data` bucket (1 on one server, 3 in a cluster). */
  replicas?: number;
  nc: NatsConnection;
  log: Logger;
  now?: () => Date;
  bucket?: string;
}): Promise<FinanceStore> {
  const kv = await new Kvm(deps.nc).create(
    deps.bucket ?? FinanceBucket,
    agentDataBucketConfig({ replicas: deps.replicas ?? 1 }),
  );
  const seeded = await seedFinanceData(kv, (deps.now ?? (() => new Date()))());
  if (seeded > 0)
    deps.log.info({ bucket: deps.bucket ?? FinanceBucket, keys: seeded }, 'finance demo data seeded');
  return createFinanceStore(kv);
}

/** The store over an open bucket. */
export function createFinanceStore(kv: KV): FinanceStore {
  return {
    kv,
    async getEmployee(id) {
      if (!EmployeeId.safeParse(id).success) return null;
      return (await readJson(kv, keys.employee(id), Employee))?.value ?? null;
    },
    async getBudget(dept) {
      return (await readJson(kv, keys.budget(dept), BudgetRecord))?.value ?? null;
    },
    async getExpense(id) {
      if (!safeToken.test(id)) return null;
      return (await listValues(kv, `expense.*.${id}`, Expense))[0] ?? null;
    },
    async listExpenses(employee) {
      if (!EmployeeId.safeParse(employee).success) return [];
      const out = await listValues(kv, `expense.${employee}.*`, Expense);
      return out.sort((a, b) => b.date.localeCompare(a.date) || b.submittedAt.localeCompare(a.submittedAt));
    },
    async getInvoice(id) {
      if (!safeToken.test(id)) return null;
      return (await readJson(kv, keys.invoice(id), Invoice))?.value ?? null;
    },
    async listInvoices() {
      return listValues(kv, 'invoice.*', Invoice);
    },
    async recordExpense(expense) {
      const key = keys.expense(expense.employee, expense.id);
      if (await createOnce(kv, key, expense)) return { expense, created: true };
      const existing = await readJson(kv, key, Expense);
      if (existing && existing.value.taskId === expense.taskId)
        return { expense: existing.value, created: false };
      throw new SwitchboardError('internal', `expense id ${expense.id} is taken by another task`);
    },
    async commitToBudget(c) {
      const key = keys.budget(c.department);
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const current = await readJson(kv, key, BudgetRecord);
        if (!current) return false;
        const budget = current.value;
        if (budget.applied.includes(c.expenseId)) return true;
        const period = budget.years[c.year]?.[c.quarter];
        if (!period) return false;
        period.committed = roundMoney(period.committed + c.amountUsd);
        budget.applied = [...budget.applied, c.expenseId].slice(-APPLIED_CAP);
        try {
          await kv.update(key, encodeJson(budget), current.revision);
          return true;
        } catch (err) {
          if (!isRevisionConflict(err)) throw err;
          await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
        }
      }
      throw new Failure('contended', `budget of ${c.department} is busy; try again`);
    },
  };
}
