// The fake Anthropic Messages API of the tests (`@switchboard/llm/testing`, built) with a fixed
// latency: every `POST /v1/messages` is answered after `delayMs` with one final text block
// (`stop_reason: 'end_turn'`); `GET /stats` counts requests. Run as its own process so its timers
// do not share an event loop with the load generator: `node bench/fake-llm.mjs [delayMs]` prints
// `listening <port>`.
import { fakeText, startFakeMessagesApi } from '@switchboard/llm/testing';

export async function startFakeLlm({ delayMs = 100, port = 0 } = {}) {
  const reply = { ...fakeText('You have 18 vacation days left this year.'), delayMs };
  // Not recorded: a bench sends tens of thousands of requests.
  return startFakeMessagesApi([], { whenExhausted: reply, record: false, port });
}

if (import.meta.filename === process.argv[1]) {
  const api = await startFakeLlm({ delayMs: Number(process.argv[2] ?? 100) });
  process.stdout.write(`listening ${api.port}\n`);
  const bye = () => api.close().then(() => process.exit(0));
  process.on('SIGTERM', bye);
  process.on('SIGINT', bye);
}
