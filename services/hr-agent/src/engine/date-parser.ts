import { addDays, daysBetween, MONTHS, makeDate, WEEKDAYS, weekday } from '../domain/calendar.js';

/** What a text says about dates: a range, one day, and/or a length ("for 3 days"). */
export interface DateMention {
  start?: string;
  end?: string;
  /** Working days asked for ("for 3 days", "two weeks" = 10). */
  durationDays?: number;
}

const MONTH_RE =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const WEEKDAY_RE =
  'mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?';
const ORD = '(?:st|nd|rd|th)';
const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
};

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
    for (const m of s.matchAll(re)) {
      const from = m.index ?? 0;
      const to = from + m[0].length;
      if (taken.slice(from, to).some(Boolean)) continue;
      const atom = make(m as RegExpExecArray);
      if (!atom) continue;
      taken.fill(true, from, to);
      atoms.push({ from, to, ...atom });
    }
  };

  const TO =
    '(?: ?- ?| to (?:the )?| until (?:the )?| till (?:the )?| through (?:the )?| thru (?:the )?| and (?:the )?)';
  const NOT_LENGTH = '(?! ?(?:days?|weeks?|am|pm|hours?))';

  // 2026-12-03
  scan(/\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g, (m) => {
    const date = makeDate(Number(m[1]), Number(m[2]), Number(m[3]));
    return date ? { date, month: Number(m[2]) } : undefined;
  });
  // Dec 3-5, December 3rd to 5th, 2026
  scan(
    new RegExp(
      `\\b(${MONTH_RE})\\.? (\\d{1,2})${ORD}?${TO}(\\d{1,2})${ORD}?\\b${NOT_LENGTH}(?:,? (\\d{4})\\b)?`,
      'g',
    ),
    (m) => {
      const first = monthDay(today, monthNumber(m[1]!), Number(m[2]), m[4] ? Number(m[4]) : undefined);
      if (!first?.date) return undefined;
      const end = makeDate(Number(first.date.slice(0, 4)), Number(first.date.slice(5, 7)), Number(m[3]));
      return end ? { date: first.date, end } : undefined;
    },
  );
  // 3-5 Dec, the 3rd to the 5th of December 2026, 3rd to 5th of next month
  scan(
    new RegExp(
      `\\b(?:the )?(\\d{1,2})${ORD}?${TO}(\\d{1,2})${ORD}? (?:of )?(${MONTH_RE}|next month|this month)\\b(?:,? (\\d{4})\\b)?`,
      'g',
    ),
    (m) => {
      const ym = monthRef(today, m[3]!, m[4] ? Number(m[4]) : undefined, Number(m[1]));
      if (!ym) return undefined;
      const date = makeDate(ym.year, ym.month, Number(m[1]));
      const end = makeDate(ym.year, ym.month, Number(m[2]));
      return date && end ? { date, end } : undefined;
    },
  );
  // Dec 3, December 3rd 2026, Dec. 3
  scan(new RegExp(`\\b(${MONTH_RE})\\.? (\\d{1,2})${ORD}?\\b${NOT_LENGTH}(?:,? (\\d{4})\\b)?`, 'g'), (m) =>
    monthDay(today, monthNumber(m[1]!), Number(m[2]), m[3] ? Number(m[3]) : undefined),
  );
  // 3 Dec, the 3rd of December 2026, the 3rd of next month
  scan(
    new RegExp(
      `\\b(?:the )?(\\d{1,2})${ORD}? (?:of )?(${MONTH_RE}|next month|this month)\\b(?:,? (\\d{4})\\b)?`,
      'g',
    ),
    (m) => {
      const ym = monthRef(today, m[2]!, m[3] ? Number(m[3]) : undefined, Number(m[1]));
      const date = ym && makeDate(ym.year, ym.month, Number(m[1]));
      return date ? { date, month: ym.month, ...(ym.guessed ? { yearGuessed: true } : {}) } : undefined;
    },
  );
  scan(/\b(?:the )?day after tomorrow\b/g, () => ({ date: addDays(today, 2) }));
  scan(/\btoday\b|\btonight\b|\bthis (?:morning|afternoon)\b/g, () => ({ date: today }));
  scan(/\btomorrow\b/g, () => ({ date: addDays(today, 1) }));
  scan(/\byesterday\b/g, () => ({ date: addDays(today, -1) }));
  scan(/\b(this|next) week\b/g, (m) => {
    const monday =
      m[1] === 'next' ? nextWeekday(today, 1, true) : addDays(today, -((weekday(today) + 6) % 7));
    const start = m[1] === 'this' && monday < today ? today : monday;
    return { date: start, end: addDays(monday, 4) };
  });
  scan(new RegExp(`\\b(?:(next|this|coming|last|on) )?(${WEEKDAY_RE})\\b`, 'g'), (m) => {
    const wd = weekdayNumber(m[2]!);
    if (m[1] === 'last') return { date: addDays(nextWeekday(today, wd, false), -7), weekday: true };
    return { date: nextWeekday(today, wd, m[1] === 'next'), weekday: true };
  });
  // the 3rd to the 5th (no month: this month if still to come, else next month)
  scan(new RegExp(`\\b(?:the )?(\\d{1,2})${ORD}${TO}(\\d{1,2})${ORD}\\b`, 'g'), (m) => {
    const date = dayOnly(today, Number(m[1]));
    if (!date) return undefined;
    let end = makeDate(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(m[2]));
    if (end && end < date) end = dayOnly(addDays(date, 1), Number(m[2]));
    return end ? { date, end } : undefined;
  });
  // the 3rd
  scan(new RegExp(`\\b(?:the )?(\\d{1,2})${ORD}\\b${NOT_LENGTH}`, 'g'), (m) => {
    const date = dayOnly(today, Number(m[1]));
    return date ? { date } : undefined;
  });
  atoms.sort((a, b) => a.from - b.from);

  const out: DateMention = {};
  const duration = new RegExp(
    `\\b(\\d{1,3}|${Object.keys(NUMBER_WORDS).join('|')}) (?:working |business |work )?(days?|weeks?)\\b`,
  ).exec(s);
  if (duration) {
    const n = /^\d+$/.test(duration[1]!) ? Number(duration[1]) : (NUMBER_WORDS[duration[1]!] ?? 0);
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
