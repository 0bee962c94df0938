import type { HandbookEntry } from '@switchboard/agent-kit';
import { budgetEntries } from './budgets.js';
import { cardEntries } from './cards.js';
import { expenseEntries } from './expenses.js';
import { purchasingEntries } from './purchasing.js';
import { travelEntries } from './travel.js';
import { vendorEntries } from './vendors.js';

/** The finance agent's policy handbook, by area. */
export const financeHandbook: readonly HandbookEntry[] = [
  ...travelEntries,
  ...cardEntries,
  ...expenseEntries,
  ...purchasingEntries,
  ...vendorEntries,
  ...budgetEntries,
];
