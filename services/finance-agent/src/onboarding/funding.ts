import { createHash } from 'node:crypto';
import { decodeJson, encodeJson, type Saga } from '@switchboard/contracts';
import { isRevisionConflict } from '@switchboard/runtime';
import { z } from 'zod';
import { Department, type Quarter } from '../domain/model.js';
import { quarterOf, roundMoney } from '../domain/rules.js';
import { usd } from '../engine/format.js';
import type { FinanceStore } from '../store/finance-store.js';

/**
 * The equipment allowance of one new hire in USD, committed to the department's budget of the
 * quarter the onboarding started in: `FINANCE_ONBOARDING_EQUIPMENT_USD` (default 3000). A department
 * whose remaining budget that quarter is below it cannot fund a hire: with the demo data that is
 * marketing (over budget this quarter); a large value makes every department fail.
 */
export function equipmentAllowanceUsd(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FINANCE_ONBOARDING_EQUIPMENT_USD;
  const n = raw === undefined || raw === '' ? 3000 : Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 10_000_000) {
    throw new Error('FINANCE_ONBOARDING_EQUIPMENT_USD must be a number of USD from 0 to 10000000');
  }
  return n;
}

/** The cost-centre entry of one hire (`onboarding.<sagaId>` in `finance_data`), written once. */
export const OnboardingEntry = z.strictObject({
  sagaId: z.string(),
  employeeId: z.string(),
  name: z.string(),
  department: Department,
  /** e.g. `CC-MAR-1A2B3C`. */
  costCentre: z.string(),
  /** The equipment budget opened for the hire, committed to `period`. */
  equipmentBudgetUsd: z.number().nonnegative(),
  /** `2026-Q4`. */
  period: z.string(),
  openedAt: z.string(),
});
export type OnboardingEntry = z.infer<typeof OnboardingEntry>;

/** The key of a saga's cost-centre entry. */
export const onboardingKey = (sagaId: string) => `onboarding.${sagaId}`;

/** What Finance decided for a saga: the same on every rerun (recorded in the saga's `funded` or `funding_failed` step). */
export type FundingDecision =
  | { outcome: 'funded'; costCentre: string; equipmentBudgetUsd: number; period: string }
  | { outcome: 'failed'; reason: string };

function costCentreOf(saga: Saga): string {
  const dept = saga.subject.department.slice(0, 3).toUpperCase();
  return `CC-${dept}-${createHash('sha256').update(saga.sagaId).digest('hex').slice(0, 6).toUpperCase()}`;
}

async function readEntry(store: FinanceStore, sagaId: string): Promise<OnboardingEntry | null> {
  const e = await store.kv.get(onboardingKey(sagaId));
  if (e?.operation !== 'PUT' || e.value.length === 0) return null;
  return OnboardingEntry.parse(decodeJson(e.value, 'onboarding entry'));
}

/** Commits the entry's equipment budget to its department and period (once: by saga id). */
async function commitEntry(store: FinanceStore, entry: OnboardingEntry): Promise<FundingDecision> {
  const [year = '', q = ''] = entry.period.split('-');
  await store.commitToBudget({
    department: entry.department,
    year,
    quarter: q as Quarter,
    amountUsd: entry.equipmentBudgetUsd,
    expenseId: entry.sagaId,
  });
  const { costCentre, equipmentBudgetUsd, period } = entry;
  return { outcome: 'funded', costCentre, equipmentBudgetUsd, period };
}

/**
 * Checks the department's budget for the quarter the saga started in and, when it covers the
 * allowance, opens the hire's cost-centre entry (created once) and commits the equipment budget to
 * the department (once, by saga id). A rerun that finds the entry only finishes the commit.
 */
export async function fundOnboarding(
  store: FinanceStore,
  saga: Saga,
  allowanceUsd: number,
): Promise<FundingDecision> {
  const existing = await readEntry(store, saga.sagaId);
  if (existing) return commitEntry(store, existing);
  const { department } = saga.subject;
  const { year, quarter } = quarterOf(saga.startedAt.slice(0, 10));
  const period = `${year}-${quarter}`;
  const figures = (await store.getBudget(department))?.years[year]?.[quarter];
  if (!figures) return { outcome: 'failed', reason: `${department} has no budget for ${period}` };
  const remaining = roundMoney(figures.allocated - figures.spent - figures.committed);
  if (remaining < allowanceUsd) {
    return {
      outcome: 'failed',
      reason: `${department} has ${usd(remaining)} left of its ${period} budget, less than the ${usd(allowanceUsd)} equipment allowance of a new hire`,
    };
  }
  const entry: OnboardingEntry = {
    sagaId: saga.sagaId,
    employeeId: saga.subject.employeeId,
    name: saga.subject.name,
    department,
    costCentre: costCentreOf(saga),
    equipmentBudgetUsd: allowanceUsd,
    period,
    openedAt: new Date().toISOString(),
  };
  try {
    await store.kv.create(onboardingKey(saga.sagaId), encodeJson(entry));
  } catch (err) {
    if (!isRevisionConflict(err)) throw err;
    // Another instance opened it first: finish with the stored entry.
    const stored = await readEntry(store, saga.sagaId);
    if (stored) return commitEntry(store, stored);
    throw err;
  }
  return commitEntry(store, entry);
}
