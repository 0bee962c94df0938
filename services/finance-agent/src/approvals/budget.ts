import { encodeJson, Failure } from '@switchboard/contracts';
import { isRevisionConflict } from '@switchboard/runtime';
import { BudgetRecord, type Expense } from '../domain/model.js';
import { quarterOf, roundMoney } from '../domain/rules.js';
import type { FinanceStore } from '../store/finance-store.js';

/** Changes an expense's budget with a revision check; `change` edits the record or returns false. */
async function changeBudget(
  store: FinanceStore,
  e: Expense,
  change: (b: BudgetRecord, period: { committed: number }) => boolean,
): Promise<boolean> {
  const key = `budget.${e.department}`;
  const { year, quarter } = quarterOf(e.date);
  for (let attempt = 1; attempt <= 10; attempt++) {
    const entry = await store.kv.get(key);
    if (entry?.operation !== 'PUT') return false;
    const budget = BudgetRecord.parse(entry.json());
    const period = budget.years[year]?.[quarter];
    if (!period || !budget.applied.includes(e.id) || !change(budget, period)) return false;
    try {
      await store.kv.update(key, encodeJson(budget), entry.revision);
      return true;
    } catch (err) {
      if (!isRevisionConflict(err)) throw err;
    }
  }
  throw new Failure('contended', `budget of ${e.department} is busy; try again`, { retryAfterMs: 200 });
}

/**
 * Takes a rejected (or expired) expense's amount back out of its department's committed figure,
 * once: only while the expense id is in the budget's `applied` list, which the same write removes.
 */
export function releaseFromBudget(store: FinanceStore, e: Expense): Promise<boolean> {
  return changeBudget(store, e, (budget, period) => {
    period.committed = roundMoney(Math.max(0, period.committed - e.amountUsd));
    budget.applied = budget.applied.filter((id) => id !== e.id);
    return true;
  });
}

/**
 * Moves the committed figure by the change of a waiting expense's amount (`e` as it was before),
 * once per `marker` (`<approvalId>.v<version>`), which the same write records in `applied`.
 */
export function shiftCommitted(
  store: FinanceStore,
  e: Expense,
  newUsd: number,
  marker: string,
): Promise<boolean> {
  return changeBudget(store, e, (budget, period) => {
    if (budget.applied.includes(marker)) return false;
    period.committed = roundMoney(period.committed + newUsd - e.amountUsd);
    budget.applied = [...budget.applied, marker].slice(-500);
    return true;
  });
}
