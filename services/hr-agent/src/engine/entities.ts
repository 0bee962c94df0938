/** An employee as the engine knows them from the directory tool. */
export interface Person {
  id: string;
  name: string;
}

/** Phrases where a first name is an ordinary word ("to be frank", "grace period"). */
const NOT_A_NAME = /\bto be frank\b|\bgrace period\b|\bpoison ivy\b|\bchristmas carols?\b/gi;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How a name form may sit in the text: not inside a word, an email address or a hyphenated word. */
const BEFORE = '(?<![\\w@-])';
const AFTER = '(?![\\w-])';

/** One form of a person's name (full name, id or first name), matched case-insensitively. */
type NameForm = {
  /** Sticky: tells whether this form starts at one position (set `lastIndex` first). */
  at: RegExp;
  /** The person to return for it: their index in the directory array. */
  person: number;
};

/** What the name lookups need for one directory, compiled once: per message it cost ~5% of agent CPU. */
interface DirectoryNames {
  /**
   * The directory it was built from. Each turn gets a fresh array from the directory tool, so a
   * directory is recognised by its ids and names (the same strings, so comparing them is cheap),
   * never by the array, which a caller may also change in place.
   */
  ids: string[];
  names: string[];
  /**
   * Zero-width, so every position is tried (a full name and another person's id may overlap):
   * matches where at least one form starts. Most texts name nobody and cost this one scan.
   */
  anyForm: RegExp | undefined;
  /** Every form, person by person in directory order (the order that breaks ties). */
  forms: NameForm[];
  /** Lower-case ids and name words, for {@link unknownName}. */
  known: Set<string>;
}

/** A few directories at most are alive at once (one per bucket); the oldest is dropped. */
const directories: DirectoryNames[] = [];

function directoryNames(people: readonly Person[]): DirectoryNames {
  for (const d of directories) if (sameDirectory(d, people)) return d;
  const d = compileDirectory(people);
  if (directories.length >= 16) directories.shift();
  directories.push(d);
  return d;
}

/** True when `people` has the same ids and names, in the same order, as the compiled directory. */
function sameDirectory(d: DirectoryNames, people: readonly Person[]): boolean {
  if (d.ids.length !== people.length) return false;
  for (let i = 0; i < people.length; i++) {
    const p = people[i]!;
    if (p.id !== d.ids[i] || p.name !== d.names[i]) return false;
  }
  return true;
}

function compileDirectory(people: readonly Person[]): DirectoryNames {
  // With a repeated id the last person of that id answers for all of them.
  const lastOfId = new Map(people.map((p, i) => [p.id, i]));
  const forms: NameForm[] = [];
  const sources: string[] = [];
  for (const p of people) {
    const first = p.name.split(/\s+/)[0] ?? p.id;
    for (const form of new Set([p.name, p.id, first])) {
      const source = escapeRegExp(form);
      forms.push({ at: new RegExp(`${BEFORE}${source}${AFTER}`, 'iy'), person: lastOfId.get(p.id)! });
      sources.push(source);
    }
  }
  return {
    ids: people.map((p) => p.id),
    names: people.map((p) => p.name),
    anyForm:
      sources.length > 0 ? new RegExp(`${BEFORE}(?=(?:${sources.join('|')})${AFTER})`, 'gi') : undefined,
    forms,
    known: new Set(people.flatMap((p) => [p.id.toLowerCase(), ...p.name.toLowerCase().split(/\s+/)])),
  };
}

/** The employees a text names (by id, full name or first name), in order of appearance, without duplicates. */
export function mentionedPeople(text: string, people: readonly Person[]): Person[] {
  const d = directoryNames(people);
  const out: Person[] = [];
  if (!d.anyForm) return out;
  const clean = text.replace(NOT_A_NAME, (m) => ' '.repeat(m.length));
  // Positions in order; at each, the forms in directory order: a person is placed by their first
  // mention, and people first mentioned at the same place keep directory order.
  // (`exec` on the shared regex, not `matchAll`, which copies it per call; its matches are empty,
  // so the loop moves `lastIndex` one on itself.)
  const any = d.anyForm;
  for (any.lastIndex = 0; any.exec(clean); any.lastIndex++) {
    const at = any.lastIndex;
    for (const form of d.forms) {
      form.at.lastIndex = at;
      if (!form.at.test(clean)) continue;
      const p = people[form.person]!;
      if (!out.some((x) => x.id === p.id)) out.push(p);
    }
  }
  return out;
}

