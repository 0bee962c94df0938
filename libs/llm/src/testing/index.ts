// Test support, published as `@switchboard/llm/testing`: no SDK, nothing of the runtime entry point.
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
} from './fake-messages-api.js';
export type { FakeStreamOptions } from './fake-stream.js';
