// Test support, published as `@switchboard/agent-kit/testing`: not part of the runtime entry point.
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
