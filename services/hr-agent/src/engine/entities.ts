/** An employee as the engine knows them from the directory tool. */
export interface Person {
  id: string;
  name: string;
}

/** Phrases where a first name is an ordinary word ("to be frank", "grace period"). */
const NOT_A_NAME = /\bto be frank\b|\bgrace period\b|\bpoison ivy\b|\bchristmas carols?\b/gi;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type NamePattern = { re: RegExp; id: string };
/** Compiled name patterns by directory signature: compiling them per message cost ~5% of agent CPU. */
const patternCache = new Map<string, NamePattern[]>();

function namePatterns(people: readonly Person[]): NamePattern[] {
  const key = people.map((p) => `${p.id}\u0000${p.name}`).join('\u0001');
  let patterns = patternCache.get(key);
  if (!patterns) {
    patterns = [];
    for (const p of people) {
      const first = p.name.split(/\s+/)[0] ?? p.id;
      for (const form of new Set([p.name, p.id, first])) {
        patterns.push({ re: new RegExp(`(?<![\\w@-])${escapeRegExp(form)}(?![\\w-])`, 'gi'), id: p.id });
      }
    }
    if (patternCache.size > 16) patternCache.clear();
    patternCache.set(key, patterns);
  }
  return patterns;
}

/** The employees a text names (by id, full name or first name), in order of appearance, without duplicates. */
export function mentionedPeople(text: string, people: readonly Person[]): Person[] {
  const clean = text.replace(NOT_A_NAME, (m) => ' '.repeat(m.length));
  const hits: { at: number; p: Person }[] = [];
  const byId = new Map(people.map((p) => [p.id, p]));
  for (const { re, id } of namePatterns(people)) {
    const person = byId.get(id)!;
    for (const m of clean.matchAll(re)) hits.push({ at: m.index ?? 0, p: person });
  }
  hits.sort((a, b) => a.at - b.at);
  const out: Person[] = [];
  for (const h of hits) if (!out.some((p) => p.id === h.p.id)) out.push(h.p);
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

/**
 * A person the text seems to name who is not in the directory: a possessive ("zoe's balance") or a
 * capitalised word after "for", "of" or "about" ("book leave for Zoe"). The engine then says it
 * does not know them, instead of quietly acting for the asker.
 */
export function unknownName(text: string, people: readonly Person[]): string | undefined {
  const known = new Set(people.flatMap((p) => [p.id.toLowerCase(), ...p.name.toLowerCase().split(/\s+/)]));
  const candidates = [
    ...[...text.matchAll(/\b([A-Za-z][a-z]+)['\u2019]s\b/g)].map((m) => m[1]!),
    ...[...text.matchAll(/\b(?:for|of|about)\s+([A-Z][a-z]+)\b/g)].map((m) => m[1]!),
  ];
  return candidates.find((w) => !NOT_NAMES.has(w.toLowerCase()) && !known.has(w.toLowerCase()));
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
