import type { Tool } from '@switchboard/agent-kit';
import { cancelLeaveTool } from './cancel-leave.js';
import { companyHolidaysTool } from './company-holidays.js';
import type { HrToolDeps } from './deps.js';
import { employeeDirectoryTool } from './employee-directory.js';
import { hrHandbookTool } from './handbook.js';
import { leaveBalanceTool } from './leave-balance.js';
import { listLeaveTool } from './list-leave.js';
import { requestLeaveTool } from './request-leave.js';

export type { HrToolDeps } from './deps.js';

/** Every HR tool, defined once: the offline engine and the Claude engine use the same list. */
export function createHrTools(deps: HrToolDeps): Tool[] {
  return [
    leaveBalanceTool(deps),
    requestLeaveTool(deps),
    listLeaveTool(deps),
    cancelLeaveTool(deps),
    companyHolidaysTool(deps),
    hrHandbookTool(),
    employeeDirectoryTool(deps),
  ];
}
