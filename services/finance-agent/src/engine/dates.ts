import { countOf, MONTH_PATTERN, NUMBER_WORD_PATTERN } from '@switchboard/agent-kit';
import type { Quarter } from '../domain/model.js';
import { addDays, isoDay } from '../domain/rules.js';

/** Dates and quarters in free text, relative to a clock (UTC). */

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const monthRe = `(${MONTH_PATTERN})`;
const AGO = new RegExp(String.raw`\b(\d+|${NUMBER_WORD_PATTERN}) (day|week)s? ago\b`);
const weekdays = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function validDay(y: number, m: number, d: number): string | undefined {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return undefined;
  return isoDay(date);
}

/** Finds a date in the text; the second value is the matched text, removed before looking for amounts. */
export function findDate(t: string, now: Date): [string | undefined, string | undefined] {
  const today = isoDay(now);
  const iso = /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/.exec(t);
  if (iso)
    return [
      validDay(Number(iso[1]), Number(iso[2]), Number(iso[3])) ?? `${iso[1]}-${iso[2]}-${iso[3]}`,
      iso[0],
    ];
  if (/\bday before yesterday\b/.test(t)) return [addDays(today, -2), 'day before yesterday'];
  if (/\byesterday\b/.test(t)) return [addDays(today, -1), 'yesterday'];
  if (/\b(today|this morning|tonight|this evening|earlier today)\b/.test(t)) return [today, 'today'];
  if (/\btomorrow\b/.test(t)) return [addDays(today, 1), 'tomorrow'];
  const ago = AGO.exec(t);
  if (ago?.[1] && ago[2]) {
    const n = countOf(ago[1]) ?? 0;
    return [addDays(today, -n * (ago[2] === 'week' ? 7 : 1)), ago[0]];
  }
  if (/\blast week\b/.test(t)) return [addDays(today, -7), 'last week'];
  const wd = new RegExp(String.raw`\b(last|on|this past|past)?\s*(${weekdays.join('|')})\b`).exec(t);
  if (wd?.[2]) {
    const target = weekdays.indexOf(wd[2]);
    let back = (now.getUTCDay() - target + 7) % 7;
    if (back === 0 && wd[1] === 'last') back = 7;
    return [addDays(today, -back), wd[0]];
  }
  const mdy = new RegExp(String.raw`\b${monthRe}\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b`).exec(t);
  const dmy = new RegExp(
    String.raw`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?${monthRe}\.?(?:,?\s+(\d{4}))?\b`,
  ).exec(t);
  const named = mdy
    ? { month: mdy[1], day: mdy[2], year: mdy[3], text: mdy[0] }
    : dmy
      ? { month: dmy[2], day: dmy[1], year: dmy[3], text: dmy[0] }
      : undefined;
  if (named?.month && named.day) {
    const m = monthNames.indexOf(named.month.slice(0, 3)) + 1;
    const y = named.year ? Number(named.year) : now.getUTCFullYear();
    const d = validDay(y, m, Number(named.day));
    return [d ?? `${y}-${String(m).padStart(2, '0')}-${named.day.padStart(2, '0')}`, named.text];
  }
  const ord = /\b(?:on )?the (\d{1,2})(?:st|nd|rd|th)\b(?! quarter)/.exec(t);
  if (ord?.[1]) {
    const day = Number(ord[1]);
    let y = now.getUTCFullYear();
    let m = now.getUTCMonth() + 1;
    if (day > now.getUTCDate()) {
      m -= 1;
      if (m === 0) {
        m = 12;
        y -= 1;
      }
    }
    return [validDay(y, m, day), ord[0]];
  }
  return [undefined, undefined];
}

export function findQuarter(t: string, now: Date): { quarter?: Quarter; year?: number; text?: string } {
  const year = now.getUTCFullYear();
  const current = Math.floor(now.getUTCMonth() / 3) + 1;
  const explicitYear = /\b(?:fy\s?)?(20\d{2})\b/.exec(t)?.[1];
  const baseYear = explicitYear ? Number(explicitYear) : /\blast year\b/.test(t) ? year - 1 : undefined;
  const q = /\bq([1-4])\b/.exec(t) ?? /\b(first|1st|second|2nd|third|3rd|fourth|4th) quarter\b/.exec(t);
  if (q?.[1]) {
    const n =
      Number(q[1]) || ['first', 'second', 'third', 'fourth'].indexOf(q[1]) + 1 || Number(q[1].slice(0, 1));
    return { quarter: `Q${n}` as Quarter, ...(baseYear ? { year: baseYear } : {}), text: q[0] };
  }
  if (/\b(this|current|the current) quarter\b/.test(t)) return { quarter: `Q${current}` as Quarter, year };
  if (/\b(last|previous|prior) quarter\b/.test(t)) {
    return current === 1
      ? { quarter: 'Q4', year: year - 1 }
      : { quarter: `Q${current - 1}` as Quarter, year };
  }
  if (/\bnext quarter\b/.test(t)) {
    return current === 4
      ? { quarter: 'Q1', year: year + 1 }
      : { quarter: `Q${current + 1}` as Quarter, year };
  }
  return baseYear ? { year: baseYear } : {};
}
