/**
 * One entry of an agent's policy handbook: a policy an employee can ask about, answered offline by
 * retrieval and given to Claude as a tool. The handbook is data, not code: each agent keeps its own
 * entries under `src/data/handbook/`.
 */
export interface HandbookEntry {
  /** Kebab-case, unique within the agent's handbook, e.g. `notice-periods`. Cited in answers. */
  id: string;
  /** A short title people recognise, e.g. `Notice periods and resigning`. */
  title: string;
  /** Words and phrases people use when asking about it (lower case), including informal ones. */
  keywords: readonly string[];
  /** Example questions this entry answers, in employees' own words (retrieval indexes them). */
  questions: readonly string[];
  /** The direct answer in one or two sentences. */
  summary: string;
  /** The policy itself: a few markdown bullet points with the numbers and rules. */
  body: string;
  /** Who to contact when the entry does not settle the question, e.g. `your HR partner (people@acme.example)`. */
  contact: string;
}
