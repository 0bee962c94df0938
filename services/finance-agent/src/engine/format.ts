import type { Expense, ExpenseStatus, Invoice } from '../domain/model.js';

/** `$1,234.50` / `$1,234`. */
export function usd(n: number): string {
  const abs = Math.abs(n);
  const s = abs.toLocaleString('en-US', {
    minimumFractionDigits: Number.isInteger(abs) ? 0 : 2,
    maximumFractionDigits: 2,
  });
  return n < 0 ? `-$${s}` : `$${s}`;
}

/** `42.50 EUR`, `5,000 JPY`. */
export function money(amount: number, currency: string): string {
  if (currency === 'USD') return usd(amount);
  const digits = currency === 'JPY' ? 0 : 2;
  return `${amount.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${currency}`;
}

/** An amount with its USD equivalent when it is in another currency. */
export function moneyWithUsd(amount: number, currency: string, amountUsd: number): string {
  return currency === 'USD' ? usd(amount) : `${money(amount, currency)} (${usd(amountUsd)})`;
}

export const statusWords: Record<ExpenseStatus, string> = {
  submitted: 'submitted, waiting to be processed',
  pending_approval: 'waiting for approval',
  approved: 'approved, to be paid in the next expense payment run',
  rejected: 'rejected',
  paid: 'paid',
};

/** One line about an expense. */
export function expenseLine(e: Expense): string {
  const what = e.description ? ` (${e.description})` : '';
  const note = e.status === 'rejected' && e.note ? ` — ${e.note}` : '';
  return `${e.id}: ${moneyWithUsd(e.amount, e.currency, e.amountUsd)} ${e.category}${what} on ${e.date}, ${statusWords[e.status]}${note}`;
}

/** One line about an invoice. */
export function invoiceLine(i: Invoice & { overdue: boolean; daysUntilDue: number }): string {
  const amount = money(i.amount, i.currency);
  if (i.status === 'paid')
    return `${i.id} from ${i.vendor} (${i.description}), ${amount}: paid${i.paidOn ? ` on ${i.paidOn}` : ''} (due ${i.dueDate}).`;
  if (i.overdue) {
    const days = -i.daysUntilDue;
    return `${i.id} from ${i.vendor} (${i.description}), ${amount}: unpaid and overdue — it was due ${i.dueDate}, ${days} day${days === 1 ? '' : 's'} ago.`;
  }
  const when = i.daysUntilDue === 0 ? 'today' : `in ${i.daysUntilDue} day${i.daysUntilDue === 1 ? '' : 's'}`;
  return `${i.id} from ${i.vendor} (${i.description}), ${amount}: not paid yet, due ${i.dueDate} (${when}).`;
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "a, b and c". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
