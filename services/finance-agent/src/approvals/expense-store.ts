import { encodeJson, Failure } from '@switchboard/contracts';
import { isRevisionConflict } from '@switchboard/runtime';
import { Expense } from '../domain/model.js';
import type { FinanceStore } from '../store/finance-store.js';

/**
 * Changes one stored expense with a revision check, re-reading and applying `change` again when
 * another writer won. `change` returns the new expense, or undefined to leave it as it is.
 */
export async function changeExpense(
  store: FinanceStore,
  employee: string,
  expenseId: string,
  change: (e: Expense) => Expense | undefined,
): Promise<Expense | null> {
  const key = `expense.${employee}.${expenseId}`;
  for (let attempt = 1; attempt <= 10; attempt++) {
    const entry = await store.kv.get(key);
    if (entry?.operation !== 'PUT' || entry.value.length === 0) return null;
    const current = Expense.parse(entry.json());
    const next = change(current);
    if (!next) return current;
    try {
      await store.kv.update(key, encodeJson(next), entry.revision);
      return next;
    } catch (err) {
      if (!isRevisionConflict(err)) throw err;
    }
  }
  throw new Failure('contended', `expense ${expenseId} is busy; try again`, { retryAfterMs: 200 });
}

/** One expense by its owner and id, read directly (no key listing). */
export async function readExpense(
  store: FinanceStore,
  employee: string,
  expenseId: string,
): Promise<Expense | null> {
  const entry = await store.kv.get(`expense.${employee}.${expenseId}`);
  return entry?.operation === 'PUT' && entry.value.length > 0 ? Expense.parse(entry.json()) : null;
}
