import type { ApprovalKind } from './record.js';

/** "what do I need to approve?", "any approvals waiting for me?", "show my pending approvals". */
export function asksForApprovals(text: string): boolean {
  const t = text.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  return (
    /\b(what|which|anything|any|show|list|is there|are there|do i have)\b.*\b(to|for me to|i (need|have|must|should) to)\s+(approve|sign off|decide)\b/.test(
      t,
    ) ||
    /\b(pending|open|outstanding|waiting) approvals?\b/.test(t) ||
    /\bapprovals?\b.*\b(pending|waiting|outstanding|for me|on my desk)\b/.test(t) ||
    /\bwaiting (for|on) my (approval|decision|sign-?off)\b/.test(t) ||
    /^(my )?approvals\??$/.test(t.trim())
  );
}

/** A decision in plain words, with what it points at. */
export interface DecisionWords {
  decision: 'approved' | 'rejected';
  /** "approve 2": the reference number from the listing. */
  ref?: number;
  /** Words that may name the requester ("alice's", "from alice"). */
  words: string[];
  kind?: ApprovalKind;
}

const DECIDE =
  /^(?:(?:yes|yeah|yep|ok|okay|sure|fine|no|nope)[,.!]?\s+)?(?:please\s+|i\s+)?(approve|approved|accept|ok|reject|rejected|decline|deny|refuse)\b(.*)$/i;

/** "approve alice's expense", "approve 1", "reject the leave request from alice", "yes approve it". */
export function parseDecision(text: string): DecisionWords | undefined {
  const m = DECIDE.exec(text.trim().replace(/[\u2018\u2019]/g, "'"));
  if (!m) return undefined;
  const verb = m[1]!.toLowerCase();
  const rest = m[2]!.toLowerCase();
  // "ok" alone is a yes, not a decision; "ok 2" or "ok alice's expense" is.
  if (verb === 'ok' && !/\w/.test(rest)) return undefined;
  const decision = /^(reject|rejected|decline|deny|refuse)$/.test(verb) ? 'rejected' : 'approved';
  const ref = /(?:^|\s|#|no\.?\s*|number\s+)(\d{1,2})\b/.exec(rest);
  const kind = /\b(expenses?|claims?|receipts?|exp-[0-9a-f]+)\b/.test(rest)
    ? 'expense'
    : /\b(leave|vacation|holiday|time off|days? off|pto|lr-[0-9a-z]+)\b/.test(rest)
      ? 'leave'
      : undefined;
  const words = rest
    .replace(/'s\b/g, ' ')
    .split(/[^a-z0-9-]+/)
    .filter((w) => w.length > 1);
  return { decision, ...(ref ? { ref: Number(ref[1]) } : {}), words, ...(kind ? { kind } : {}) };
}

/** A bare yes. */
export function isYesWord(text: string): boolean {
  return /^(y|yes|yeah|yep|yup|sure|ok|okay|confirm(ed)?|do it|go ahead|please do)\b[.! ]*$/i.test(
    text.trim(),
  );
}

/** A bare no. */
export function isNoWord(text: string): boolean {
  return /^(n|no|nope|nah|not now|never ?mind|cancel|leave it)\b[.! ]*$/i.test(text.trim());
}
