import type { ToolResult } from '@switchboard/agent-kit';
import { describe, expect, it } from 'vitest';
import { hrTools, outputOf, useHrServer } from '../testing/hr-fixture.js';
import type { RequestLeaveOutput } from './request-leave.js';

const TODAY = '2026-07-15';
const hr = useHrServer();

const out = (r: ToolResult) => outputOf<RequestLeaveOutput>(r);

describe('request_leave', () => {
  it('previews without changing anything', async () => {
    const t = await hrTools(hr, TODAY);
    const before = await t.snapshot();
    const r = await t.executor.execute(
      'request_leave',
      { start: '2026-08-03', end: '2026-08-05' },
      t.ctx('alice'),
    );
    expect(r.ok).toBe(true);
    expect(out(r)).toMatchObject({
      status: 'preview',
      type: 'vacation',
      workingDays: 3,
      dates: ['2026-08-03', '2026-08-04', '2026-08-05'],
      remainingBefore: 18,
      remainingAfter: 15,
    });
    expect(await t.snapshot()).toEqual(before);
    expect(t.events).toEqual([]);
  });

  it('books with confirm, stores it in KV and emits leave_requested; a rerun of the task books once', async () => {
    const t = await hrTools(hr, TODAY);
    const input = { start: '2026-08-03', end: '2026-08-05', confirm: true, note: 'family trip' };
    const r = await t.executor.execute('request_leave', input, t.ctx('alice', 'task-book-1'));
    expect(out(r)).toMatchObject({
      status: 'booked',
      alreadyBooked: false,
      workingDays: 3,
      remainingAfter: 15,
    });
    const id = out(r).requestId!;
    expect(id).toMatch(/^LR-[0-9a-f]{10}$/);
    const stored = (await t.store.leave('alice')).requests.find((x) => x.id === id);
    expect(stored).toMatchObject({
      start: '2026-08-03',
      end: '2026-08-05',
      days: 3,
      status: 'approved',
      requestedBy: 'alice',
      taskId: 'task-book-1',
      note: 'family trip',
    });
    expect(t.events).toEqual([
      {
        kind: 'leave_requested',
        data: {
          requestId: id,
          employeeId: 'alice',
          requestedBy: 'alice',
          type: 'vacation',
          start: '2026-08-03',
          end: '2026-08-05',
          days: 3,
        },
      },
    ]);

    const snap = await t.snapshot();
    const again = await t.executor.execute('request_leave', input, t.ctx('alice', 'task-book-1'));
    expect(out(again)).toMatchObject({
      status: 'booked',
      alreadyBooked: true,
      requestId: id,
      remainingAfter: 15,
    });
    expect(await t.snapshot()).toEqual(snap);
    expect(t.events).toHaveLength(2); // re-emitted; the event id (task id) de-duplicates it downstream
    const balance = await t.executor.execute('leave_balance', {}, t.ctx('alice'));
    expect(balance.ok && balance.output).toMatchObject({ vacation: { booked: 3, remaining: 15 } });
  });

  it('does not count weekends and company holidays', async () => {
    const t = await hrTools(hr, TODAY);
    const r = await t.executor.execute(
      'request_leave',
      { start: '2026-09-04', end: '2026-09-11' },
      t.ctx('alice'),
    );
    expect(out(r)).toMatchObject({
      workingDays: 5,
      holidaysSkipped: [{ date: '2026-09-07', name: 'Labor Day' }],
    });
  });

  it.each([
    ['in the past', { start: '2026-07-14' }, 'past_dates'],
    ['reversed', { start: '2026-08-05', end: '2026-08-03' }, 'reversed_dates'],
    ['a weekend only', { start: '2026-07-18', end: '2026-07-19' }, 'no_working_days'],
    ['longer than the balance', { start: '2026-08-03', end: '2026-09-11' }, 'insufficient_balance'],
    ['across the new year', { start: '2026-12-30', end: '2027-01-04' }, 'crosses_year'],
  ])('refuses dates %s and changes nothing', async (_, dates, reason) => {
    const t = await hrTools(hr, TODAY);
    const before = await t.snapshot();
    const r = await t.executor.execute('request_leave', { ...dates, confirm: true }, t.ctx('alice'));
    expect(!r.ok && r.error).toMatchObject({ code: 'invalid_request', details: { reason } });
    expect(await t.snapshot()).toEqual(before);
    expect(t.events).toEqual([]);
  });

  it('refuses malformed dates before running', async () => {
    const t = await hrTools(hr, TODAY);
    const r = await t.executor.execute('request_leave', { start: '2026-02-30' }, t.ctx('alice'));
    expect(!r.ok && r.error.code).toBe('invalid_request');
    const r2 = await t.executor.execute('request_leave', { start: 'next monday' }, t.ctx('alice'));
    expect(!r2.ok && r2.error.code).toBe('invalid_request');
  });

  it('refuses a request overlapping booked leave', async () => {
    const t = await hrTools(hr, TODAY);
    const first = await t.executor.execute(
      'request_leave',
      { start: '2026-08-03', end: '2026-08-05', confirm: true },
      t.ctx('alice'),
    );
    const before = await t.snapshot();
    const r = await t.executor.execute(
      'request_leave',
      { start: '2026-08-05', end: '2026-08-06', confirm: true },
      t.ctx('alice'),
    );
    expect(!r.ok && r.error).toMatchObject({
      code: 'invalid_request',
      details: {
        reason: 'overlap',
        conflict: { id: out(first).requestId, start: '2026-08-03', end: '2026-08-05' },
      },
    });
    expect(await t.snapshot()).toEqual(before);
  });

  it('lets a manager book for a direct report, never for others (KV unchanged)', async () => {
    const t = await hrTools(hr, TODAY);
    const r = await t.executor.execute(
      'request_leave',
      { start: '2026-08-10', employee: 'alice', confirm: true },
      t.ctx('bob'),
    );
    expect(out(r)).toMatchObject({ status: 'booked', employee: { id: 'alice' }, workingDays: 1 });
    expect((await t.store.leave('alice')).requests.at(-1)).toMatchObject({ requestedBy: 'bob' });
    const before = await t.snapshot();
    const refused = await t.executor.execute(
      'request_leave',
      { start: '2026-08-03', end: '2026-09-11', employee: 'carol', confirm: true },
      t.ctx('alice'),
    );
    expect(!refused.ok && refused.error).toMatchObject({
      code: 'unauthorized',
      details: { reason: 'not_permitted', employee: 'carol' },
    });
    expect(await t.snapshot()).toEqual(before);
  });

  it('books sick leave against the sick balance', async () => {
    const t = await hrTools(hr, TODAY);
    const r = await t.executor.execute(
      'request_leave',
      { start: TODAY, type: 'sick', confirm: true },
      t.ctx('alice'),
    );
    expect(out(r)).toMatchObject({ type: 'sick', workingDays: 1, remainingBefore: 9, remainingAfter: 8 });
  });

  it('keeps every concurrent booking (revision checks with retry) and refuses the overlapping one', async () => {
    const t = await hrTools(hr, TODAY);
    const ranges = [
      ['2026-08-03', '2026-08-03'],
      ['2026-08-04', '2026-08-04'],
      ['2026-08-05', '2026-08-05'],
      ['2026-08-06', '2026-08-06'],
      ['2026-08-06', '2026-08-07'],
    ];
    const results = await Promise.all(
      ranges.map(([start, end], i) =>
        t.executor.execute('request_leave', { start, end, confirm: true }, t.ctx('alice', `race-${i}`)),
      ),
    );
    const booked = results.filter((r) => r.ok);
    expect(booked).toHaveLength(4); // one of the two 6 August requests loses
    const stored = (await t.store.leave('alice')).requests.filter((r) => r.taskId.startsWith('race-'));
    expect(stored).toHaveLength(4);
  });
});
