import type { Department, Employee } from './model.js';

/** Looks an employee up by id; null when unknown. */
export type EmployeeLookup = (id: string) => Promise<Employee | null>;

/**
 * May `viewer` see `owner`'s expenses? Their own, and those of anyone they manage (directly or
 * further down the reporting line).
 */
export async function canSeeExpensesOf(
  viewer: Employee,
  owner: Employee,
  lookup: EmployeeLookup,
): Promise<boolean> {
  if (viewer.id === owner.id) return true;
  let current: Employee | null = owner;
  for (let depth = 0; current?.managerId && depth < 8; depth++) {
    if (current.managerId === viewer.id) return true;
    current = await lookup(current.managerId);
  }
  return false;
}

/** Anyone sees their own department's budget; managers and finance staff see every department's. */
export function canSeeBudgetOf(viewer: Employee, department: Department): boolean {
  return viewer.department === department || viewer.role === 'manager' || viewer.role === 'finance';
}
