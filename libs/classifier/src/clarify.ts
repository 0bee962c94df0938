import type { RouteCandidate } from './embedded.js';

/** Two examples spread over the card's list, so the hint shows two different things. */
function pickExamples(examples: readonly string[]): string[] {
  if (examples.length <= 2) return [...examples];
  return [examples[0]!, examples[Math.floor(examples.length / 2)]!];
}

/**
 * The text of a `clarify` reply: what each live agent can help with and two example questions
 * each. Deterministic for a given candidate list.
 */
export function clarifyText(candidates: readonly RouteCandidate[]): string {
  if (candidates.length === 0) {
    return 'Sorry, no assistant is available right now. Please try again in a moment.';
  }
  const lines = ["Sorry, I'm not sure who can help with that. I can connect you with:"];
  for (const c of candidates) {
    const examples = pickExamples(c.examples)
      .map((e) => `"${e}"`)
      .join(' or ');
    lines.push(`- ${c.name}: ${c.description}${examples ? ` For example: ${examples}` : ''}`);
  }
  lines.push('Please rephrase your question with a little more detail.');
  return lines.join('\n');
}
