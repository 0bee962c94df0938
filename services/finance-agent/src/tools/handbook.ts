import { createHandbookSearch, handbookTool } from '@switchboard/agent-kit';
import { financeHandbook } from '../data/handbook/index.js';

/** Who answers what the finance handbook does not. */
export const financeContact = 'the Finance helpdesk (finance@switchboard.example)';

/** One search over the finance handbook per process: indexing it encodes every entry once. */
let search: ReturnType<typeof createHandbookSearch> | undefined;

/** `handbook_lookup` over the finance handbook (card, petty cash, VAT, purchasing, payments, ...). */
export function financeHandbookTool() {
  search ??= createHandbookSearch(financeHandbook);
  return handbookTool({ label: 'finance', entries: financeHandbook, contact: financeContact, search });
}
