import type { ToolResult } from '@switchboard/agent-kit';
import { describe, expect, it } from 'vitest';
import { hrTools, outputOf, useHrServer } from '../testing/hr-fixture.js';
import type { EmployeeDirectoryOutput } from './employee-directory.js';

const TODAY = '2026-07-15';
const hr = useHrServer();

const matches = (r: ToolResult) => outputOf<EmployeeDirectoryOutput>(r).matches;

describe('employee_directory', () => {
  it("returns the asker's own entry with manager and HR partner", async () => {
    const t = await hrTools(hr, TODAY);
    const [me] = matches(await t.executor.execute('employee_directory', {}, t.ctx('alice')));
    expect(me).toMatchObject({
      id: 'alice',
      department: 'engineering',
      manager: { id: 'bob', name: 'Bob Chen' },
      hrPartner: { id: 'hana', name: 'Hana Kim' },
      directReports: [],
    });
  });

  it('finds people by name or id, with their reports', async () => {
    const t = await hrTools(hr, TODAY);
    const [bob] = matches(
      await t.executor.execute('employee_directory', { query: 'Bob Chen' }, t.ctx('carol')),
    );
    expect(bob).toMatchObject({
      id: 'bob',
      title: 'Engineering Manager',
      directReports: [{ id: 'alice' }, { id: 'dave' }],
    });
    const [carol] = matches(
      await t.executor.execute('employee_directory', { query: 'carol' }, t.ctx('alice')),
    );
    expect(carol).toMatchObject({ department: 'finance', manager: { id: 'frank' } });
  });

  it('lists a department and the whole directory', async () => {
    const t = await hrTools(hr, TODAY);
    const finance = matches(
      await t.executor.execute('employee_directory', { department: 'finance' }, t.ctx('alice')),
    );
    expect(finance.map((e) => e.id).sort()).toEqual(['carol', 'frank']);
    const all = matches(await t.executor.execute('employee_directory', { list: true }, t.ctx('alice')));
    expect(all.length).toBeGreaterThanOrEqual(8);
    expect(new Set(all.map((e) => e.department))).toEqual(
      new Set(['engineering', 'marketing', 'finance', 'people', 'executive']),
    );
  });

  it('refuses unknown names and unknown askers', async () => {
    const t = await hrTools(hr, TODAY);
    const zoe = await t.executor.execute('employee_directory', { query: 'zoe' }, t.ctx('alice'));
    expect(!zoe.ok && zoe.error).toMatchObject({
      code: 'invalid_request',
      details: { reason: 'unknown_employee' },
    });
    const zed = await t.executor.execute('employee_directory', {}, t.ctx('zed'));
    expect(!zed.ok && zed.error.code).toBe('unauthorized');
  });
});
