// The Claude engine's parts, published as `@switchboard/agent-kit/claude`. Kept out of the main
// entry so that agents running the offline engine never load the Anthropic SDK (~20 MB). The LLM
// layer itself (client, failures, retries) is `@switchboard/llm`.
export { type ClaudeEngineOptions, createClaudeEngine, type FallbackReason } from './engine.js';
export { textOf, toAnthropicTools, toAssistantContent, toMessages } from './messages.js';
