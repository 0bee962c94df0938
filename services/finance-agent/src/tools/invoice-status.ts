import { defineTool } from '@switchboard/agent-kit';
import { z } from 'zod';
import { Invoice, InvoiceId } from '../domain/model.js';
import { daysBetween, isoDay } from '../domain/rules.js';
import { type FinanceToolDeps, refuse, requireCaller } from './common.js';

const InvoiceView = Invoice.extend({
  /** Unpaid and past its due date. */
  overdue: z.boolean(),
  /** Days from today to the due date; negative when past. */
  daysUntilDue: z.number(),
});

function normal(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** True when `query` names the vendor: a word of the vendor's name, or the whole name. */
export function vendorMatches(vendor: string, query: string): boolean {
  const v = normal(vendor);
  const q = normal(query);
  if (!q) return false;
  if (v.includes(q)) return true;
  const qWords = new Set(q.split(' '));
  const first = v.split(' ')[0] ?? '';
  return first.length >= 3 && qWords.has(first);
}

/** Vendor invoices: one by id, those of a vendor, or all with a status. */
export function invoiceStatusTool(deps: FinanceToolDeps) {
  return defineTool({
    name: 'invoice_status',
    description:
      'Status of vendor invoices: vendor, amount, due date, paid or unpaid, overdue. Give an invoice id (like INV-1001), or a vendor name, or a status (paid, unpaid, overdue); with none, all invoices.',
    input: z.strictObject({
      invoiceId: InvoiceId.optional().describe('Invoice id, e.g. INV-1001'),
      vendor: z.string().trim().min(2).max(100).optional().describe('Vendor name or part of it, e.g. Acme'),
      status: z.enum(['paid', 'unpaid', 'overdue']).optional(),
    }),
    output: z.object({ invoices: z.array(InvoiceView), count: z.number() }),
    async run(input, ctx) {
      await requireCaller(deps.store, ctx);
      const today = isoDay(deps.now());
      let invoices: Invoice[];
      if (input.invoiceId) {
        const one = await deps.store.getInvoice(input.invoiceId);
        if (!one) throw refuse('invalid_request', 'not_found', `There is no invoice ${input.invoiceId}.`);
        invoices = [one];
      } else {
        invoices = await deps.store.listInvoices();
      }
      const views = invoices
        .map((i) => ({
          ...i,
          overdue: i.status === 'unpaid' && i.dueDate < today,
          daysUntilDue: daysBetween(today, i.dueDate),
        }))
        .filter((i) => !input.vendor || vendorMatches(i.vendor, input.vendor))
        .filter((i) => !input.status || (input.status === 'overdue' ? i.overdue : i.status === input.status))
        .sort((a, b) => a.dueDate.localeCompare(b.dueDate));
      return { invoices: views, count: views.length };
    },
  });
}
