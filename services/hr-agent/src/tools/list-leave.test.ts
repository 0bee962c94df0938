import type { ToolResult } from '@switchboard/agent-kit';
import { describe, expect, it } from 'vitest';
import { hrTools, outputOf, useHrServer } from '../testing/hr-fixture.js';
import type { ListLeaveOutput } from './list-leave.js';

const TODAY = '2026-07-15';
const hr = useHrServer();

const list = (r: ToolResult) => outputOf<ListLeaveOutput>(r).requests;

describe('list_leave', () => {
  it("lists the asker's requests oldest first, with their state", async () => {
    const t = await hrTools(hr, TODAY);
    await t.executor.execute(
      'request_leave',
      { start: '2026-08-03', end: '2026-08-05', confirm: true },
      t.ctx('alice'),
    );
    const r = await t.executor.execute('list_leave', {}, t.ctx('alice'));
    expect(list(r).map((x) => [x.start, x.end, x.type, x.days, x.state])).toEqual([
      ['2026-05-18', '2026-05-22', 'vacation', 5, 'taken'],
      ['2026-06-25', '2026-06-25', 'sick', 1, 'taken'],
      ['2026-08-03', '2026-08-05', 'vacation', 3, 'upcoming'],
    ]);
    const upcoming = await t.executor.execute('list_leave', { upcomingOnly: true }, t.ctx('alice'));
    expect(list(upcoming).map((x) => x.start)).toEqual(['2026-08-03']);
  });

  it('hides cancelled requests unless asked', async () => {
    const t = await hrTools(hr, TODAY);
    const b = await t.executor.execute(
      'request_leave',
      { start: '2026-08-03', confirm: true },
      t.ctx('alice'),
    );
    await t.executor.execute(
      'cancel_leave',
      { requestId: outputOf<{ requestId: string }>(b).requestId },
      t.ctx('alice'),
    );
    expect(list(await t.executor.execute('list_leave', {}, t.ctx('alice')))).toHaveLength(2);
    const all = list(await t.executor.execute('list_leave', { includeCancelled: true }, t.ctx('alice')));
    expect(all.at(-1)).toMatchObject({ start: '2026-08-03', state: 'cancelled', status: 'cancelled' });
  });

  it("shows a direct report's requests to their manager only", async () => {
    const t = await hrTools(hr, TODAY);
    const bob = await t.executor.execute('list_leave', { employee: 'alice' }, t.ctx('bob'));
    expect(list(bob)).toHaveLength(2);
    const alice = await t.executor.execute('list_leave', { employee: 'carol' }, t.ctx('alice'));
    expect(!alice.ok && alice.error).toMatchObject({
      code: 'unauthorized',
      details: { reason: 'not_permitted' },
    });
    const frank = await t.executor.execute('list_leave', { employee: 'carol' }, t.ctx('frank'));
    expect(list(frank).map((x) => [x.start, x.end])).toEqual([['2026-08-24', '2026-08-25']]);
  });
});
