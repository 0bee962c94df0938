import { createLogger } from '@switchboard/runtime';
import { describe, expect, it } from 'vitest';
import { demoEmployees } from '../data/demo.js';
import type { Employee } from '../domain/schemas.js';
import type { HrStore } from '../store.js';
import { employeeDirectoryTool } from './employee-directory.js';

// The tool indexes each directory array it is given (managers and reports): a new directory, as the
// store hands out when the directory changes, must be indexed afresh, and answers must not be shared.
describe('employee_directory index', () => {
  let directory: Employee[] = demoEmployees.map((e) => ({ ...e }));
  const store = { employees: async () => directory } as unknown as HrStore;
  const tool = employeeDirectoryTool({ store, today: () => '2026-07-15', now: () => new Date() });
  const ctx = {
    userId: 'alice',
    taskId: 'task-1',
    log: createLogger({ service: 'hr-test', level: 'silent' }),
    signal: new AbortController().signal,
    emit: () => {},
  };
  const bob = async () => (await tool.run({ query: 'bob', list: false }, ctx)).matches[0]!;

  it('follows a new directory and hands out fresh entries', async () => {
    const first = await bob();
    expect(first.directReports.map((p) => p.id)).toEqual(['alice', 'dave']);
    first.directReports.push({ id: 'zed', name: 'Zed' });
    expect((await bob()).directReports.map((p) => p.id)).toEqual(['alice', 'dave']);

    // Dave moves to Grace; Alice gets Ivy as HR partner.
    directory = directory.map((e) =>
      e.id === 'dave' ? { ...e, managerId: 'grace' } : e.id === 'alice' ? { ...e, hrPartnerId: 'ivy' } : e,
    );
    expect((await bob()).directReports.map((p) => p.id)).toEqual(['alice']);
    const [me] = (await tool.run({ list: false }, ctx)).matches;
    expect(me).toMatchObject({ manager: { id: 'bob' }, hrPartner: { id: 'ivy', name: 'Ivy Nguyen' } });
  });
});
