import { SwitchboardError } from '@switchboard/contracts';
import { createGuard, createLogger, createMetrics } from '@switchboard/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createToolExecutor, extraKey, SAMPLE_EVERY, SAMPLE_FIRST } from './executor.js';
import { defineTool, type ToolContext } from './types.js';

const log = createLogger({ service: 'test', level: 'silent' });
const ctx = (): ToolContext => ({
  taskId: 't1',
  userId: 'alice',
  log,
  signal: new AbortController().signal,
  emit: () => {},
});

let backendUp = true;
let delayMs = 0;
const lookup = defineTool({
  name: 'lookup',
  description: 'looks a number up',
  input: z.strictObject({ n: z.number().int().min(0) }),
  output: z.object({ doubled: z.number() }),
  async run({ n }) {
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    if (!backendUp) throw new Error('backend down');
    if (n === 13) throw new SwitchboardError('unauthorized', 'not yours');
    return { doubled: n * 2 };
  },
});
const broken = defineTool({
  name: 'broken',
  description: 'returns the wrong shape',
  input: z.object({}),
  output: z.object({ ok: z.boolean() }),
  run: async () => ({ ok: 'yes' }) as unknown as { ok: boolean },
});

describe('tool executor', () => {
  it('validates input, runs the tool, validates output, and counts every call', async () => {
    const metrics = createMetrics('agent', { processMetrics: false });
    const ex = createToolExecutor({ agent: 'hr', tools: [lookup, broken], metrics });
    expect(await ex.execute('lookup', { n: 2 }, ctx())).toEqual({
      ok: true,
      tool: 'lookup',
      output: { doubled: 4 },
    });
    expect(await ex.execute('lookup', { n: -1 }, ctx())).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    expect(await ex.execute('lookup', { n: 1, userId: 'carol' }, ctx())).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    expect(await ex.execute('nope', {}, ctx())).toMatchObject({ ok: false, error: { code: 'unknown_tool' } });
    expect(await ex.execute('lookup', { n: 13 }, ctx())).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    expect(await ex.execute('broken', {}, ctx())).toMatchObject({
      ok: false,
      error: { code: 'tool_failed' },
    });
    const counted = (await metrics.toolCalls.get()).values.map(
      (v) => `${v.labels.tool}:${v.labels.outcome}=${v.value}`,
    );
    expect(counted.sort()).toEqual(
      [
        'broken:error=1',
        'lookup:invalid_request=2',
        'lookup:ok=1',
        'lookup:unauthorized=1',
        'unknown:unknown_tool=1',
      ].sort(),
    );
  });

  it('puts the backend behind a breaker: timeouts are typed, repeated failures open it, refusals do not count', async () => {
    const metrics = createMetrics('agent', { processMetrics: false });
    const guard = createGuard(
      { target: 'hr_data', timeoutMs: 50, failureThreshold: 2, halfOpenAfterMs: 60_000 },
      metrics,
    );
    const ex = createToolExecutor({ agent: 'hr', tools: [lookup], metrics, guard });
    expect(await ex.execute('lookup', { n: 13 }, ctx())).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    expect(guard.state()).toBe(0);
    delayMs = 200;
    expect(await ex.execute('lookup', { n: 1 }, ctx())).toMatchObject({
      ok: false,
      error: { code: 'tool_timeout' },
    });
    delayMs = 0;
    backendUp = false;
    expect(await ex.execute('lookup', { n: 1 }, ctx())).toMatchObject({
      ok: false,
      error: { code: 'tool_failed' },
    });
    expect(guard.state()).toBe(2);
    backendUp = true;
    expect(await ex.execute('lookup', { n: 1 }, ctx())).toMatchObject({
      ok: false,
      error: { code: 'agent_unavailable' },
    });
    const gauge = (await metrics.breakerState.get()).values.find((v) => v.labels.target === 'hr_data');
    expect(gauge?.value).toBe(2);
  });

  it('in sample mode checks the first calls of each tool, then one in SAMPLE_EVERY; a failed check fails the call', async () => {
    let shape: 'good' | 'bad' = 'good';
    let runs = 0;
    const flaky = defineTool({
      name: 'flaky',
      description: 'returns the wrong shape when told to',
      input: z.object({}),
      output: z.object({ ok: z.boolean() }),
      run: async () => {
        runs++;
        return (shape === 'good' ? { ok: true } : { ok: 'yes' }) as { ok: boolean };
      },
    });
    const ex = createToolExecutor({ agent: 'hr', tools: [flaky], outputChecks: 'sample' });
    const outcomes: string[] = [];
    const call = async () => {
      const r = await ex.execute('flaky', {}, ctx());
      outcomes.push(r.ok ? 'ok' : r.error.code);
    };
    shape = 'bad';
    await call(); // call 1: checked
    expect(outcomes).toEqual(['tool_failed']);
    shape = 'good';
    while (runs < SAMPLE_FIRST) await call();
    shape = 'bad';
    while (runs < SAMPLE_EVERY * 2 - 1) await call(); // not checked: the wrong shape passes
    expect(outcomes.slice(SAMPLE_FIRST).every((o) => o === 'ok')).toBe(true);
    await call(); // call 2 * SAMPLE_EVERY: checked
    expect(outcomes.at(-1)).toBe('tool_failed');
    // `all` (the default) checks every call.
    const strict = createToolExecutor({ agent: 'hr', tools: [flaky] });
    for (let i = 0; i < SAMPLE_FIRST + 1; i++) {
      expect(await strict.execute('flaky', {}, ctx())).toMatchObject({
        ok: false,
        error: { code: 'tool_failed' },
      });
    }
  });

  it('refuses an output with keys its schema does not have, since unchecked outputs are not stripped', async () => {
    const leaky = defineTool({
      name: 'leaky',
      description: 'returns a field the schema leaves out',
      input: z.object({}),
      output: z.object({ people: z.array(z.object({ id: z.string() })) }),
      run: async () => ({ people: [{ id: 'a' }, { id: 'b', salary: 1 } as { id: string }] }),
    });
    const ex = createToolExecutor({ agent: 'hr', tools: [leaky], outputChecks: 'sample' });
    expect(await ex.execute('leaky', {}, ctx())).toMatchObject({ ok: false, error: { code: 'tool_failed' } });
    expect(extraKey({ a: 1, b: undefined, c: [{ d: 1 }] }, { a: 1, c: [{ d: 1 }] })).toBeUndefined();
    expect(extraKey({ a: 1, c: [{ d: 1, e: 2 }] }, { a: 1, c: [{ d: 1 }] })).toBe('output.c[0].e');
  });
});
