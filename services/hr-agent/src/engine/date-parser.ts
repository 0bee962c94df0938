import { countOf, MONTH_PATTERN, NUMBER_WORD_PATTERN } from '@switchboard/agent-kit';
import { addDays, daysBetween, MONTHS, makeDate, WEEKDAYS, weekday } from '../domain/calendar.js';

/** What a text says about dates: a range, one day, and/or a length ("for 3 days"). */
export interface DateMention {
  start?: string;
  end?: string;
  /** Working days asked for ("for 3 days", "two weeks" = 10). */
  durationDays?: number;
}

const WEEKDAY_RE =
  'mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?';
const ORD = '(?:st|nd|rd|th)';

function monthNumber(name: string): number {
  const i = MONTHS.findIndex((m) => m.toLowerCase().startsWith(name.slice(0, 3)));
  return i + 1;
}

function weekdayNumber(name: string): number {
  return WEEKDAYS.findIndex((d) => d.toLowerCase().startsWith(name.slice(0, 3)));
}

/** A date-ish piece of the text, found at `[from, to)`. */
interface Atom {
  from: number;
  to: number;
  /** Fully resolved day. */
  date?: string;
  /** A range in one atom ("next week"). */
  end?: string;
  /** The month, when the text named one. */
  month?: number;
  /** A weekday name: the end of a range may move a week on to follow its start. */
  weekday?: boolean;
  /** The year was guessed (no year given): it may roll forward to keep a range in order. */
  yearGuessed?: boolean;
}

/** The first date on or after `today` with that month and day (this year, else next year). */
function upcoming(today: string, month: number, day: number): { date?: string; year: number } {
  const y = Number(today.slice(0, 4));
  const d = makeDate(y, month, day);
  if (d && d >= today) return { date: d, year: y };
  const next = makeDate(y + 1, month, day);
  return next ? { date: next, year: y + 1 } : { year: y + 1 };
}

function relativeMonth(today: string, which: 'this' | 'next'): { month: number; year: number } {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  if (which === 'this') return { month: m, year: y };
  return m === 12 ? { month: 1, year: y + 1 } : { month: m + 1, year: y };
}

/** The given weekday on or after `today` (`strict`: after). */
function nextWeekday(today: string, wd: number, strict: boolean): string {
  let diff = (wd - weekday(today) + 7) % 7;
  if (diff === 0 && strict) diff = 7;
  return addDays(today, diff);
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\s+/g, ' ');
}

