import { z } from 'zod';
import { defineTool } from '../tools/types.js';
import { createHandbookSearch, type HandbookSearch } from './search.js';
import type { HandbookEntry } from './types.js';

const Match = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  body: z.string(),
  contact: z.string(),
  score: z.number(),
});

const Output = z.object({
  /** True when the best match fits well enough to answer from. */
  answered: z.boolean(),
  matches: z.array(Match),
  /** Who to ask when nothing fits (the agent's general contact). */
  contact: z.string(),
  /** Every entry's title, to offer when nothing fits. */
  topics: z.array(z.string()),
});
export type HandbookLookupOutput = z.infer<typeof Output>;

/** Options of {@link handbookTool}. */
export interface HandbookToolOptions {
  /** Which handbook, for the description and answers, e.g. `HR`. */
  label: string;
  entries: readonly HandbookEntry[];
  /** Who to contact when no entry fits, e.g. `the People team (people@acme.example)`. */
  contact: string;
  /** A prepared search over `entries` (default: built here). */
  search?: HandbookSearch;
}

/**
 * The `handbook_lookup` tool: searches an agent's policy handbook by meaning and words and returns
 * the best entries with their text and contact. The offline engine answers from it; Claude gets it
 * as a tool and must answer from the returned text only, citing the policy id.
 */
export function handbookTool(opts: HandbookToolOptions) {
  const search = opts.search ?? createHandbookSearch(opts.entries);
  const topics = opts.entries.map((e) => e.title);
  return defineTool({
    name: 'handbook_lookup',
    description:
      `Searches the ${opts.label} policy handbook and returns the best-matching policies with their full text, ` +
      `an id to cite and who to contact. Topics: ${topics.join('; ')}. Answer only from the returned text and cite ` +
      'the policy id; when `answered` is false, say the handbook does not cover it and name the contact.',
    input: z.strictObject({
      question: z
        .string()
        .trim()
        .min(2)
        .max(500)
        .describe('The question in the employee\'s words, e.g. "how long is my notice period?"'),
    }),
    output: Output,
    async run(input) {
      const found = search.search(input.question, 3);
      const best = found[0];
      const answered = best !== undefined && best.score >= search.settings.answerAt;
      const matches = found
        .filter((m) => m.score >= search.settings.answerAt * 0.75)
        .map(({ entry, score }) => ({
          id: entry.id,
          title: entry.title,
          summary: entry.summary,
          body: entry.body,
          contact: entry.contact,
          score: Math.round(score * 1000) / 1000,
        }));
      return { answered, matches, contact: opts.contact, topics };
    },
  });
}

/**
 * The offline engine's answer from a lookup: the best policy's summary and rules, cited by id, and
 * who to contact; or, when nothing fits, that the handbook does not cover it and who to ask.
 */
export function handbookAnswer(label: string, out: HandbookLookupOutput): { text: string; policy?: string } {
  const [top, ...rest] = out.matches;
  if (!out.answered || !top) {
    return {
      text:
        `I couldn't find anything in the ${label} handbook that answers this, so I won't guess. ` +
        `Please contact ${out.contact}. The handbook covers: ${out.topics.join('; ')}.`,
    };
  }
  const body = top.body
    .split('\n')
    .filter((l) => !l.startsWith('# '))
    .join('\n');
  const related = rest.filter((m) => m.score >= top.score * 0.9).map((m) => `${m.title} [${m.id}]`);
  return {
    text:
      `${top.title} — ${top.summary}\n${body}\n` +
      `Source: ${label} handbook, policy [${top.id}]. Questions: ${top.contact}.` +
      (related.length ? `\nSee also: ${related.join('; ')}.` : ''),
    policy: top.id,
  };
}
