/** One request of a message that holds several: its agent, its text and the classifier's score. */
export interface IntentPart {
  agent: string;
  text: string;
  score: number;
}

/** Where a message may hold two requests: sentence ends, semicolons and joining words. */
const joiner = /[.?!;]+\s+|,?\s+\b(?:and also|and then|oh and|and|also|plus|as well as)\b\s+/gi;

/** Words of a part, as a crude measure of whether it can stand as a request of its own. */
const wordCount = (s: string) => s.split(/\s+/).filter((w) => /[a-z]/i.test(w)).length;

const trimPart = (s: string) => s.replace(/^[\s,;:.-]+|[\s,;:-]+$/g, '');

/** A joining word that opens the second sentence ("... wrong. Also, is ..."). */
const leadingJoiner =
  /^(?:and also|and then|oh and|and|also|plus|as well as|separately|additionally)\b[,:]?\s*/i;

/** Every way to cut `text` in two at a joining word or sentence end, both sides 3+ words long. */
export function twoWaySplits(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of text.matchAll(joiner)) {
    const left = trimPart(text.slice(0, m.index));
    const right = trimPart(text.slice(m.index + m[0].length).replace(leadingJoiner, ''));
    if (wordCount(left) >= 3 && wordCount(right) >= 3) out.push([left, right]);
  }
  return out;
}

/**
 * Finds a second request for another agent in a message ("how many vacation days do I have and how
 * much travel budget is left?"): each two-way cut is classified part by part, and a cut counts
 * when both parts route, to different agents. Of several such cuts the one whose weaker part scores
 * best wins. Returns the two parts in text order, or null for a single request.
 */
export function detectParts(
  text: string,
  classify: (text: string) => { agent: string | null; score: number },
): IntentPart[] | null {
  let best: IntentPart[] | null = null;
  let bestScore = -1;
  for (const [left, right] of twoWaySplits(text)) {
    const a = classify(left);
    if (!a.agent) continue;
    const b = classify(right);
    if (!b.agent || b.agent === a.agent) continue;
    const weaker = Math.min(a.score, b.score);
    if (weaker > bestScore) {
      bestScore = weaker;
      best = [
        { agent: a.agent, text: left, score: a.score },
        { agent: b.agent, text: right, score: b.score },
      ];
    }
  }
  return best;
}

/**
 * {@link detectParts} as the router runs it: only when a second agent scored at least the
 * classifier's threshold on the whole message (a two-request message scores for both), so single
 * requests cost one classification. `whole` is the whole message's result when already at hand.
 */
export function multiIntentParts(
  classifier: {
    settings: { threshold: number };
    classify(text: string): { agent: string | null; score: number; scores: Record<string, number> };
  },
  text: string,
  whole = classifier.classify(text),
): IntentPart[] | null {
  const runnerUp = Object.values(whole.scores).sort((a, b) => b - a)[1] ?? 0;
  return runnerUp >= classifier.settings.threshold ? detectParts(text, (t) => classifier.classify(t)) : null;
}
