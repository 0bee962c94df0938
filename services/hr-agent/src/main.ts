import { runAgentMain } from '@switchboard/agent-kit';
import { createSagaStore } from '@switchboard/runtime';
import { createHrApprovalDesk, startHrApprovals } from './approvals/index.js';
import { hrProfile } from './card.js';
import { createHrEngineParts } from './engine/index.js';
import { startHrOnboarding } from './onboarding/index.js';

await runAgentMain({
  profile: hrProfile,
  version: '0.1.0',
  defaultOpsPort: 9411,
  createEngine: async (deps) => {
    const sagas = createSagaStore(deps.buckets.sagas);
    const approvals = createHrApprovalDesk(deps);
    const parts = await createHrEngineParts({ ...deps, sagas, approvals });
    // HR's side of the onboarding saga after Finance: complete or compensate, tell the requester.
    const onboarding = await startHrOnboarding({ ...deps, store: parts.store, sagas });
    deps.onStop(onboarding.stop);
    // Long vacation waits for the manager; managers decide approvals here (docs/workflows/approvals.md).
    // Its tools are served on agents.hr.tools as well (MCP through the gateway, docs/mcp.md).
    return { engine: await startHrApprovals(deps, approvals, parts), tools: parts.executor };
  },
});
