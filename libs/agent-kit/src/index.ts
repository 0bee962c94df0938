export { type AgentServiceOptions, startAgentService } from './agent-service.js';
export { createAnthropicClient } from './claude/client.js';
export { type ClaudeEngineOptions, createClaudeEngine, type FallbackReason } from './claude/engine.js';
export { classifyLlmError, LlmCallError, type LlmFailureKind, retryAfterMs } from './claude/errors.js';
export {
  type FakeMessagesApi,
  type FakeReply,
  type FakeStep,
  fakeError,
  fakeMessage,
  fakeText,
  fakeToolUse,
  type RecordedRequest,
  startFakeMessagesApi,
} from './claude/fake-messages-api.js';
export { textOf, toAnthropicTools, toAssistantContent, toMessages } from './claude/messages.js';
export { type AgentConfig, agentEnv, loadAgentConfig } from './config.js';
export { DeadLetterHeaders, deadLetter } from './dead-letter.js';
export { serveDirectEndpoint } from './direct-endpoint.js';
export type { DomainEvent, Engine, EngineContext, EngineInput, EngineResult } from './engine.js';
export { runAgentMain } from './main.js';
export type { AgentProfile } from './profile.js';
export { cardKey, startHeartbeat } from './registry.js';
export { sendReply } from './replies.js';
export { backoffMs, startTaskWorker, type TaskWorkerOptions } from './task-worker.js';
export { createToolExecutor, type ToolExecutor, type ToolResult } from './tools/executor.js';
export { defineTool, type Tool, type ToolContext } from './tools/types.js';
export { processTurn, type TurnOutcome } from './turn.js';
