import type { ToolResult } from '@switchboard/agent-kit';
import { describe, expect, it } from 'vitest';
import { hrTools, outputOf, useHrServer } from '../testing/hr-fixture.js';
import type { CancelLeaveOutput } from './cancel-leave.js';
import type { RequestLeaveOutput } from './request-leave.js';

const TODAY = '2026-07-15';
const hr = useHrServer();

const out = (r: ToolResult) => outputOf<CancelLeaveOutput>(r);

describe('cancel_leave', () => {
  it('cancels by id, gives the days back and emits leave_cancelled; a rerun of the task changes nothing', async () => {
    const t = await hrTools(hr, TODAY);
    const booked = await t.executor.execute(
      'request_leave',
      { start: '2026-08-03', end: '2026-08-05', confirm: true },
      t.ctx('alice'),
    );
    const id = outputOf<RequestLeaveOutput>(booked).requestId!;
    t.events.length = 0;
    const r = await t.executor.execute('cancel_leave', { requestId: id }, t.ctx('alice', 'task-cancel-1'));
    expect(out(r)).toMatchObject({
      status: 'cancelled',
      alreadyCancelled: false,
      remaining: 18,
      request: { id, state: 'cancelled' },
    });
    expect((await t.store.leave('alice')).requests.find((x) => x.id === id)).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'alice',
      cancelTaskId: 'task-cancel-1',
    });
    expect(t.events).toEqual([
      {
        kind: 'leave_cancelled',
        data: {
          requestId: id,
          employeeId: 'alice',
          cancelledBy: 'alice',
          type: 'vacation',
          start: '2026-08-03',
          end: '2026-08-05',
          days: 3,
        },
      },
    ]);
    const snap = await t.snapshot();
    const again = await t.executor.execute(
      'cancel_leave',
      { requestId: id },
      t.ctx('alice', 'task-cancel-1'),
    );
    expect(out(again)).toMatchObject({ alreadyCancelled: false, remaining: 18 });
    expect(await t.snapshot()).toEqual(snap);
    const other = await t.executor.execute(
      'cancel_leave',
      { requestId: id },
      t.ctx('alice', 'task-cancel-2'),
    );
    expect(out(other)).toMatchObject({ alreadyCancelled: true });
    expect(t.events).toHaveLength(2); // the rerun re-emits (same event id); another task does not
  });

  it('cancels by a date inside the request', async () => {
    const t = await hrTools(hr, TODAY);
    const r = await t.executor.execute('cancel_leave', { date: '2026-08-25' }, t.ctx('carol'));
    expect(out(r)).toMatchObject({
      request: { start: '2026-08-24', end: '2026-08-25', days: 2 },
      remaining: 15,
    });
  });

  it('refuses leave that has started or been taken, unknown requests and missing references', async () => {
    const t = await hrTools(hr, TODAY);
    const before = await t.snapshot();
    const past = await t.executor.execute('cancel_leave', { requestId: 'LR-seed-alice-1' }, t.ctx('alice'));
    expect(!past.ok && past.error).toMatchObject({
      code: 'invalid_request',
      details: { reason: 'already_started' },
    });
    const unknown = await t.executor.execute('cancel_leave', { requestId: 'LR-nope' }, t.ctx('alice'));
    expect(!unknown.ok && unknown.error).toMatchObject({ details: { reason: 'unknown_request' } });
    const neither = await t.executor.execute('cancel_leave', {}, t.ctx('alice'));
    expect(!neither.ok && neither.error.code).toBe('invalid_request');
    expect(await t.snapshot()).toEqual(before);
  });

  it("lets a manager cancel a report's leave, never anyone else's", async () => {
    const t = await hrTools(hr, TODAY);
    const before = await t.snapshot();
    const refused = await t.executor.execute(
      'cancel_leave',
      { requestId: 'LR-seed-carol-1', employee: 'carol' },
      t.ctx('alice'),
    );
    expect(!refused.ok && refused.error).toMatchObject({
      code: 'unauthorized',
      details: { reason: 'not_permitted' },
    });
    // Without `employee` the id is looked up in the asker's own record only.
    const own = await t.executor.execute('cancel_leave', { requestId: 'LR-seed-carol-1' }, t.ctx('alice'));
    expect(!own.ok && own.error).toMatchObject({ details: { reason: 'unknown_request' } });
    expect(await t.snapshot()).toEqual(before);
    const frank = await t.executor.execute(
      'cancel_leave',
      { requestId: 'LR-seed-carol-1', employee: 'carol' },
      t.ctx('frank'),
    );
    expect(out(frank)).toMatchObject({ employee: { id: 'carol' }, alreadyCancelled: false });
    expect((await t.store.leave('carol')).requests[0]).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'frank',
    });
  });
});
