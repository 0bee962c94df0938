import { describe, expect, it } from 'vitest';
import { toolContext } from '../testing/harness.js';
import { useFinanceToolExecutor } from '../testing/tools-fixture.js';
import { vendorMatches } from './invoice-status.js';

const exec = useFinanceToolExecutor();

const invoices = (input: unknown, userId: string | null = 'alice') =>
  exec.execute('invoice_status', input, toolContext(userId ?? undefined, 't1'));
const ids = (r: Awaited<ReturnType<typeof invoices>>) =>
  r.ok ? (r.output as { invoices: { id: string }[] }).invoices.map((i) => i.id) : r.error.code;

describe('invoice_status', () => {
  it('gives one invoice by id: vendor, amount, due date, paid or not', async () => {
    expect(await invoices({ invoiceId: 'INV-1001' })).toMatchObject({
      ok: true,
      output: {
        count: 1,
        invoices: [
          {
            id: 'INV-1001',
            vendor: 'Acme Cloud Services',
            amount: 12_400,
            status: 'paid',
            dueDate: '2026-10-31',
            overdue: false,
          },
        ],
      },
    });
    expect(await invoices({ invoiceId: 'inv-1003' })).toMatchObject({
      ok: true,
      output: { invoices: [{ status: 'unpaid', overdue: true, daysUntilDue: -5 }] },
    });
  });

  it('filters by status and vendor', async () => {
    expect(ids(await invoices({ status: 'unpaid' }))).toEqual(['INV-1003', 'INV-1002', 'INV-2040']);
    expect(ids(await invoices({ status: 'overdue' }))).toEqual(['INV-1003']);
    expect(ids(await invoices({ status: 'paid' }))).toEqual(['INV-2041', 'INV-1001']);
    expect(ids(await invoices({ vendor: 'acme' }))).toEqual(['INV-1001']);
    expect(ids(await invoices({}))).toHaveLength(5);
  });

  it('says when there is no such invoice, and refuses bad ids and unknown users', async () => {
    expect(await invoices({ invoiceId: 'INV-9999' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', details: { reason: 'not_found' } },
    });
    expect(await invoices({ invoiceId: 'ACME' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    expect(await invoices({}, null)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('matches vendors by name or first word', () => {
    expect(vendorMatches('Acme Cloud Services', 'did we pay the Acme invoice?')).toBe(true);
    expect(vendorMatches('Acme Cloud Services', 'cloud services')).toBe(true);
    expect(vendorMatches('Acme Cloud Services', 'which invoices are unpaid')).toBe(false);
  });
});
