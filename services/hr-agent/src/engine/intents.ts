/** What the offline engine can do for a user. */
export const Intents = [
  'help',
  'thanks',
  'balance',
  'request_leave',
  'sick',
  'list_leave',
  'cancel_leave',
  'holidays',
  'policy',
  'directory',
] as const;
export type Intent = (typeof Intents)[number];

type Rule = readonly [RegExp, number];

const LEAVE = /\b(vacation|vacations|pto|leave|days? off|time off|annual leave|holiday|break|trip)\b/;
const BOOK =
  /\b(book|request|take|taking|schedule|put in|apply|reserve|plan|need|want|would like|i'?d like|off on|booking)\b/;

/** Weighted patterns per intent; the highest total wins (ties: the earlier intent in this table). */
const RULES: Record<Exclude<Intent, 'thanks'>, readonly Rule[]> = {
  cancel_leave: [
    [/\b(cancel|withdraw|retract|revoke|delete|remove|undo|call off|scrap)\b/, 4],
    [LEAVE, 1],
    [/\b(requests?|booking|lr-[a-z0-9]+)\b/, 1],
  ],
  sick: [
    [
      /\b(i'?m|i am|i feel|i'?m feeling|feeling|i'?ve been|been|got|am)\s+(sick|ill|unwell|poorly|not (feeling )?(so |very )?(well|good|great))\b/,
      5,
    ],
    [/\bcall(ing)? in sick\b/, 5],
    [/\b(won'?t|will not|can'?t|cannot) (be in|make it|come in)\b/, 3],
    [/\b(book|take|record|log|register|want|report|put in)\b.*\bsick (day|leave)\b/, 5],
    [/\bsick (today|tomorrow)\b/, 5],
  ],
  list_leave: [
    [/\b(leave|vacation|pto|holiday|time off)?\s*(requests|bookings)\b/, 3],
    [/\bmy (leave|vacation|pto|time off) (request|booking)\b/, 2],
    [
      /\bwhat (time off|leave|vacation|pto|days|holidays?)\b.*\b(booked|taken|planned|scheduled|requested)\b/,
      3,
    ],
    [/\b(upcoming|scheduled|planned|booked|already taken)\b/, 1.5],
    [/\b(show|list|see|view|display|what)\b/, 1],
  ],
  balance: [
    [/\bhow (many|much)\b/, 2],
    [/\b(balance|left|remaining|remain|accrued|allowance|entitlement)\b/, 2],
    [/\b(do|have) (i|you|we) (have|got)\b|\bhave i got\b/, 1],
    [/\bcheck\b/, 1],
    [LEAVE, 1],
    [/\bsick days?\b/, 1],
  ],
  request_leave: [
    [BOOK, 2],
    [LEAVE, 1],
    [/\b\d+ (working |business )?days?\b|\bweeks? off\b|\bday off\b/, 1],
  ],
  holidays: [
    [/\b(public|company|bank|national|federal|office|official|statutory) holidays?\b/, 3],
    [/\bholidays\b/, 1.5],
    [/\boffice\b.*\bclosed\b|\bclosed\b.*\boffice\b/, 3],
    [
      /\b(christmas|xmas|thanksgiving|new year'?s?( day| eve)?|good friday|easter|independence day|july 4(th)?|4th of july|labou?r day|memorial day)\b/,
      2,
    ],
    [/\bis\b.*\ba (company |public )?holiday\b/, 2],
  ],
  policy: [
    [/\bpolic(y|ies)\b|\bhandbook\b|\brules? (on|for|about)\b/, 3],
    [
      /\b(parental|maternity|paternity|adoption|adopt|pregnan\w*|baby|newborn|bereavement|bereaved|funeral|die[sd]?|death|passed away|remote(ly)?|work(ing)? from home|wfh|hybrid|abroad|another country|unpaid|sabbatical|jury|doctor'?s? note|carry(-| )?over|carried over|roll(-| )?over|rollover|unused|floating holiday|notice period|part-time)\b/,
      4,
    ],
    [/\b(can i|am i allowed|do i need|entitled|allowed|do we get|how does)\b/, 1],
  ],
  directory: [
    [/\bwho('?s| is| are| does| do| should| can| manages| leads| runs| heads)\b/, 2],
    [
      /\b(manager|boss|reports? to|reporting to|hr (business )?partner|hrbp|contact in hr|department|directory|email|e-mail|works? in|job title|direct reports?|my team|org chart|head of|in charge of)\b/,
      2,
    ],
    [/\bwho (manages|leads|runs|heads)\b/, 2],
  ],
  help: [
    [/\b(help|what can you do|what do you do|how does this work|options|menu|capabilities)\b/, 3],
    [/^(hi|hello|hey|hiya|good (morning|afternoon|evening)|howdy|yo)\b/, 2.5],
  ],
};

const THANKS = /^(thanks|thank you|thx|cheers|ty|great,? thanks|perfect,? thanks)\b/;
/** Questions about amounts: not a booking. */
const HOW_MANY = /\bhow (many|much)\b/;
/** About a policy or a person: not a booking. */
const POLICY_OR_WHO = /\b(policy|who)\b/;
/** Asking whether or what: not a booking. */
const ASKING = /\b(do i need|am i allowed|is there|what is|what's|what are|policy)\b/;

/**
 * The rule table made once into a list, with every distinct pattern (LEAVE is in three intents,
 * HOW_MANY in a rule and a penalty) numbered, so that each is tried once per text.
 */
const PATTERNS: RegExp[] = [];
function patternNumber(re: RegExp): number {
  const i = PATTERNS.findIndex((p) => p.source === re.source && p.flags === re.flags);
  return i >= 0 ? i : PATTERNS.push(re) - 1;
}
const RULE_LIST = (Object.entries(RULES) as [Exclude<Intent, 'thanks'>, readonly Rule[]][]).map(
  ([intent, rules]) => ({
    intent,
    rules: rules.map(([re, w]) => ({ pattern: patternNumber(re), weight: w })),
  }),
);
const HOW_MANY_N = patternNumber(HOW_MANY);
const POLICY_OR_WHO_N = patternNumber(POLICY_OR_WHO);
const ASKING_N = patternNumber(ASKING);

/** The best intent for `text` and its score; `undefined` when nothing scores at least 2. */
export function detectIntent(
  text: string,
  opts: { hasDate?: boolean } = {},
): { intent: Intent; score: number } | undefined {
  const s = text.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  if (THANKS.test(s) && s.length < 40) {
    return { intent: 'thanks', score: 5 };
  }
  // Every pattern is needed (each intent is scored): try each once.
  const hit = PATTERNS.map((re) => re.test(s));
  const howMany = hit[HOW_MANY_N]!;
  const policyOrWho = hit[POLICY_OR_WHO_N]!;
  const asking = hit[ASKING_N]!;
  let best: Intent | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const { intent, rules } of RULE_LIST) {
    let score = 0;
    for (const r of rules) if (hit[r.pattern]) score += r.weight;
    if (intent === 'request_leave' && opts.hasDate && score > 0) score += 2;
    if ((intent === 'request_leave' || intent === 'sick') && howMany) score -= 3;
    if (intent === 'request_leave' && policyOrWho) score -= 2;
    if ((intent === 'request_leave' || intent === 'sick') && asking) score -= 3;
    if (score > bestScore) {
      best = intent;
      bestScore = score;
    }
  }
  return best && bestScore >= 2 ? { intent: best, score: bestScore } : undefined;
}

/** "yes" in its usual forms. */
export function isYes(text: string): boolean {
  return /^(y|yes|yeah|yep|yup|sure|ok|okay|confirm(ed)?|please do|do it|go ahead|correct|book it|that'?s right|sounds good|absolutely|definitely|please)\b/i.test(
    text.trim(),
  );
}

/** "no" in its usual forms (also "never mind", "stop"). */
export function isNo(text: string): boolean {
  return /^(n|no|nope|nah|don'?t|do not|never ?mind|stop|abort|forget it|not now|leave it)\b/i.test(
    text.trim(),
  );
}
