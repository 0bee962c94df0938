// The delivery policy against the decision tables of docs/delivery.md: every row of the documented
// tables is a case here, so the documentation and the code cannot drift apart.
import { readFileSync } from 'node:fs';
import { type ErrorCode, SwitchboardError } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  type Decision,
  decide,
  onArrivalWhileStopping,
  releaseAtDrainTimeout,
  resultOfError,
  type TurnResult,
} from './decide.js';

const doc = readFileSync(new URL('../../../../docs/delivery.md', import.meta.url), 'utf8');

/** The body rows of the table between `<!-- name ... -->` and `<!-- /name -->`, as unquoted cells. */
function tableRows(name: string): string[][] {
  const start = doc.indexOf(`<!-- ${name}:`);
  const end = doc.indexOf(`<!-- /${name} -->`);
  if (start < 0 || end < 0) throw new Error(`table ${name} not found in docs/delivery.md`);
  return doc
    .slice(start, end)
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2)
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim().replace(/^`|`$/g, '')),
    );
}

/** `3 of 6` → [3, 6]. */
function delivery(cell: string): [number, number] {
  const m = /^(\d+) of (\d+)$/.exec(cell);
  if (!m) throw new Error(`bad delivery cell: ${cell}`);
  return [Number(m[1]), Number(m[2])];
}

/** The result cell: `answered duplicate`, `refused <code>`, `failed retryable <code> after=<ms>`, ... */
function result(cell: string): TurnResult {
  const [kind, ...rest] = cell.split(' ');
  switch (kind) {
    case 'answered':
      return { kind, duplicate: rest.includes('duplicate'), ended: rest.includes('ended') };
    case 'refused':
      return { kind, code: rest[0] as ErrorCode };
    case 'failed': {
      const after = rest.find((w) => w.startsWith('after='));
      return {
        kind,
        retryable: rest[0] === 'retryable',
        code: rest[1] as ErrorCode,
        retryAfterMs: after ? Number(after.slice(6)) : undefined,
      };
    }
    case 'invalid_task':
    case 'expired':
      return { kind };
    default:
      throw new Error(`bad result cell: ${cell}`);
  }
}

/** The decision cell as the parts of a {@link Decision} it names. */
function expected(cell: string, outcome: string): Partial<Decision> {
  const [action, arg] = cell.split(' ');
  switch (action) {
    case 'reply_and_ack':
      return { action, reply: arg as 'answer' | 'error', outcome };
    case 'retry':
      return { action, delayMs: Number(arg), outcome } as Partial<Decision>;
    case 'dead_letter':
      return { action, reason: arg!, outcome } as Partial<Decision>;
    case 'expire':
    case 'none':
      return { action, outcome } as Partial<Decision>;
    default:
      throw new Error(`bad decision cell: ${cell}`);
  }
}

const decisionRows = tableRows('decision-table');
const drainRows = tableRows('drain-table');

describe('the decision table of docs/delivery.md', () => {
  it('has rows for every way a handling can end and every decision', () => {
    const kinds = new Set(decisionRows.map((r) => result(r[0]!).kind));
    expect([...kinds].sort()).toEqual(['answered', 'expired', 'failed', 'invalid_task', 'refused']);
    const actions = new Set(decisionRows.map((r) => r[3]!.split(' ')[0]));
    expect([...actions].sort()).toEqual(['dead_letter', 'expire', 'none', 'reply_and_ack', 'retry']);
  });

  it.each(decisionRows)('%s, delivery %s, released %s → %s (%s)', (res, del, released, decision, outcome) => {
    const [deliveryCount, maxDeliver] = delivery(del!);
    const got = decide(result(res!), { deliveryCount, maxDeliver, released: released === 'yes' });
    expect(got).toEqual(expected(decision!, outcome!));
  });
});

describe('the drain table of docs/delivery.md', () => {
  it.each(drainRows)('%s, delivery %s, replied %s → %s', (when, del, replied, action) => {
    const [deliveryCount, maxDeliver] = delivery(del!);
    if (when === 'arrives after the stop') {
      expect(onArrivalWhileStopping(deliveryCount, maxDeliver)).toBe(action);
    } else {
      const release = releaseAtDrainTimeout({ replied: replied === 'yes', deliveryCount, maxDeliver });
      expect(release ? 'release' : 'keep').toBe(action);
    }
  });
});

describe('backoff and the result of an error', () => {
  it('doubles from 1 s and stops at 15 s', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });

  it('maps thrown errors to results', () => {
    expect(resultOfError(new Error('boom'))).toEqual({ kind: 'failed', retryable: true, code: 'internal' });
    expect(resultOfError(new SwitchboardError('session_closed', 'ended'))).toEqual({
      kind: 'refused',
      code: 'session_closed',
    });
    expect(resultOfError(new SwitchboardError('timeout', 'slow', { retryAfterMs: 250 }))).toEqual({
      kind: 'failed',
      retryable: true,
      code: 'timeout',
      retryAfterMs: 250,
    });
    expect(resultOfError(new SwitchboardError('internal', 'bug', { retryable: false }))).toEqual({
      kind: 'failed',
      retryable: false,
      code: 'internal',
      retryAfterMs: undefined,
    });
  });
});
