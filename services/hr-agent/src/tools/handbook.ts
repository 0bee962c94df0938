import { createHandbookSearch, handbookTool } from '@switchboard/agent-kit';
import { hrHandbook } from '../data/handbook/index.js';

/** Who answers what the HR handbook does not. */
export const hrContact = 'the People team (people@switchboard.example) or your HR partner';

/** One search over the HR handbook per process: indexing it encodes every entry once. */
let search: ReturnType<typeof createHandbookSearch> | undefined;

/** `handbook_lookup` over the HR handbook (benefits, pay, leave, leaving, conduct, reviews, ...). */
export function hrHandbookTool() {
  search ??= createHandbookSearch(hrHandbook);
  return handbookTool({ label: 'HR', entries: hrHandbook, contact: hrContact, search });
}
