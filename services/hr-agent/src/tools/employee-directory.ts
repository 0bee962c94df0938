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

/** Who is who in one directory: everyone by id, and each manager's direct reports in directory order. */
interface DirectoryIndex {
  byId: Map<string, Employee>;
  reports: Map<string, Employee[]>;
}

/**
 * Indexes by directory array, built on first use: listing the directory looked everyone's manager
 * and reports up by scanning it, per entry and per call. The store hands out one parsed array
 * until the directory changes (a KV watch keeps it) and never changes an array in place, so an
 * index is right for as long as its array lives; a new directory is a new array and a new index.
 */
const indexes = new WeakMap<readonly Employee[], DirectoryIndex>();

function indexOf(all: readonly Employee[]): DirectoryIndex {
  let index = indexes.get(all);
  if (!index) {
    const reports = new Map<string, Employee[]>();
    for (const e of all) {
      if (e.managerId === undefined) continue;
      const list = reports.get(e.managerId);
      if (list) list.push(e);
      else reports.set(e.managerId, [e]);
    }
    index = { byId: new Map(all.map((e) => [e.id, e])), reports };
    indexes.set(all, index);
  }
  return index;
}

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
      const { byId, reports } = indexOf(all);
      // Fresh objects every call: the caller owns the output. Built field by field in the schema's
      // order: spreading the optional fields in cost more than all the rest of an entry.
      const entry = (e: Employee): DirectoryEntry => {
        const manager = e.managerId ? byId.get(e.managerId) : undefined;
        const partner = e.hrPartnerId ? byId.get(e.hrPartnerId) : undefined;
        const out: Omit<DirectoryEntry, 'directReports'> & Partial<Pick<DirectoryEntry, 'directReports'>> = {
          id: e.id,
          name: e.name,
          title: e.title,
          department: e.department,
          email: e.email,
          location: e.location,
        };
        if (manager) out.manager = person(manager);
        if (partner) out.hrPartner = person(partner);
        out.directReports = (reports.get(e.id) ?? []).map(person);
        return out as DirectoryEntry;
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
