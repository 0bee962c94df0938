import { SwitchboardError } from '@switchboard/contracts';
import type { HrStore } from '../store.js';
import type { Employee } from './schemas.js';

/** Finds an employee by id, full name or first name (case-insensitive). */
export function findEmployee(employees: readonly Employee[], query: string): Employee | undefined {
  const q = query.trim().toLowerCase().replace(/^@/, '');
  return (
    employees.find((e) => e.id.toLowerCase() === q) ??
    employees.find((e) => e.name.toLowerCase() === q) ??
    employees.find((e) => e.name.toLowerCase().split(/\s+/)[0] === q)
  );
}

/** True when `actor` may see and change `target`'s leave: it is their own, or they manage them. */
export function mayManageLeave(actor: Employee, target: Employee): boolean {
  return actor.id === target.id || target.managerId === actor.id;
}

/** The asker, from `ToolContext.userId` only; an unknown or missing id is refused. */
export async function requireActor(
  store: HrStore,
  userId: string | undefined,
): Promise<{ actor: Employee; all: Employee[] }> {
  if (!userId) {
    throw new SwitchboardError(
      'unauthorized',
      'I do not know who is asking: send your userId with the request',
      {
        details: { reason: 'no_user' },
      },
    );
  }
  const all = await store.employees();
  const actor = all.find((e) => e.id === userId);
  if (!actor) {
    throw new SwitchboardError('unauthorized', `there is no employee record for "${userId}"`, {
      details: { reason: 'unknown_user', userId },
    });
  }
  return { actor, all };
}

/**
 * The asker and the employee whose leave they want, checked: `requested` (from the user's words or
 * a model's tool input) is only a wish, the permission rule decides. Omitted means the asker.
 */
export async function resolveLeaveAccess(
  store: HrStore,
  userId: string | undefined,
  requested: string | undefined,
): Promise<{ actor: Employee; target: Employee }> {
  const { actor, all } = await requireActor(store, userId);
  if (!requested || requested.trim() === '') return { actor, target: actor };
  const target = findEmployee(all, requested);
  if (!target) {
    throw new SwitchboardError('invalid_request', `there is no employee called "${requested}"`, {
      details: { reason: 'unknown_employee', employee: requested },
    });
  }
  if (!mayManageLeave(actor, target)) {
    throw new SwitchboardError(
      'unauthorized',
      `you may only see or change your own leave or that of people who report to you; ${target.name} does not report to you`,
      { details: { reason: 'not_permitted', employee: target.id } },
    );
  }
  return { actor, target };
}
