import { defineTool } from '@switchboard/agent-kit';
import { SwitchboardError } from '@switchboard/contracts';
import { z } from 'zod';
import { findEmployee, requireActor } from '../domain/access.js';
import { Department, type Employee } from '../domain/schemas.js';
import type { HrToolDeps } from './deps.js';
import { PersonRef, person } from './shared.js';

const Entry = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string(),
  department: z.string(),
  email: z.string(),
  location: z.string(),
  manager: PersonRef.optional(),
  hrPartner: PersonRef.optional(),
  directReports: z.array(PersonRef),
});

const Output = z.object({ you: z.string(), matches: z.array(Entry) });
export type DirectoryEntry = z.infer<typeof Entry>;
export type EmployeeDirectoryOutput = z.infer<typeof Output>;

/**
 * The employee directory: who someone is, their manager, HR partner, department and reports.
 * Open to every employee (no leave or pay data in it); unknown askers are refused.
 */
export function employeeDirectoryTool(deps: HrToolDeps) {
  return defineTool({
    name: 'employee_directory',
    description:
      'Looks people up in the employee directory: title, department, email, location, manager, HR business partner and direct reports. Give a name or id, a department, or nothing for the person asking; list=true returns everyone.',
    input: z.strictObject({
      query: z
        .string()
        .trim()
        .min(1)
        .max(64)
        .optional()
        .describe('Name or id of a person, e.g. "alice" or "Bob Chen".'),
      department: Department.optional().describe('Everyone in this department.'),
      list: z.boolean().default(false).describe('Return the whole directory.'),
    }),
    output: Output,
    async run(input, ctx) {
      const { actor, all } = await requireActor(deps.store, ctx.userId);
      const byId = new Map(all.map((e) => [e.id, e]));
      const entry = (e: Employee): z.infer<typeof Entry> => {
        const manager = e.managerId ? byId.get(e.managerId) : undefined;
        const partner = e.hrPartnerId ? byId.get(e.hrPartnerId) : undefined;
        return {
          id: e.id,
          name: e.name,
          title: e.title,
          department: e.department,
          email: e.email,
          location: e.location,
          ...(manager ? { manager: person(manager) } : {}),
          ...(partner ? { hrPartner: person(partner) } : {}),
          directReports: all.filter((x) => x.managerId === e.id).map(person),
        };
      };
      let found: Employee[];
      if (input.list) found = all;
      else if (input.query) {
        const q = input.query.toLowerCase();
        const exact = findEmployee(all, input.query);
        found = exact
          ? [exact]
          : all.filter((e) => e.name.toLowerCase().includes(q) || e.title.toLowerCase().includes(q));
        if (found.length === 0) {
          throw new SwitchboardError(
            'invalid_request',
            `nobody called "${input.query}" is in the directory`,
            {
              details: { reason: 'unknown_employee', employee: input.query },
            },
          );
        }
      } else if (input.department) found = all.filter((e) => e.department === input.department);
      else found = [actor];
      if (input.department) found = found.filter((e) => e.department === input.department);
      return { you: actor.id, matches: found.map(entry) };
    },
  });
}
