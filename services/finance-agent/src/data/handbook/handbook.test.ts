import { describe, expect, it } from 'vitest';
import {
  ApprovalThresholdUsd,
  CategoryLimitsUsd,
  DirectorApprovalUsd,
  MaxExpenseAgeDays,
  ReceiptThresholdUsd,
} from '../../domain/rules.js';
import { financeHandbook } from './index.js';
import { usd } from './money.js';

/** One id per topic area the handbook must cover. */
const requiredIds = [
  'travel-booking-and-per-diem',
  'travel-advances',
  'mileage-and-car-use',
  'currency-conversion',
  'corporate-card',
  'corporate-card-problems',
  'petty-cash',
  'purchase-approvals',
  'software-and-equipment',
  'subscriptions-and-memberships',
  'gifts-and-hospitality',
  'vat-and-sales-tax',
  'reimbursement-timing',
  'receipts-and-lost-receipts',
  'vendor-invoices-and-payments',
  'new-supplier-onboarding',
  'budgets',
  'cost-centres',
  'month-and-year-end-close',
];

const bullets = (body: string) => body.split('\n').filter((line) => line.startsWith('- ')).length;
const entry = (id: string) => financeHandbook.find((e) => e.id === id)!;

describe('finance handbook', () => {
  it('has at least 16 entries and covers every topic area', () => {
    expect(financeHandbook.length).toBeGreaterThanOrEqual(16);
    const ids = financeHandbook.map((e) => e.id);
    expect(ids.filter((id) => !requiredIds.includes(id))).toEqual([]);
    expect(requiredIds.filter((id) => !ids.includes(id))).toEqual([]);
  });

  it('has unique kebab-case ids', () => {
    const ids = financeHandbook.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('fills every field', () => {
    for (const e of financeHandbook) {
      for (const field of [e.title, e.summary, e.body, e.contact]) expect(field.trim(), e.id).not.toBe('');
      for (const k of e.keywords) expect(k.trim(), e.id).not.toBe('');
      for (const q of e.questions) expect(q.trim(), e.id).not.toBe('');
      expect(bullets(e.body), e.id).toBeGreaterThanOrEqual(3);
      expect(bullets(e.body), e.id).toBeLessThanOrEqual(6);
    }
  });

  it('has 8–30 lower-case keywords and 5–8 questions per entry', () => {
    for (const e of financeHandbook) {
      expect(e.keywords.length, e.id).toBeGreaterThanOrEqual(8);
      expect(e.keywords.length, e.id).toBeLessThanOrEqual(30);
      for (const k of e.keywords) expect(k, e.id).toBe(k.toLowerCase());
      expect(e.questions.length, e.id).toBeGreaterThanOrEqual(5);
      expect(e.questions.length, e.id).toBeLessThanOrEqual(8);
    }
  });

  it('quotes the amounts of the rules module', () => {
    expect(entry('receipts-and-lost-receipts').summary).toContain(usd(ReceiptThresholdUsd));
    expect(entry('purchase-approvals').summary).toContain(usd(ApprovalThresholdUsd));
    expect(entry('purchase-approvals').summary).toContain(usd(DirectorApprovalUsd));
    expect(entry('reimbursement-timing').summary).toContain(`${MaxExpenseAgeDays} days`);
    expect(entry('software-and-equipment').summary).toContain(usd(CategoryLimitsUsd.software));
  });

  it('names only example domains', () => {
    const text = JSON.stringify(financeHandbook);
    for (const [, domain] of text.matchAll(/[\w.-]+@([\w-]+(?:\.[\w-]+)+)/g)) {
      expect(domain).toMatch(/\.example$/);
    }
  });
});
