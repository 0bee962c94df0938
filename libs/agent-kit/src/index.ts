export { type AgentServiceOptions, startAgentService } from './agent-service.js';
export * from './approvals/index.js';
export { type LlmSettings, withClaude } from './claude/with-claude.js';
export { type AgentConfig, agentEnv, loadAgentConfig } from './config.js';
export { DeadLetterHeaders, deadLetter } from './dead-letter.js';
export {
  backoffMs,
  type Decision,
  type DeliveryState,
  decide,
  resultOfError,
  type TurnResult,
} from './delivery/decide.js';
export type { TaskMsg, TaskSink, TaskSource } from './delivery/task-source.js';
export { startTaskWorker, type TaskWorker, type TaskWorkerOptions } from './delivery/worker.js';
export { serveDirectEndpoint } from './direct-endpoint.js';
export type {
  ChunkSink,
  DomainEvent,
  Engine,
  EngineContext,
  EngineInput,
  EngineResult,
} from './engine.js';
export { type HandbookOverride, handbookWins, isWeakIntent } from './handbook/override.js';
export {
  createHandbookSearch,
  defaultHandbookSettings,
  type HandbookMatch,
  type HandbookSearch,
  type HandbookSearchSettings,
} from './handbook/search.js';
export {
  type HandbookLookupOutput,
  type HandbookToolOptions,
  handbookAnswer,
  handbookTool,
} from './handbook/tool.js';
export type { HandbookEntry } from './handbook/types.js';
export { createKvMirror, type KvMirror, type MirroredEntry } from './kv-mirror.js';
export { type AgentEngineBuilt, type AgentEngineDeps, runAgentMain } from './main.js';
export type { AgentProfile } from './profile.js';
export { cardKey, startHeartbeat } from './registry.js';
export { sendReply } from './replies.js';
export {
  createToolExecutor,
  type OutputChecks,
  type ToolExecutor,
  type ToolResult,
} from './tools/executor.js';
export { defineTool, type Tool, type ToolContext, toolContext } from './tools/types.js';
export {
  decodeToolsRequest,
  describeTools,
  serveToolsEndpoint,
  type ToolsEndpointOptions,
} from './tools-endpoint.js';
export { processTurn, type TurnOutcome } from './turn.js';
export { countOf, MONTH_PATTERN, NUMBER_WORD_PATTERN, NUMBER_WORDS } from './words.js';
export {
  type EventConsumerOptions,
  type EventDelivery,
  ensureEventConsumer,
  startEventConsumer,
} from './workflows/event-consumer.js';
export { armedFailpoints, failpoint } from './workflows/failpoint.js';
export { appendNotice, type Notice } from './workflows/notice.js';
