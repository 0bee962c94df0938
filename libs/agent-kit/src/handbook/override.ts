/**
 * When a policy from the handbook answers instead of an intent the offline engine detected: the
 * intent pattern must be weak, the best entry must fit well, and the entry must not be about the
 * same records as the intent ("how many sick days can I take?" is a balance question even though a
 * sick-leave policy fits). Each agent gives its own numbers and areas.
 */
export interface HandbookOverride<I extends string> {
  /** Intent scores below this are weak: the handbook is asked too. */
  weakBelow: number;
  /** The best entry's score from which it answers instead of a weak intent. */
  overrideAt: number;
  /** Per intent, the handbook entries about the same records: those leave the intent in charge. */
  sameArea: Partial<Record<I, ReadonlySet<string>>>;
}

/** Whether a detected intent is weak enough for the handbook to be asked too. */
export function isWeakIntent<I extends string>(rule: HandbookOverride<I>, score: number): boolean {
  return score < rule.weakBelow;
}

/** Whether the handbook's best entry answers instead of `intent` (always, when there is none). */
export function handbookWins<I extends string>(
  rule: HandbookOverride<I>,
  intent: I | undefined,
  top: { id: string; score: number } | undefined,
): boolean {
  if (intent === undefined) return true;
  if (!top || top.score < rule.overrideAt) return false;
  return !rule.sameArea[intent]?.has(top.id);
}
