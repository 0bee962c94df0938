import { describe, expect, it } from 'vitest';
import { todayIn } from './calendar.js';

// `todayIn` keeps its last answer per zone for the rest of the UTC second: it must still turn at
// the exact instant the zone's day does, and answer any instant, in any order.
describe('todayIn', () => {
  it('turns at midnight in the zone, to the millisecond, across a DST change', () => {
    // Berlin goes back from CEST (+2) to CET (+1) on 25 Oct 2026, so 25 Oct starts at 22:00 UTC.
    const at = (iso: string) => todayIn(new Date(iso), 'Europe/Berlin');
    expect(at('2026-10-24T21:59:59.000Z')).toBe('2026-10-24');
    expect(at('2026-10-24T21:59:59.999Z')).toBe('2026-10-24');
    expect(at('2026-10-24T22:00:00.000Z')).toBe('2026-10-25');
    expect(at('2026-10-24T21:59:59.999Z')).toBe('2026-10-24');
    // The next midnight is at 23:00 UTC (CET).
    expect(at('2026-10-25T22:59:59.999Z')).toBe('2026-10-25');
    expect(at('2026-10-25T23:00:00.000Z')).toBe('2026-10-26');
  });

  it('answers each zone for itself within the same second', () => {
    const instant = new Date('2026-07-15T23:30:00.250Z');
    expect(todayIn(instant, 'Europe/Berlin')).toBe('2026-07-16');
    expect(todayIn(instant)).toBe('2026-07-15');
    expect(todayIn(instant, 'America/Los_Angeles')).toBe('2026-07-15');
    expect(todayIn(instant, 'Asia/Kathmandu')).toBe('2026-07-16');
  });

  it('refuses an invalid date every time', () => {
    expect(() => todayIn(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => todayIn(new Date(Number.NaN))).toThrow(RangeError);
  });
});
