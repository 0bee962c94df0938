import type { Category, Currency, Department, ExpenseStatus, Quarter } from '../domain/model.js';
import { addDays, isoDay } from '../domain/rules.js';
import { findDate, findQuarter } from './dates.js';

/** What one user message says, as far as simple patterns can tell. */
export interface Extraction {
  /** The amount as typed (negative when typed so), USD-less when no currency was given. */
  amount?: number;
  currency?: Currency;
  /** A currency we do not take ("pesos", "AUD"). */
  unsupportedCurrency?: string;
  category?: Category;
  /** The word that gave the category ("uber"). */
  categoryWord?: string;
  /** `YYYY-MM-DD`; may be in the future or too old: rules decide. */
  date?: string;
  departments: Department[];
  /** A department name we do not have ("sales"). */
  unknownDepartment?: string;
  /** "my department", "our budget". */
  ownDepartment: boolean;
  expenseId?: string;
  invoiceId?: string;
  /** Known employees named in the text. */
  people: string[];
  quarter?: Quarter;
  year?: number;
  statuses?: ExpenseStatus[];
  since?: string;
  receipt?: boolean;
  yes: boolean;
  no: boolean;
  cancel: boolean;
  /** Looks like an attempt to override the assistant's rules. */
  injection: boolean;
}

const supportedWords: [RegExp, Currency][] = [
  [/^(us\$|\$|usd|us dollars?|dollars?|bucks)$/, 'USD'],
  [/^(€|eur|euros?)$/, 'EUR'],
  [/^(£|gbp|pounds?( sterling)?|quid)$/, 'GBP'],
  [/^(chf|swiss francs?|francs?)$/, 'CHF'],
  [/^(¥|jpy|yen)$/, 'JPY'],
  [/^(c\$|ca\$|cad|canadian dollars?)$/, 'CAD'],
];
const unsupported =
  'australian dollars?|new zealand dollars?|hong kong dollars?|singapore dollars?|pesos?|rupees?|yuan|renminbi|rubles?|roubles?|kronor|krona|kroner|zloty|rand|bitcoins?|btc|ether|dirhams?|reais|lira|baht|aud|nzd|mxn|inr|cny|rmb|brl|sek|nok|dkk|pln|zar|sgd|hkd|krw|rub';
const codes = 'usd|eur|gbp|chf|jpy|cad';
const suffixUnits = `${unsupported}|us dollars?|canadian dollars?|swiss francs?|dollars?|bucks|euros?|pounds?(?: sterling)?|quid|francs?|yen|${codes}`;
const NUM = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;

const amountPatterns: RegExp[] = [
  new RegExp(
    String.raw`(?<neg>-|−|minus\s+)?(?<unit>us\$|c\$|ca\$|\$|€|£|¥)\s*(?<neg2>-)?(?<num>${NUM})(?<k>\s?k\b)?`,
    'i',
  ),
  new RegExp(
    String.raw`(?<neg>-|−|minus\s+)?\b(?<unit>${codes}|${unsupported})\s?(?<neg2>-)?(?<num>${NUM})(?<k>k\b)?`,
    'i',
  ),
  new RegExp(String.raw`(?<neg>-|−|minus\s+)?(?<num>${NUM})\s?(?<k>k\b)?\s*(?<unit>${suffixUnits})\b`, 'i'),
];
const bareAmount = new RegExp(
  String.raw`(?<![\w.])(?<neg>-|−|minus\s+)?(?<num>${NUM})(?<k>k\b)?(?!\s*(?:nights?|days?|people|persons?|hours?|h\b|km|miles?|x\b|%|pm|am|th|st|nd|rd))(?![\w.])`,
  'gi',
);

function currencyOf(unit: string): { currency?: Currency; unsupported?: string } {
  const u = unit.toLowerCase().trim();
  for (const [re, c] of supportedWords) if (re.test(u)) return { currency: c };
  return { unsupported: unit.trim() };
}

function parseNumber(num: string, k: string | undefined): number {
  const n = Number(num.replace(/,/g, ''));
  return k ? Math.round(n * 1000 * 100) / 100 : n;
}

