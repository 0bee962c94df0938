import { describe, expect, it } from 'vitest';
import { createSpeller, editDistance } from './spelling.js';
import { contentTerms, fold, gate, stem } from './text.js';

describe('text normalisation', () => {
  it('folds case, accents and full-width forms', () => {
    expect(fold('Département ＢＵＤＧＥＴ')).toBe('departement budget');
  });

  it('stems common inflections to one form', () => {
    const same = (words: string[]) => new Set(words.map(stem)).size;
    expect(same(['expense', 'expenses', 'expensed'])).toBe(1);
    expect(same(['policy', 'policies'])).toBe(1);
    expect(same(['cancel', 'cancelled', 'cancels'])).toBe(1);
    expect(same(['reimburse', 'reimbursed', 'reimbursement'])).toBe(1);
    expect(same(['submit', 'submitted', 'submitting'])).toBe(1);
  });

  it('drops stop words and bare numbers', () => {
    expect(contentTerms("What's my leave balance for 2025, please?")).toEqual(['leav', 'balanc']);
  });
});

describe('gate', () => {
  it.each([
    ['', 'empty'],
    ['🎉 👍', 'empty'],
    ['12345', 'empty'],
    ['我想请三天假', 'non_latin'],
    ['Сколько дней отпуска?', 'non_latin'],
    ['Combien de jours de congé me reste-t-il ?', 'other_language'],
    ['Wie viele Urlaubstage habe ich noch?', 'other_language'],
  ])('%j -> %s', (text, reason) => {
    expect(gate(text)).toBe(reason);
  });

  it.each(['how many PTO days do I have?', 'budget', 'who is Ben my manager', 'per diem in Paris'])(
    'lets English through: %j',
    (text) => {
      expect(gate(text)).toBeNull();
    },
  );
});

describe('spelling', () => {
  it('measures edit distance with transpositions', () => {
    expect(editDistance('diem', 'deim')).toBe(1);
    expect(editDistance('budget', 'buget')).toBe(1);
    expect(editDistance('leave', 'leave')).toBe(0);
    expect(editDistance('abc', 'xyz')).toBe(3);
  });

  it('corrects unknown terms to the nearest known one and leaves the rest', () => {
    const speller = createSpeller(
      new Map([
        ['budget', 3],
        ['engineer', 2],
        ['vacation', 5],
      ]),
    );
    expect(speller.correct('buget')).toBe('budget');
    expect(speller.correct('engneer')).toBe('engineer');
    expect(speller.correct('vacaton')).toBe('vacation');
    expect(speller.correct('weather')).toBe('weather');
    expect(speller.correct('pto')).toBe('pto');
  });
});
