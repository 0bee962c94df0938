import { describe, expect, it } from 'vitest';
import { HrKeys } from '../store.js';
import { hrTools, outputOf, useHrServer } from '../testing/hr-fixture.js';
import type { CompanyHolidaysOutput } from './company-holidays.js';

const TODAY = '2026-07-15';
const hr = useHrServer();

describe('company_holidays', () => {
  it("lists this year's holidays and the next one", async () => {
    const t = await hrTools(hr, TODAY);
    const r = await t.executor.execute('company_holidays', {}, t.ctx(undefined));
    const o = outputOf<CompanyHolidaysOutput>(r);
    expect(o.year).toBe(2026);
    expect(o.holidays).toHaveLength(9);
    expect(o.holidays[0]).toEqual({ date: '2026-01-01', name: "New Year's Day", weekday: 'Thursday' });
    expect(o.next).toEqual({ date: '2026-09-07', name: 'Labor Day', weekday: 'Monday' });
  });

  it('stores a later year on first use and refuses years far away', async () => {
    const t = await hrTools(hr, TODAY);
    expect(await t.store.kv.get(HrKeys.holidays(2028))).toBeNull();
    const r = await t.executor.execute('company_holidays', { year: 2028 }, t.ctx('alice'));
    expect(outputOf<CompanyHolidaysOutput>(r).holidays.map((h) => h.date)).toContain('2028-12-25');
    expect(await t.store.kv.get(HrKeys.holidays(2028))).not.toBeNull();
    const far = await t.executor.execute('company_holidays', { year: 2031 }, t.ctx('alice'));
    expect(!far.ok && far.error).toMatchObject({
      code: 'invalid_request',
      details: { reason: 'year_out_of_range' },
    });
  });

  it('finds the next holiday in next year after the last one of this year', async () => {
    const t = await hrTools(hr, '2026-12-28');
    const r = await t.executor.execute('company_holidays', {}, t.ctx('alice'));
    expect(outputOf<CompanyHolidaysOutput>(r).next).toMatchObject({
      date: '2027-01-01',
      name: "New Year's Day",
    });
  });
});
