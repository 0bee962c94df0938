import type { Policy } from '../data/policies.js';

const STOP = new Set(
  'a an and are as at be can do does for from get have how i if in is it me my of on or our the to we what when which who why will with you your there policy policies rule rules about tell'.split(
    ' ',
  ),
);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 1 && !STOP.has(w));
}

/** Scores each policy against `query`: keyword phrases weigh most, then title words, then body words. */
export function searchPolicies(
  corpus: readonly Policy[],
  query: string,
): { policy: Policy; score: number }[] {
  const q = ` ${query
    .toLowerCase()
    .replace(/[^a-z0-9'\s-]/g, ' ')
    .replace(/\s+/g, ' ')} `;
  const qWords = new Set(words(query));
  return corpus
    .map((policy) => {
      let score = 0;
      if (q.includes(` ${policy.id} `) || q.trim() === policy.id) score += 5;
      for (const k of policy.keywords) if (q.includes(` ${k} `)) score += k.includes(' ') ? 4 : 3;
      for (const w of words(policy.title)) if (qWords.has(w)) score += 2;
      const body = new Set(words(policy.body));
      for (const w of qWords) if (body.has(w)) score += 0.25;
      return { policy, score };
    })
    .filter((m) => m.score >= 1)
    .sort((a, b) => b.score - a.score);
}