/** True when a character of `[from, to)` already belongs to an atom. */
function isTaken(taken: readonly boolean[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (taken[i]) return true;
  return false;
}

// The patterns of `parseDates`, in the order it tries them (an earlier one takes its text first),
// built once: building them per message showed up in profiles. ISO_DATE to DAY_MONTH and the two
// ORDINAL ones cannot match without a digit, which lets `parseDates` skip them for most messages.
const TO =
  '(?: ?- ?| to (?:the )?| until (?:the )?| till (?:the )?| through (?:the )?| thru (?:the )?| and (?:the )?)';
const NOT_LENGTH = '(?! ?(?:days?|weeks?|am|pm|hours?))';
const ISO_DATE = /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g;
const MONTH_DAY_RANGE = new RegExp(
  `\\b(${MONTH_PATTERN})\\.? (\\d{1,2})${ORD}?${TO}(\\d{1,2})${ORD}?\\b${NOT_LENGTH}(?:,? (\\d{4})\\b)?`,
  'g',
);
const DAY_RANGE_MONTH = new RegExp(
  `\\b(?:the )?(\\d{1,2})${ORD}?${TO}(\\d{1,2})${ORD}? (?:of )?(${MONTH_PATTERN}|next month|this month)\\b(?:,? (\\d{4})\\b)?`,
  'g',
);
const MONTH_DAY = new RegExp(
  `\\b(${MONTH_PATTERN})\\.? (\\d{1,2})${ORD}?\\b${NOT_LENGTH}(?:,? (\\d{4})\\b)?`,
  'g',
);
const DAY_MONTH = new RegExp(
  `\\b(?:the )?(\\d{1,2})${ORD}? (?:of )?(${MONTH_PATTERN}|next month|this month)\\b(?:,? (\\d{4})\\b)?`,
  'g',
);
const DAY_AFTER_TOMORROW = /\b(?:the )?day after tomorrow\b/g;
const TODAY_WORDS = /\btoday\b|\btonight\b|\bthis (?:morning|afternoon)\b/g;
const TOMORROW = /\btomorrow\b/g;
const YESTERDAY = /\byesterday\b/g;
const THIS_NEXT_WEEK = /\b(this|next) week\b/g;
const WEEKDAY_NAME = new RegExp(`\\b(?:(next|this|coming|last|on) )?(${WEEKDAY_RE})\\b`, 'g');
const ORDINAL_RANGE = new RegExp(`\\b(?:the )?(\\d{1,2})${ORD}${TO}(\\d{1,2})${ORD}\\b`, 'g');
const ORDINAL = new RegExp(`\\b(?:the )?(\\d{1,2})${ORD}\\b${NOT_LENGTH}`, 'g');
const DURATION = new RegExp(
  `\\b(\\d{1,3}|${NUMBER_WORD_PATTERN}) (?:working |business |work )?(days?|weeks?)\\b`,
);

/**
 * Finds the dates in a sentence, relative to `today` (`YYYY-MM-DD`). Understands ISO dates,
 * month names ("Dec 3", "3rd of December", "December 3, 2026"), ranges joined by "to", "until",
 * "through", "-" or "and" ("Dec 3-5", "3-5 Dec", "the 3rd to the 5th of next month",
 * "2026-12-03 to 2026-12-05", "Dec 30 - Jan 2"), weekdays ("next Monday", "Friday", "last Monday"),
 * today / tomorrow / yesterday, "this week" / "next week", bare ordinals ("the 3rd": this month,
 * else next) and a length ("for 3 days", "two weeks"). A date without a year is the next one to
 * come; a past date is only produced when the text says so (a year, "yesterday", "last ...").
 */
export function parseDates(text: string, today: string): DateMention {
  const s = normalise(text);
  const taken = new Array<boolean>(s.length).fill(false);
  const atoms: Atom[] = [];
  const scan = (re: RegExp, make: (m: RegExpExecArray) => Omit<Atom, 'from' | 'to'> | undefined) => {
    // The patterns are built once and shared (`g`): start each scan from the beginning.
    re.lastIndex = 0;
    for (let m = re.exec(s); m; m = re.exec(s)) {
      if (m[0] === '') re.lastIndex++;
      const from = m.index;
      const to = from + m[0].length;
      if (isTaken(taken, from, to)) continue;
      const atom = make(m);
      if (!atom) continue;
      taken.fill(true, from, to);
      atoms.push({ from, to, ...atom });
    }
  };
  // Most messages have no digit: the patterns that need one cannot match, so they are not run.
  const digits = /\d/.test(s);

  // 2026-12-03
  if (digits) {
    scan(ISO_DATE, (m) => {
      const date = makeDate(Number(m[1]), Number(m[2]), Number(m[3]));
      return date ? { date, month: Number(m[2]) } : undefined;
    });
    // Dec 3-5, December 3rd to 5th, 2026
    scan(MONTH_DAY_RANGE, (m) => {
      const first = monthDay(today, monthNumber(m[1]!), Number(m[2]), m[4] ? Number(m[4]) : undefined);
      if (!first?.date) return undefined;
      const end = makeDate(Number(first.date.slice(0, 4)), Number(first.date.slice(5, 7)), Number(m[3]));
      return end ? { date: first.date, end } : undefined;
    });
    // 3-5 Dec, the 3rd to the 5th of December 2026, 3rd to 5th of next month
    scan(DAY_RANGE_MONTH, (m) => {
      const ym = monthRef(today, m[3]!, m[4] ? Number(m[4]) : undefined, Number(m[1]));
      if (!ym) return undefined;
      const date = makeDate(ym.year, ym.month, Number(m[1]));
      const end = makeDate(ym.year, ym.month, Number(m[2]));
      return date && end ? { date, end } : undefined;
    });
    // Dec 3, December 3rd 2026, Dec. 3
    scan(MONTH_DAY, (m) =>
      monthDay(today, monthNumber(m[1]!), Number(m[2]), m[3] ? Number(m[3]) : undefined),
    );
    // 3 Dec, the 3rd of December 2026, the 3rd of next month
    scan(DAY_MONTH, (m) => {
      const ym = monthRef(today, m[2]!, m[3] ? Number(m[3]) : undefined, Number(m[1]));
      const date = ym && makeDate(ym.year, ym.month, Number(m[1]));
      return date ? { date, month: ym.month, ...(ym.guessed ? { yearGuessed: true } : {}) } : undefined;
    });
  }
  scan(DAY_AFTER_TOMORROW, () => ({ date: addDays(today, 2) }));
  scan(TODAY_WORDS, () => ({ date: today }));
  scan(TOMORROW, () => ({ date: addDays(today, 1) }));
  scan(YESTERDAY, () => ({ date: addDays(today, -1) }));
  scan(THIS_NEXT_WEEK, (m) => {
    const monday =
      m[1] === 'next' ? nextWeekday(today, 1, true) : addDays(today, -((weekday(today) + 6) % 7));
    const start = m[1] === 'this' && monday < today ? today : monday;
    return { date: start, end: addDays(monday, 4) };
  });
  scan(WEEKDAY_NAME, (m) => {
    const wd = weekdayNumber(m[2]!);
    if (m[1] === 'last') return { date: addDays(nextWeekday(today, wd, false), -7), weekday: true };
    return { date: nextWeekday(today, wd, m[1] === 'next'), weekday: true };
  });
  if (digits) {
    // the 3rd to the 5th (no month: this month if still to come, else next month)
    scan(ORDINAL_RANGE, (m) => {
      const date = dayOnly(today, Number(m[1]));
      if (!date) return undefined;
      let end = makeDate(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(m[2]));
      if (end && end < date) end = dayOnly(addDays(date, 1), Number(m[2]));
      return end ? { date, end } : undefined;
    });
    // the 3rd
    scan(ORDINAL, (m) => {
      const date = dayOnly(today, Number(m[1]));
      return date ? { date } : undefined;
    });
  }
  atoms.sort((a, b) => a.from - b.from);

  const out: DateMention = {};
  const duration = DURATION.exec(s);
  if (duration) {
    const n = countOf(duration[1]!) ?? 0;
    out.durationDays = duration[2]!.startsWith('week') ? n * 5 : n;
  }
  const range = findRange(s, atoms);
  if (range) return { ...out, ...range };
  const first = atoms[0];
  if (first?.date) {
    out.start = first.date;
    if (first.end) out.end = first.end;
  }
  return out;
}

function monthDay(
  today: string,
  month: number,
  day: number,
  year?: number,
): Omit<Atom, 'from' | 'to'> | undefined {
  if (month < 1 || day < 1 || day > 31) return undefined;
  if (year !== undefined) {
    const date = makeDate(year, month, day);
    return date ? { date, month } : undefined;
  }
  const u = upcoming(today, month, day);
  return u.date ? { date: u.date, month, yearGuessed: true } : undefined;
}

/** The month and year a month word means: "next month", "this month", or a name (next to come). */
function monthRef(
  today: string,
  word: string,
  year: number | undefined,
  day: number,
): { month: number; year: number; guessed: boolean } | undefined {
  if (word === 'next month' || word === 'this month') {
    return { ...relativeMonth(today, word === 'next month' ? 'next' : 'this'), guessed: false };
  }
  const month = monthNumber(word);
  if (month < 1) return undefined;
  if (year !== undefined) return { month, year, guessed: false };
  return { month, year: upcoming(today, month, Math.min(day, 28)).year, guessed: true };
}

/** "the 3rd" with no month: this month if still to come, else next month. */
function dayOnly(today: string, day: number): string | undefined {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const d = makeDate(y, m, day);
  if (d && d >= today) return d;
  const r = relativeMonth(today, 'next');
  return makeDate(r.year, r.month, day);
}

const CONNECTOR = /^(?:-|to|until|till|through|thru|and|up to|through to)$/;

/** Two dated atoms joined by a connector ("Monday to Wednesday", "Dec 30 - Jan 2"). */
function findRange(s: string, atoms: Atom[]): { start: string; end: string } | undefined {
  for (let i = 0; i + 1 < atoms.length; i++) {
    const a = atoms[i]!;
    const b = atoms[i + 1]!;
    if (!a.date || !b.date || !CONNECTOR.test(s.slice(a.to, b.from).trim())) continue;
    let end = b.end ?? b.date;
    // "Dec 30 - Jan 2" with no year: the end rolls into the next year.
    if (end < a.date && b.yearGuessed && (b.month ?? 13) < (a.month ?? 0)) {
      end = makeDate(Number(end.slice(0, 4)) + 1, Number(end.slice(5, 7)), Number(end.slice(8, 10))) ?? end;
    }
    // "Monday to Wednesday" said on a Tuesday: the Wednesday after that Monday.
    if (end < a.date && b.weekday) end = addDays(end, 7 * Math.ceil((daysBetween(end, a.date) + 1) / 7));
    return { start: a.date, end };
  }
  return undefined;
}
