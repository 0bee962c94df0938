import { defineTool } from '@switchboard/agent-kit';
import { SwitchboardError } from '@switchboard/contracts';
import { z } from 'zod';
import { WEEKDAYS, weekday, yearOf } from '../domain/calendar.js';
import type { HrToolDeps } from './deps.js';

const Day = z.object({ date: z.string(), name: z.string(), weekday: z.string() });
const Output = z.object({
  year: z.number(),
  today: z.string(),
  holidays: z.array(Day),
  next: Day.optional(),
});
export type CompanyHolidaysOutput = z.infer<typeof Output>;

/** The company holidays of a year (this year by default), and the next one to come. */
export function companyHolidaysTool(deps: HrToolDeps) {
  return defineTool({
    name: 'company_holidays',
    description:
      'Lists the company holidays (office closed, not counted as leave) of a calendar year, this year by default, with the next upcoming one.',
    input: z.strictObject({
      year: z.number().int().min(2000).max(2100).optional().describe('Calendar year; defaults to this year.'),
    }),
    output: Output,
    async run(input) {
      const today = deps.today();
      const thisYear = yearOf(today);
      const year = input.year ?? thisYear;
      if (year < thisYear - 1 || year > thisYear + 2) {
        throw new SwitchboardError(
          'invalid_request',
          `holidays are published for ${thisYear - 1} to ${thisYear + 2} only`,
          {
            details: { reason: 'year_out_of_range', year },
          },
        );
      }
      const list = (await deps.store.holidays(year)).holidays.map((h) => ({
        ...h,
        weekday: WEEKDAYS[weekday(h.date)]!,
      }));
      let next = list.find((h) => h.date >= today);
      if (!next && year === thisYear) {
        next = (await deps.store.holidays(thisYear + 1)).holidays
          .map((h) => ({ ...h, weekday: WEEKDAYS[weekday(h.date)]! }))
          .find((h) => h.date >= today);
      }
      return { year, today, holidays: list, ...(next ? { next } : {}) };
    },
  });
}
