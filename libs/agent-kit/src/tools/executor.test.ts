import { SwitchboardError } from '@switchboard/contracts';
import { createGuard, createLogger, createMetrics } from '@switchboard/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createToolExecutor } from './executor.js';
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
});
