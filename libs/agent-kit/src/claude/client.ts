import Anthropic from '@anthropic-ai/sdk';

/**
 * An Anthropic client for {@link createClaudeEngine}: the SDK's own retries are off
 * (`maxRetries: 0`), because the engine retries through the guard and honours `retry-after`
 * itself; one place decides, so attempts never multiply.
 */
export function createAnthropicClient(opts: {
  apiKey: string;
  baseURL?: string | undefined;
  timeoutMs?: number;
}): Anthropic {
  return new Anthropic({
    apiKey: opts.apiKey,
    ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 60_000,
  });
}
