export { type ClaudeClassifierOptions, createClaudeClassifier, type LlmOutcome } from './claude.js';
export { createEmbeddedRouterClassifier, type EmbeddedRouterOptions } from './embedded.js';
export type { AgentView, Classifier, RoutingDecision, RoutingMethod } from './types.js';
