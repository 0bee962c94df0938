import { runAgentMain } from '@switchboard/agent-kit';
import { financeProfile } from './card.js';
import { createFinanceEngine } from './engine/index.js';

await runAgentMain({
  profile: financeProfile,
  version: '0.1.0',
  defaultOpsPort: 9412,
  createEngine: (deps) => createFinanceEngine(deps),
});
