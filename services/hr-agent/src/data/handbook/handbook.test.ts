import { describe, expect, it } from 'vitest';
import { policies } from '../policies.js';
import { hrHandbook } from './index.js';
import { leaveEntries } from './leave.js';

/** One id per topic area the handbook must cover. */
const requiredIds = [
  ...policies.map((p) => p.id),
  'health-insurance',
  'pension',
  'other-benefits',
  'payroll-and-payslips',
  'pay-reviews-and-bonuses',
  'notice-periods',
  'leaving-the-company',
  'probation',
  'performance-reviews',
  'promotions',
  'working-hours-and-overtime',
  'code-of-conduct',
  'grievances-and-harassment',
  'whistleblowing',
  'employee-referrals',
  'internal-job-moves',
  'onboarding',
  'employee-records',
  'learning-and-training',
  'relocation',
];

const bullets = (body: string) => body.split('\n').filter((line) => line.startsWith('- ')).length;

describe('HR handbook', () => {
  it('has at least 25 entries (9 leave policies + 16 new) and covers every topic area', () => {
    expect(hrHandbook.length).toBeGreaterThanOrEqual(25);
    const ids = hrHandbook.map((e) => e.id);
    expect(ids.filter((id) => !requiredIds.includes(id))).toEqual([]);
    expect(requiredIds.filter((id) => !ids.includes(id))).toEqual([]);
  });

  it('has unique kebab-case ids', () => {
    const ids = hrHandbook.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('fills every field', () => {
    for (const e of hrHandbook) {
      for (const field of [e.title, e.summary, e.body, e.contact]) expect(field.trim(), e.id).not.toBe('');
      expect(e.keywords.length, e.id).toBeGreaterThan(0);
      for (const k of e.keywords) expect(k.trim(), e.id).not.toBe('');
      for (const q of e.questions) expect(q.trim(), e.id).not.toBe('');
      expect(bullets(e.body), e.id).toBeGreaterThanOrEqual(3);
      expect(bullets(e.body), e.id).toBeLessThanOrEqual(6);
    }
  });

  it('has lower-case keywords, 8–30 of them for the new entries, and 5–8 questions each', () => {
    for (const e of hrHandbook) {
      for (const k of e.keywords) expect(k, e.id).toBe(k.toLowerCase());
      expect(e.questions.length, e.id).toBeGreaterThanOrEqual(5);
      expect(e.questions.length, e.id).toBeLessThanOrEqual(8);
    }
    for (const e of hrHandbook.filter((x) => !leaveEntries.includes(x))) {
      expect(e.keywords.length, e.id).toBeGreaterThanOrEqual(8);
      expect(e.keywords.length, e.id).toBeLessThanOrEqual(30);
    }
  });

  it('keeps the existing leave policies as they are', () => {
    for (const p of policies) {
      const e = hrHandbook.find((x) => x.id === p.id);
      expect(e).toMatchObject({ title: p.title, keywords: p.keywords, summary: p.summary, body: p.body });
    }
  });

  it('names only example domains', () => {
    const text = JSON.stringify(hrHandbook);
    for (const [, domain] of text.matchAll(/[\w.-]+@([\w-]+(?:\.[\w-]+)+)/g))
      expect(domain).toMatch(/\.example$/);
  });
});
