import { createHash } from 'node:crypto';
import { decodeJson, encodeJson, Failure, parseWith } from '@switchboard/contracts';
import { isRevisionConflict } from '@switchboard/runtime';
import { Directory, type Employee } from '../domain/schemas.js';
import { HrKeys, type HrStore } from '../store.js';

/** The saga id of the onboarding a task started: `onb-` and 20 hex digits of the task id's hash. */
export function onboardingSagaId(taskId: string): string {
  return `onb-${createHash('sha256').update(`onboarding:${taskId}`).digest('hex').slice(0, 20)}`;
}

/** `Dana Reyes` → `dana-reyes`; `Zoë O'Neil` → `zoe-oneil`. */
function slug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'new-hire'
  );
}

/** The directory id of a new hire: the name's slug, or with the saga's digits when that id is taken. */
export function newEmployeeId(name: string, sagaId: string, all: readonly Employee[]): string {
  const base = slug(name);
  const taken = all.find((e) => e.id === base);
  return !taken || taken.sagaId === sagaId ? base : `${base}-${sagaId.slice(-6)}`;
}

/**
 * Changes the directory with a revision check: `change` gets the employees as stored and returns
 * the new list, or `undefined` when nothing is to change. Retried when another writer won.
 */
export async function changeDirectory(
  store: HrStore,
  change: (employees: readonly Employee[]) => Employee[] | undefined,
): Promise<void> {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const e = await store.kv.get(HrKeys.directory);
    if (e?.operation !== 'PUT' || e.value.length === 0) {
      throw new Failure('not_ready', 'the HR directory is not loaded yet');
    }
    const { employees } = parseWith(Directory, decodeJson(e.value, 'directory'), 'directory');
    const next = change(employees);
    if (!next) return;
    try {
      await store.kv.update(
        HrKeys.directory,
        encodeJson({ employees: next } satisfies Directory),
        e.revision,
      );
      return;
    } catch (err) {
      if (!isRevisionConflict(err)) throw err;
    }
  }
  throw new Failure('contended', 'the directory is being changed by others; try again', {
    retryAfterMs: 200,
  });
}

/** Adds the new hire unless the directory holds a record of this saga already (a rerun). */
export function addNewHire(store: HrStore, hire: Employee): Promise<void> {
  return changeDirectory(store, (all) =>
    all.some((e) => e.sagaId === hire.sagaId) ? undefined : [...all, hire],
  );
}

/** Marks the saga's new hire `active` (nothing when it is already, or gone). */
export function activateNewHire(store: HrStore, sagaId: string): Promise<void> {
  return changeDirectory(store, (all) =>
    all.some((e) => e.sagaId === sagaId && e.status === 'onboarding')
      ? all.map((e) => (e.sagaId === sagaId ? { ...e, status: 'active' as const } : e))
      : undefined,
  );
}

/** Removes the saga's new hire: the compensation of `employee_created` (nothing when gone already). */
export function removeNewHire(store: HrStore, sagaId: string): Promise<void> {
  return changeDirectory(store, (all) =>
    all.some((e) => e.sagaId === sagaId) ? all.filter((e) => e.sagaId !== sagaId) : undefined,
  );
}
