/**
 * Date-only arithmetic on ISO dates (`YYYY-MM-DD`). Every date is a calendar day with no time zone:
 * it is turned into a UTC midnight only to do arithmetic, so daylight saving never shifts a day.
 */

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const WEEKDAYS = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const;
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** True when `s` is a real calendar date in `YYYY-MM-DD` form (2026-02-30 is not). */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** Builds a date from year, month (1-12) and day; `undefined` when it does not exist. */
export function makeDate(year: number, month: number, day: number): string | undefined {
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function toMs(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not an ISO date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

function fromMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  return fromMs(toMs(date) + n * DAY_MS);
}

/** Calendar days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toMs(b) - toMs(a)) / DAY_MS);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(toMs(date)).getUTCDay();
}

export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

export function monthOf(date: string): number {
  return Number(date.slice(5, 7));
}

export function dayOf(date: string): number {
  return Number(date.slice(8, 10));
}

export function isWeekend(date: string): boolean {
  const d = weekday(date);
  return d === 0 || d === 6;
}

/** Every date from `start` to `end`, both included. */
export function eachDay(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The days of a range that are working days: not a weekend, not in `holidays`. */
export function workingDays(start: string, end: string, holidays: ReadonlySet<string>): string[] {
  return eachDay(start, end).filter((d) => !isWeekend(d) && !holidays.has(d));
}

/** True when the ranges share at least one day. */
export function overlaps(a: { start: string; end: string }, b: { start: string; end: string }): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Today's date in `timeZone` (IANA name, default UTC) at the instant `now`. */
export function todayIn(now: Date, timeZone = 'UTC'): string {
  // The engine and every tool ask for today several times per message, and formatting costs a few
  // µs: the last answer per zone is kept for the rest of its UTC second. That is exact, not a
  // guess: zone offsets and their changes are whole seconds (tz database), so a zone's calendar day
  // only ever changes on a whole UTC second. Any other second, earlier or later (tests pass their
  // own `now`), is formatted afresh.
  const second = Math.floor(now.getTime() / 1000);
  let zone = dayFormats.get(timeZone);
  if (!zone) {
    // Building an Intl.DateTimeFormat costs ~60 µs and memory that GC gives back slowly: one per zone.
    const fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    zone = { fmt, second: Number.NaN, day: '' };
    dayFormats.set(timeZone, zone);
  }
  // An invalid date gives NaN, which never equals the cached second: `format` throws as before.
  if (second !== zone.second) {
    zone.day = zone.fmt.format(now);
    zone.second = second;
  }
  return zone.day;
}
const dayFormats = new Map<string, { fmt: Intl.DateTimeFormat; second: number; day: string }>();

/** `Mon 3 Dec` (with the year when `withYear`). */
export function formatDay(date: string, withYear = false): string {
  const wd = WEEKDAYS[weekday(date)]!.slice(0, 3);
  const mon = MONTHS[monthOf(date) - 1]!.slice(0, 3);
  return `${wd} ${dayOf(date)} ${mon}${withYear ? ` ${yearOf(date)}` : ''}`;
}

/** `Mon 3 – Wed 5 Dec`, `Mon 30 Nov – Wed 2 Dec`, `Thu 31 Dec 2026 – Fri 1 Jan 2027`, or one day. */
export function formatRange(start: string, end: string, withYear = false): string {
  if (start === end) return formatDay(start, withYear);
  const sameYear = yearOf(start) === yearOf(end);
  const sameMonth = sameYear && monthOf(start) === monthOf(end);
  if (!sameYear) return `${formatDay(start, true)} – ${formatDay(end, true)}`;
  const left = sameMonth ? `${WEEKDAYS[weekday(start)]!.slice(0, 3)} ${dayOf(start)}` : formatDay(start);
  return `${left} – ${formatDay(end, withYear)}`;
}

/** Easter Sunday of `year` (Gregorian calendar; anonymous algorithm). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return makeDate(year, month, day)!;
}

/** The `n`-th (1-based) `wd` weekday of a month, or the last one when `n` is -1. */
export function nthWeekday(year: number, month: number, wd: number, n: number): string {
  if (n === -1) {
    let d = makeDate(year, month, daysInMonth(year, month))!;
    while (weekday(d) !== wd) d = addDays(d, -1);
    return d;
  }
  let d = makeDate(year, month, 1)!;
  while (weekday(d) !== wd) d = addDays(d, 1);
  return addDays(d, 7 * (n - 1));
}
