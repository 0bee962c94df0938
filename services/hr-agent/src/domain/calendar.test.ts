import { describe, expect, it } from 'vitest';
import { companyHolidays } from '../data/demo.js';
import { easterSunday, formatRange, todayIn, workingDays } from './calendar.js';

describe('calendar', () => {
  it('computes Easter and the company holidays of a year, moved off weekends', () => {
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2027)).toBe('2027-03-28');
    expect(companyHolidays(2026).map((h) => `${h.date} ${h.name}`)).toEqual([
      "2026-01-01 New Year's Day",
      '2026-04-03 Good Friday',
      '2026-05-25 Memorial Day',
      '2026-07-03 Independence Day', // 4 July 2026 is a Saturday
      '2026-09-07 Labor Day',
      '2026-11-26 Thanksgiving Day',
      '2026-11-27 Day after Thanksgiving',
      '2026-12-24 Christmas Eve',
      '2026-12-25 Christmas Day',
    ]);
    // 1 Jan 2028 is a Saturday: observed on Fri 31 Dec 2027, which belongs to 2028's list, not 2027's.
    expect(companyHolidays(2027).some((h) => h.date === '2027-12-31')).toBe(false);
  });

  it('counts working days without weekends and holidays', () => {
    const off = new Set(companyHolidays(2026).map((h) => h.date));
    expect(workingDays('2026-09-04', '2026-09-11', off)).toEqual([
      '2026-09-04',
      '2026-09-08',
      '2026-09-09',
      '2026-09-10',
      '2026-09-11',
    ]);
    expect(workingDays('2026-07-18', '2026-07-19', off)).toEqual([]);
  });

  it('formats ranges and finds today in a time zone', () => {
    expect(formatRange('2026-08-03', '2026-08-05', true)).toBe('Mon 3 – Wed 5 Aug 2026');
    expect(formatRange('2026-07-30', '2026-08-04')).toBe('Thu 30 Jul – Tue 4 Aug');
    expect(formatRange('2026-12-31', '2027-01-01')).toBe('Thu 31 Dec 2026 – Fri 1 Jan 2027');
    const instant = new Date('2026-07-15T23:30:00Z');
    expect(todayIn(instant)).toBe('2026-07-15');
    expect(todayIn(instant, 'Europe/Berlin')).toBe('2026-07-16');
  });
});
