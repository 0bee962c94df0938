import {
  type AgentEngineDeps,
  createApprovalDesk,
  type Engine,
  startApprovalOwner,
  type ToolExecutor,
  withApprovals,
} from '@switchboard/agent-kit';
import { createFinanceEngine } from '../engine/index.js';
import { withExpenseAmend } from './amend-flow.js';
import { applyExpenseApproval } from './apply.js';

export { parseAmend, withExpenseAmend } from './amend-flow.js';
export { applyExpenseApproval } from './apply.js';
export { expenseApprovalRequest } from './expense-request.js';

/**
 * The Finance engine with approvals: over-limit expenses wait in the shared `approvals` bucket;
 * managers list and decide approvals of every kind here; employees change a waiting expense; and
 * Finance, as owner, applies decisions on its expenses and expires the overdue ones (a consumer of
 * `events.*.approval_decided` and a sweeper, stopped on SIGTERM).
 */
export async function createFinanceEngineWithApprovals(
  deps: AgentEngineDeps,
): Promise<{ engine: Engine; tools: ToolExecutor }> {
  const desk = createApprovalDesk({
    agent: 'finance',
    kv: deps.buckets.approvals,
    log: deps.log,
    metrics: deps.metrics,
  });
  const finance = await createFinanceEngine({ ...deps, approvals: desk });
  const owner = await startApprovalOwner({
    desk,
    sessions: deps.sessions,
    apply: applyExpenseApproval(finance.store),
    js: deps.js,
    jsm: deps.jsm,
  });
  deps.onStop(() => owner.stop());
  // The tools go with the engine: the agent serves them on agents.finance.tools (docs/mcp.md).
  return {
    engine: withApprovals(withExpenseAmend(finance, finance.executor), desk),
    tools: finance.executor,
  };
}
