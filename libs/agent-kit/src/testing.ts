// Test support, published as `@switchboard/agent-kit/testing`: not part of the runtime entry point.
// The fake Messages API is `@switchboard/llm/testing`'s, passed on for the agents' tests.
export * from '@switchboard/llm/testing';
