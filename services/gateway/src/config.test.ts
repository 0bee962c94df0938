import { ConfigError } from '@switchboard/runtime';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from './config.js';
import { EdgeDefaults } from './edge.js';

describe('gateway config', () => {
  it('has a rate limit, request timeouts, no CORS, no separate ops port and loopback ops by default', () => {
    const c = loadGatewayConfig({});
    expect(c).toMatchObject({
      GATEWAY_RATE_LIMIT_MAX: EdgeDefaults.rateLimitMax,
      GATEWAY_RATE_LIMIT_WINDOW_MS: EdgeDefaults.rateLimitWindowMs,
      GATEWAY_REQUEST_TIMEOUT_MS: EdgeDefaults.requestTimeoutMs,
      GATEWAY_HEADERS_TIMEOUT_MS: EdgeDefaults.headersTimeoutMs,
      GATEWAY_CORS_ORIGINS: [],
      GATEWAY_API_KEYS: [],
      OPS_HOST: '127.0.0.1',
    });
    expect(c.OPS_PORT).toBeUndefined();
    expect(EdgeDefaults.rateLimitMax).toBeGreaterThan(0);
  });

  it('reads lists, an ops port and a limit of 0 (off)', () => {
    const c = loadGatewayConfig({
      GATEWAY_API_KEYS: ' k1, k2 ,',
      GATEWAY_CORS_ORIGINS: 'https://app.example, http://localhost:3000',
      OPS_PORT: '9413',
      OPS_HOST: '0.0.0.0',
      GATEWAY_RATE_LIMIT_MAX: '0',
    });
    expect(c.GATEWAY_API_KEYS).toEqual(['k1', 'k2']);
    expect(c.GATEWAY_CORS_ORIGINS).toEqual(['https://app.example', 'http://localhost:3000']);
    expect(c.OPS_PORT).toBe(9413);
    expect(c.OPS_HOST).toBe('0.0.0.0');
    expect(c.GATEWAY_RATE_LIMIT_MAX).toBe(0);
  });

  it.each([
    [{ GATEWAY_CORS_ORIGINS: 'https://app.example/path' }, /GATEWAY_CORS_ORIGINS/],
    [{ GATEWAY_CORS_ORIGINS: 'app.example' }, /GATEWAY_CORS_ORIGINS/],
    [
      { GATEWAY_HEADERS_TIMEOUT_MS: '9000', GATEWAY_REQUEST_TIMEOUT_MS: '5000' },
      /GATEWAY_HEADERS_TIMEOUT_MS/,
    ],
    [{ GATEWAY_RATE_LIMIT_MAX: '-1' }, /GATEWAY_RATE_LIMIT_MAX/],
    [{ GATEWAY_REQUEST_TIMEOUT_MS: '0' }, /GATEWAY_REQUEST_TIMEOUT_MS/],
  ])('refuses %j', (env, problem) => {
    expect(() => loadGatewayConfig(env)).toThrow(ConfigError);
    expect(() => loadGatewayConfig(env)).toThrow(problem);
  });
});
