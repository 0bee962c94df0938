import Anthropic from '@anthropic-ai/sdk';

/**
 * An Anthropic client for {@link createLlm}: the SDK's own retries are off (`maxRetries: 0`),
 * because the LLM layer retries itself and honours `retry-after`; one place decides, so attempts
 * never multiply.
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
