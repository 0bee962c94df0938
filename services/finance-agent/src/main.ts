import { runAgentMain } from '@switchboard/agent-kit';
import { createFinanceEngineWithApprovals } from './approvals/index.js';
import { financeProfile } from './card.js';
import { startFinanceOnboarding } from './onboarding/index.js';

await runAgentMain({
  profile: financeProfile,
  version: '0.1.0',
  defaultOpsPort: 9412,
  createEngine: async (deps) => {
    const { engine, tools } = await createFinanceEngineWithApprovals(deps);
    // Finance's step of the onboarding saga: fund the new hire, or refuse (HR compensates).
    const onboarding = await startFinanceOnboarding(deps);
    deps.onStop(onboarding.stop);
    // Its tools are served on agents.finance.tools as well (MCP through the gateway, docs/mcp.md).
    return { engine, tools };
  },
});
