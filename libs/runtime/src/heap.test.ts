import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { heapFlags } from './heap.js';

const dist = join(import.meta.dirname, '..', 'dist', 'heap.js');

/**
 * Runs a child process that applies `mode` first thing, then allocates with many survivors (what a
 * busy service does), and returns its heap space sizes in MB.
 */
function heapAfterChurn(mode: 'lean' | 'v8'): { young: number; old: number } {
  const script = `
    import v8 from 'node:v8';
    import { tuneHeap } from ${JSON.stringify(dist)};
    tuneHeap(${JSON.stringify(mode)});
    const keep = [];
    for (let i = 0; i < 2e6; i++) {
      keep.push({ i, s: 'x' + i });
      if (keep.length > 100000) keep.splice(0, 50000);
    }
    const mb = (name) => v8.getHeapSpaceStatistics().find((s) => s.space_name === name).space_size / 2 ** 20;
    process.stdout.write(JSON.stringify({ young: mb('new_space'), old: mb('old_space') }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script]).toString());
}

describe('heap mode', () => {
  it('lean sets the two run-time V8 flags; v8 sets none', () => {
    expect(heapFlags('lean', 30)).toEqual(['--semi-space-growth-factor=1', '--heap-growing-percent=30']);
    expect(heapFlags('v8', 30)).toEqual([]);
  });

  it('takes effect when set at run time: the young generation stops growing', () => {
    const lean = heapAfterChurn('lean');
    const v8 = heapAfterChurn('v8');
    // V8 starts with 1 MB semi-spaces (2 MB in all) and, left alone, grows them up to 16 MB each.
    expect(lean.young).toBeLessThanOrEqual(2);
    expect(v8.young).toBeGreaterThan(lean.young);
  });
});
