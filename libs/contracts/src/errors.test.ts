import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, errorCodeList, SwitchboardError } from './errors.js';

describe('error code catalogue', () => {
  it('matches the codes docs/architecture.md fixes', () => {
    expect(errorCodeList).toEqual([
      'invalid_request',
      'payload_too_large',
      'unknown_session',
      'unknown_saga',
      'session_closed',
      'agent_unavailable',
      'timeout',
      'rate_limited',
      'unauthorized',
      'forbidden',
      'budget_exceeded',
      'internal',
    ]);
  });
  it('is documented in the README with the same HTTP status', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const rows = readme
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .map((l) => l.split('|').map((c) => c.trim()));
    for (const code of errorCodeList) {
      const row = rows.find((cells) => cells[1] === `\`${code}\``);
      expect(row, `README error table has no row for ${code}`).toBeDefined();
      expect(row?.[2]).toBe(String(ErrorCodes[code].httpStatus));
    }
  });
  it('carries retry behaviour as data', () => {
    expect(new SwitchboardError('timeout', 'x').retryable).toBe(true);
    expect(new SwitchboardError('invalid_request', 'x').retryable).toBe(false);
    const e = new SwitchboardError('rate_limited', 'x', { retryAfterMs: 1500, cause: new Error('root') });
    expect(e.retryAfterMs).toBe(1500);
    expect((e.cause as Error).message).toBe('root');
  });
});