/** Words that look like a name after "for" or before "'s" but are not one. */
const NOT_NAMES = new Set(
  (
    "i me my you your we us our it its that this what who who's there here he she they them today tomorrow yesterday " +
    'week weeks next last month year day days company team everyone someone anyone somebody everybody manager boss now later ' +
    'christmas thanksgiving easter new good independence labor labour memorial xmas hr pto leave vacation holiday holidays sick ' +
    'the a an all one two three four five six seven eight nine ten me. mom dad mum mother father wife husband partner child son daughter ' +
    'family relative grandmother grandfather friend doctor jury work office home abroad parental maternity paternity bereavement ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec let it ' +
    'engineering marketing finance people executive sales legal operations product design support ' +
    'remote unpaid sabbatical hybrid carry policy time annual public bank national federal'
  ).split(/\s+/),
);

/** A possessive ("zoe's"), then a capitalised word after "for", "of" or "about". */
const CANDIDATES = [/\b([A-Za-z][a-z]+)['\u2019]s\b/g, /\b(?:for|of|about)\s+([A-Z][a-z]+)\b/g];

/**
 * A person the text seems to name who is not in the directory: a possessive ("zoe's balance") or a
 * capitalised word after "for", "of" or "about" ("book leave for Zoe"). The engine then says it
 * does not know them, instead of quietly acting for the asker.
 */
export function unknownName(text: string, people: readonly Person[]): string | undefined {
  const { known } = directoryNames(people);
  const isUnknown = (w: string) => !NOT_NAMES.has(w.toLowerCase()) && !known.has(w.toLowerCase());
  // Possessives first, then names after "for", "of" or "about"; the first unknown one wins.
  for (const re of CANDIDATES) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) if (isUnknown(m[1]!)) return m[1];
  }
  return undefined;
}

/** A department the text names. */
export function mentionedDepartment(
  text: string,
): 'engineering' | 'marketing' | 'finance' | 'people' | 'executive' | undefined {
  const s = text.toLowerCase();
  if (/\b(engineering|engineers?|developers?|tech team|dev team)\b/.test(s)) return 'engineering';
  if (/\bmarketing\b/.test(s)) return 'marketing';
  if (/\b(finance|accounting|accounts)\b/.test(s)) return 'finance';
  if (/\b(people team|hr team|human resources|people department)\b/.test(s)) return 'people';
  if (/\b(executive|leadership|exec team|management team)\b/.test(s)) return 'executive';
  return undefined;
}

/** An explicit year (2000-2100), or "next year" / "last year" relative to `thisYear`. */
export function mentionedYear(text: string, thisYear: number): number | undefined {
  const s = text.toLowerCase();
  if (/\bnext year\b/.test(s)) return thisYear + 1;
  if (/\blast year\b/.test(s)) return thisYear - 1;
  const m = /\b(20\d\d)\b(?!-\d)/.exec(s);
  return m ? Number(m[1]) : undefined;
}

/** A leave request id such as `LR-1a2b3c4d5e`. */
export function mentionedRequestId(text: string): string | undefined {
  return /\b(LR-[A-Za-z0-9-]+)\b/i.exec(text)?.[1];
}

/** A choice from a numbered list: "2", "#2", "the second one", "number 2". */
export function mentionedChoice(text: string, max: number): number | undefined {
  const s = text.toLowerCase().trim();
  const words = [
    'first',
    'second',
    'third',
    'fourth',
    'fifth',
    'sixth',
    'seventh',
    'eighth',
    'ninth',
    'tenth',
  ];
  const m =
    /^(?:#|number |no\.? |option )?(\d{1,2})[.)]?$/.exec(s) ?? /\b(?:number|option|#)\s*(\d{1,2})\b/.exec(s);
  let n = m ? Number(m[1]) : undefined;
  if (n === undefined) {
    const w = words.findIndex((x) => new RegExp(`\\b${x}\\b`).test(s));
    if (w >= 0) n = w + 1;
    else if (/\blast\b/.test(s)) n = max;
  }
  return n !== undefined && n >= 1 && n <= max ? n : undefined;
}