const categorySynonyms: [Category, string[]][] = [
  [
    'taxi',
    ['taxi', 'taxis', 'cab', 'cabs', 'uber', 'lyft', 'ride-share', 'rideshare', 'ride share', 'ride-hailing'],
  ],
  ['lodging', ['hotel', 'hotels', 'lodging', 'accommodation', 'airbnb', 'motel', 'hostel', 'hotel room']],
  [
    'meals',
    [
      'meal',
      'meals',
      'lunch',
      'dinner',
      'breakfast',
      'food',
      'coffee',
      'restaurant',
      'snacks',
      'drinks',
      'catering',
    ],
  ],
  [
    'transport',
    [
      'train',
      'rail',
      'bus',
      'metro',
      'subway',
      'tram',
      'ferry',
      'parking',
      'mileage',
      'fuel',
      'gas',
      'petrol',
      'toll',
      'tolls',
      'rental car',
      'car rental',
      'transport',
      'transportation',
    ],
  ],
  [
    'equipment',
    [
      'equipment',
      'laptop',
      'monitor',
      'keyboard',
      'mouse',
      'chair',
      'desk',
      'headset',
      'headphones',
      'webcam',
      'hardware',
      'docking station',
      'dock',
      'charger',
      'cable',
    ],
  ],
  ['software', ['software', 'licence', 'license', 'subscription', 'saas', 'app']],
  [
    'training',
    [
      'training',
      'course',
      'conference',
      'registration',
      'certification',
      'exam',
      'workshop',
      'seminar',
      'book',
      'books',
      'tuition',
    ],
  ],
  [
    'office',
    [
      'office supplies',
      'supplies',
      'stationery',
      'printer',
      'paper',
      'pens',
      'postage',
      'ink',
      'toner',
      'office',
    ],
  ],
  [
    'travel',
    [
      'travel',
      'flight',
      'flights',
      'airfare',
      'air fare',
      'plane',
      'plane ticket',
      'airline',
      'baggage',
      'visa',
    ],
  ],
];

const departmentWords: [Department, RegExp][] = [
  ['engineering', /\b(engineering|eng|r&d)\b/],
  ['marketing', /\bmarketing\b/],
  ['finance', /\bfinance\b/],
];
const otherDepartments =
  /\b(sales|hr|human resources|legal|operations|ops|support|customer success|product|design|research|security|facilities|procurement|it)\s+(?:department|dept|team|budget)\b/i;
const notDepartment = new Set(
  'my our the this that your their its whole entire which what each every same other a any finance marketing engineering eng'.split(
    ' ',
  ),
);

function findAmount(
  t: string,
  allowBare: boolean,
): { amount?: number; currency?: Currency; unsupported?: string } {
  for (const re of amountPatterns) {
    const m = re.exec(t);
    const g = m?.groups;
    if (!g?.num || !g.unit) continue;
    const value = parseNumber(g.num, g.k);
    const negative = Boolean(g.neg || g.neg2);
    const cur = currencyOf(g.unit);
    return { amount: negative ? -value : value, ...cur };
  }
  if (!allowBare) return {};
  const all = [...t.matchAll(bareAmount)];
  const last = all.at(-1)?.groups;
  if (!last?.num) return {};
  const value = parseNumber(last.num, last.k);
  return { amount: last.neg ? -value : value };
}

