export { type ClaudeClassifierOptions, createClaudeClassifier } from './claude.js';
export { createEmbeddedRouterClassifier, type EmbeddedRouterOptions } from './embedded.js';
export type { AgentView, Classifier, RoutingDecision, RoutingMethod } from './types.js';
