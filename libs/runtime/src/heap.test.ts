import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { growthFactor } from './heap.js';

const dist = join(import.meta.dirname, '..', 'dist', 'heap.js');

/**
 * Runs a child process that applies `mode` (semi-spaces of at most `maxMB` in lean mode), then
 * allocates with many survivors, as a busy service does, yielding to the event loop now and then;
 * returns the largest young-generation size it saw, in MB.
 */
async function youngAfterChurn(mode: 'lean' | 'v8', maxMB: number): Promise<number> {
  const script = `
    import v8 from 'node:v8';
    import { setImmediate as tick } from 'node:timers/promises';
    import { tuneHeap } from ${JSON.stringify(dist)};
    const stop = tuneHeap(${JSON.stringify(mode)}, { growthPercent: 30, youngMaxMB: ${maxMB} });
    const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;
    let most = 0;
    const keep = [];
    for (let i = 0; i < 3e6; i++) {
      keep.push({ i, s: 'x' + i });
      if (keep.length > 100000) keep.splice(0, 50000);
      if (i % 2000 === 0) { await tick(); most = Math.max(most, young()); }
    }
    stop();
    process.stdout.write(String(most));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  return Number(stdout);
}

describe('heap mode', () => {
  it('picks the growth factor that reaches the largest semi-space in one step and no further', () => {
    expect(growthFactor(1, 8)).toBe(8);
    expect(growthFactor(2, 8)).toBe(4);
    expect(growthFactor(4, 8)).toBe(2);
    expect(growthFactor(8, 8)).toBe(1);
    expect(growthFactor(16, 8)).toBe(1);
    // After an idle spell V8 shrinks the semi-spaces back to 1 MB: the factor lets them regrow.
    expect(growthFactor(1, 4)).toBe(4);
  });

  it('holds the young generation at its cap under load, where V8 alone grows it further', async () => {
    const [lean, v8] = await Promise.all([youngAfterChurn('lean', 4), youngAfterChurn('v8', 4)]);
    // Two semi-spaces of at most 4 MB; V8's own limit is two of 16 MB.
    expect(lean).toBeLessThanOrEqual(8);
    expect(lean).toBeGreaterThan(2);
    expect(v8).toBeGreaterThan(8);
  });
});
