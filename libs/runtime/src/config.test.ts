import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BaseEnv, ConfigError, loadConfig, portVar } from './config.js';

const Env = BaseEnv.extend({ OPS_PORT: portVar(9410) });

describe('loadConfig', () => {
  it('applies defaults and freezes the result', () => {
    const c = loadConfig(Env, {});
    expect(c.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(c.OPS_PORT).toBe(9410);
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.INSTANCE_ID).toMatch(/^[A-Za-z0-9_-]+-\d+$/);
    expect(Object.isFrozen(c)).toBe(true);
  });
  it('lists every bad variable in one error', () => {
    try {
      loadConfig(Env, { OPS_PORT: 'eighty', LOG_LEVEL: 'loud', JS_REPLICAS: '9' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/OPS_PORT/);
      expect(problems).toMatch(/LOG_LEVEL/);
      expect(problems).toMatch(/JS_REPLICAS/);
      expect((err as ConfigError).message).toMatch(/invalid configuration/);
    }
  });
  it('treats an empty API key as unset', () => {
    expect(loadConfig(Env, { ANTHROPIC_API_KEY: '  ' }).ANTHROPIC_API_KEY).toBeUndefined();
    expect(loadConfig(Env, { ANTHROPIC_API_KEY: 'k' }).ANTHROPIC_API_KEY).toBe('k');
  });
  it('works with any zod schema', () => {
    expect(loadConfig(z.object({ X: z.coerce.number() }), { X: '3' }).X).toBe(3);
  });
});