const YES =
  /^(y|yes|yeah|yep|yup|sure|ok|okay|confirm(ed)?|correct|right|go ahead|do it|please do|please|submit( it)?|that'?s (right|correct)|looks (good|right)|absolutely|of course|affirmative)\b/;
const NO = /^(n|no|nope|nah|don'?t|do not|not now|wrong|incorrect|negative)\b/;
const CANCEL = /\b(cancel|never ?mind|forget (it|about it)|abort|stop)\b/;
const INJECTION =
  /\b(ignore|disregard|forget|override) (all |any |the |your |my )?(previous |prior |above |earlier |system |existing )?(instructions|rules|prompts?|guidelines|restrictions|policies)\b|\byou are now\b|\bact as\b|\bsystem prompt\b|\bdeveloper mode\b|\bjailbreak\b|\bpretend (to be|you are)\b|\bas an admin\b|\bi am (the )?(admin|administrator|cfo|root)\b/;

/**
 * Extracts what a message says: amounts and currencies, category, date, departments, ids, people,
 * quarter, statuses, yes/no. `bareAmount` lets a plain number count as an amount (when one was
 * asked for, or the user is filing an expense).
 */
export function extract(
  text: string,
  now: Date,
  opts: { knownPeople: readonly string[]; bareAmount?: boolean },
): Extraction {
  const t = text.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim();
  const out: Extraction = {
    departments: [],
    ownDepartment: /\b(my|our) (own )?(department|dept|team|group|budget)\b/.test(t),
    people: [],
    yes: YES.test(t),
    no: NO.test(t),
    cancel: CANCEL.test(t),
    injection: INJECTION.test(t),
  };
  let rest = t;
  const expenseId = /\bexp-([0-9a-f]{4,16})\b/.exec(t);
  if (expenseId?.[1]) out.expenseId = `EXP-${expenseId[1].toUpperCase()}`;
  const invoiceId = /\binv-(\d{3,6})\b/.exec(t);
  if (invoiceId?.[1]) out.invoiceId = `INV-${invoiceId[1]}`;
  rest = rest.replace(/\b(exp|inv)-[0-9a-z]+\b/g, ' ');

  const [date, dateText] = findDate(rest, now);
  if (date) out.date = date;
  if (dateText) rest = rest.replace(dateText, ' ');
  const q = findQuarter(rest, now);
  if (q.quarter) out.quarter = q.quarter;
  if (q.year) out.year = q.year;
  if (q.text) rest = rest.replace(q.text, ' ');
  rest = rest
    .replace(/\b(?:fy\s?)?20\d{2}\b/g, ' ')
    .replace(/\b\d{1,2}(:\d{2})?\s?(am|pm)\b/g, ' ')
    .replace(/\b\d+(st|nd|rd|th)\b/g, ' ');

  const amount = findAmount(rest, opts.bareAmount ?? false);
  if (amount.amount !== undefined) out.amount = amount.amount;
  if (amount.currency) out.currency = amount.currency;
  if (amount.unsupported) out.unsupportedCurrency = amount.unsupported.toUpperCase();
  if (!amount.unsupported) {
    const loose = new RegExp(String.raw`\b(${unsupported})\b`).exec(rest);
    if (loose?.[1]) out.unsupportedCurrency = loose[1].toUpperCase();
    else if (!out.currency) {
      const word = new RegExp(
        String.raw`\b(${codes}|euros?|pounds?|yen|swiss francs?|canadian dollars?)\b`,
      ).exec(rest);
      if (word?.[1]) out.currency = currencyOf(word[1]).currency;
    }
  }

  for (const [category, words] of categorySynonyms) {
    const hit = words.find((w) => new RegExp(String.raw`\b${w.replace(/[-\s]/g, '[-\\s]?')}\b`).test(t));
    if (hit) {
      out.category = category;
      out.categoryWord = hit;
      break;
    }
  }

  for (const [dept, re] of departmentWords) if (re.test(t)) out.departments.push(dept);
  const other = otherDepartments.exec(text) ?? /\b([a-z]+) (?:department|dept)\b/.exec(t);
  const otherName = other?.[1]?.toLowerCase();
  if (otherName && !notDepartment.has(otherName)) {
    // "it" is a department only when written IT
    if (otherName !== 'it') out.unknownDepartment = otherName;
    else if (/\bIT\b/.test(text)) out.unknownDepartment = 'IT';
  }

  out.people = opts.knownPeople.filter((p) => new RegExp(String.raw`\b${p}\b`).test(t));

  if (/\bpending\b|\bawaiting\b|\bwaiting\b/.test(t)) out.statuses = ['submitted', 'pending_approval'];
  else if (/\b(unpaid|outstanding|open|not (yet )?paid)\b/.test(t))
    out.statuses = ['submitted', 'pending_approval', 'approved'];
  else if (/\bapproved\b/.test(t) && !/\brejected\b/.test(t)) out.statuses = ['approved'];
  else if (/\b(rejected|declined|refused)\b/.test(t) && !/\bapproved\b/.test(t)) out.statuses = ['rejected'];
  else if (/\b(paid|reimbursed)\b/.test(t) && !/\bbeen paid\b|\bwhen\b/.test(t)) out.statuses = ['paid'];

  const today = isoDay(now);
  if (/\bthis month\b/.test(t)) out.since = `${today.slice(0, 8)}01`;
  else if (/\bthis week\b/.test(t)) out.since = addDays(today, -((now.getUTCDay() + 6) % 7));
  else if (/\bthis year\b/.test(t)) out.since = `${today.slice(0, 4)}-01-01`;
  const lastDays = /\b(?:last|past) (\d+) days\b/.exec(t);
  if (lastDays?.[1]) out.since = addDays(today, -Number(lastDays[1]));

  if (
    /\b(no|without|lost|missing|don'?t have|do not have|haven'?t got)( a| the| my| any)? receipts?\b/.test(t)
  ) {
    out.receipt = false;
  } else if (/\breceipts?\b/.test(t)) out.receipt = true;
  return out;
}
