import type { Extraction } from './extract.js';

/** What a user message asks for. */
export const IntentNames = [
  'invoice_status',
  'expense_status',
  'list_expenses',
  'submit_expense',
  'budget_status',
  'spending_policy',
  'greeting',
  'thanks',
  'help',
] as const;
export type Intent = (typeof IntentNames)[number];

type Rule = [Intent, RegExp, number];

/** Patterns and weights; the intent with the highest total wins (ties: earlier in `IntentNames`). */
const rules: Rule[] = [
  ['invoice_status', /\binvoices?\b/, 4],
  ['invoice_status', /\b(vendor|supplier|bill)s?\b/, 2],
  ['invoice_status', /\bdid we pay\b|\bhave we paid\b|\bwas .* paid\b/, 2],

  ['expense_status', /\bstatus\b/, 2],
  ['expense_status', /\b(approved|rejected|declined|been paid|paid out|reimbursed yet|paid yet)\b/, 2],
  ['expense_status', /\b(my|the|that) (expense|claim|reimbursement|expense claim|expense report)\b/, 1],
  ['expense_status', /\bwhere is my\b|\bwhat happened to my\b|\bwhen will (i|my)\b/, 2],

  ['list_expenses', /\b(list|show|see|view|display|give me)\b.*\bexpense(s| claims| reports)\b/, 4],
  ['list_expenses', /\b(list|show|see|view|display)\b.*\b(expenses|claims)\b/, 1],
  ['list_expenses', /\bexpenses (did|have) (i|we|he|she|they)\b|\bwhat (expenses|claims)\b/, 4],
  ['list_expenses', /\b(my|all|his|her|their|'s) expenses\b/, 2],
  ['list_expenses', /\b(pending|open|outstanding|recent) (expense|expenses|claims|expense claims)\b/, 2],

  ['submit_expense', /\b(submit|file|lodge|log|record)\b/, 3],
  ['submit_expense', /\bclaim (back|for|my|a|an|the|this)\b/, 3],
  ['submit_expense', /\breimburse (my|me)\b|\bget reimbursed\b|\bpay me back\b/, 2],
  ['submit_expense', /\bexpens(e|ing) (my|a|an|the|this|it|that|\d|\$|€|£)/, 2],
  ['submit_expense', /\b(add|upload|attach|send) (a |an |my |the )?(receipt|expense)/, 3],
  ['submit_expense', /\bi (spent|paid)\b/, 2],
  ['submit_expense', /\bnew expense\b|\bexpense report for\b/, 3],

  ['budget_status', /\bbudgets?\b/, 3],
  ['budget_status', /\b(spent|spend|spending)\b/, 1],
  ['budget_status', /\bcommitted\b/, 2],
  ['budget_status', /\b(remaining|left)\b/, 1],
  ['budget_status', /\bover budget\b|\bunder budget\b/, 2],

  ['spending_policy', /\bpolic(y|ies)\b|\brules?\b/, 3],
  ['spending_policy', /\bper diem\b|\ballowance\b|\bthreshold\b|\bdeadline\b/, 4],
  ['spending_policy', /\blimit\b|\bper night\b|\bper day\b|\bdaily\b|\bmax(imum)?\b|\bcap\b/, 2],
  [
    'spending_policy',
    /\b(business|first|economy) class\b|\bmileage\b|\bentertainment\b|\bexchange rates?\b/,
    3,
  ],
  ['spending_policy', /\bwho (needs|has|must|should|can) (to )?approve\b|\bneeds? approval\b/, 3],
  [
    'spending_policy',
    /\b(need|required?|necessary|every|lost|missing)\b.*\breceipts?\b|\breceipts?\b.*\brequired\b/,
    2,
  ],
  ['spending_policy', /\b(can|may|could|am) i (expense|claim|fly|book|get|take|use|be reimbursed|buy)\b/, 3],
  ['spending_policy', /\bwhat can i (claim|expense)\b|\bwhat('s| is) (claimable|reimbursable)\b/, 4],
  ['spending_policy', /\bhow do i (get reimbursed|claim|expense|file|submit)\b|\bhow does .* work\b/, 3],
  ['spending_policy', /\bis (it|a|an) .* (allowed|reimbursable|covered)\b|\ballowed\b|\bcovered\b/, 2],

  ['greeting', /^(hi|hello|hey|good (morning|afternoon|evening)|hiya|howdy)\b/, 3],
  ['thanks', /^(thanks|thank you|thx|cheers|great,? thanks|perfect|awesome|much appreciated)\b/, 3],
  ['help', /\bwhat can you do\b|\bhelp\b|\bwhat do you (know|do)\b|\boptions\b|\bmenu\b/, 3],
];

/** Questions ("can I…", "what is the…") are policy questions more often than requests to act. */
const QUESTION =
  /^(can|may|could|am|is|are|do|does|should|must|what|which|who|how much is|how many|how do|when (is|are|must|should|do))\b/;
const PAST_QUESTION = /\b(did|have) (i|we)\b/;

/** Scores every intent for a message. */
export function scoreIntents(text: string, x: Extraction): Map<Intent, number> {
  const t = text.toLowerCase().replace(/[’‘]/g, "'").trim();
  const scores = new Map<Intent, number>(IntentNames.map((i) => [i, 0]));
  const add = (i: Intent, n: number) => scores.set(i, (scores.get(i) ?? 0) + n);
  for (const [intent, re, weight] of rules) if (re.test(t)) add(intent, weight);
  if (x.invoiceId) add('invoice_status', 6);
  if (x.expenseId) add('expense_status', 5);
  if (x.departments.length > 0 || x.unknownDepartment || x.ownDepartment) add('budget_status', 1.5);
  if (x.quarter) add('budget_status', 1);
  if (x.amount !== undefined && (x.currency || x.unsupportedCurrency)) add('submit_expense', 1);
  if (x.category) add('submit_expense', 0.5);
  if (x.date) add('submit_expense', 0.5);
  if (QUESTION.test(t)) {
    add('spending_policy', 1);
    add('submit_expense', -2);
  }
  if (PAST_QUESTION.test(t)) add('submit_expense', -3);
  return scores;
}

/** The best intent, or undefined when nothing scores at least 2. */
export function detectIntent(
  text: string,
  x: Extraction,
): { intent?: Intent; score: number; scores: Map<Intent, number> } {
  const scores = scoreIntents(text, x);
  let best: Intent | undefined;
  let bestScore = 0;
  for (const i of IntentNames) {
    const s = scores.get(i) ?? 0;
    if (s > bestScore) {
      best = i;
      bestScore = s;
    }
  }
  return bestScore >= 2 && best ? { intent: best, score: bestScore, scores } : { score: bestScore, scores };
}
