import { describe, expect, it } from 'vitest';
import { errorReply } from './codec.js';
import { ErrorCodes } from './errors.js';
import { Failure, FailureKinds, isFailure, wireCode } from './failures.js';

describe('internal failures', () => {
  it('every kind maps to a retryable wire code', () => {
    for (const kind of Object.keys(FailureKinds) as (keyof typeof FailureKinds)[]) {
      expect(ErrorCodes[wireCode(kind)].retryable).toBe(true);
    }
  });

  it('gets its wire code only at the edge, in errorReply', () => {
    const f = new Failure('circuit_open', 'jetstream is unavailable (circuit open)', {
      target: 'jetstream',
      retryAfterMs: 5000,
    });
    expect(f).toMatchObject({
      kind: 'circuit_open',
      target: 'jetstream',
      retryAfterMs: 5000,
      retryable: true,
    });
    expect('code' in f).toBe(false);
    expect(errorReply(f)).toEqual({
      ok: false,
      error: { code: 'agent_unavailable', message: 'jetstream is unavailable (circuit open)' },
    });
    expect(errorReply(new Failure('deadline_passed', 'no answer within the deadline')).error.code).toBe(
      'timeout',
    );
  });

  it('is recognised by kind', () => {
    const f = new Failure('not_ready', 'loading');
    expect(isFailure(f)).toBe(true);
    expect(isFailure(f, 'not_ready')).toBe(true);
    expect(isFailure(f, 'circuit_open')).toBe(false);
    expect(isFailure(new Error('x'))).toBe(false);
  });
});
