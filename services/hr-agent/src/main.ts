import { runAgentMain } from '@switchboard/agent-kit';
import { hrProfile } from './card.js';
import { createHrEngine } from './engine/index.js';

await runAgentMain({
  profile: hrProfile,
  version: '0.1.0',
  defaultOpsPort: 9411,
  createEngine: (deps) => createHrEngine(deps),
});
