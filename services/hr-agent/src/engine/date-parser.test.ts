import { describe, expect, it } from 'vitest';
import { parseDates } from './date-parser.js';

// Monday 2 November 2026.
const TODAY = '2026-11-02';

describe('parseDates', () => {
  it.each([
    ['2026-12-03 to 2026-12-05', { start: '2026-12-03', end: '2026-12-05' }],
    ['from 2026-12-03 until 2026-12-05 please', { start: '2026-12-03', end: '2026-12-05' }],
    ['2026-12-03 - 2026-12-05', { start: '2026-12-03', end: '2026-12-05' }],
    ['Dec 3-5', { start: '2026-12-03', end: '2026-12-05' }],
    ['December 3rd to 5th', { start: '2026-12-03', end: '2026-12-05' }],
    ['dec 3 – 5, 2027', { start: '2027-12-03', end: '2027-12-05' }],
    ['3-5 Dec', { start: '2026-12-03', end: '2026-12-05' }],
    ['the 3rd to the 5th of December', { start: '2026-12-03', end: '2026-12-05' }],
    ['the 3rd to the 5th of next month', { start: '2026-12-03', end: '2026-12-05' }],
    ['December 3 to December 5', { start: '2026-12-03', end: '2026-12-05' }],
    ['Dec 30 - Jan 2', { start: '2026-12-30', end: '2027-01-02' }],
    ['the 10th to the 12th', { start: '2026-11-10', end: '2026-11-12' }],
    ['monday to wednesday', { start: '2026-11-02', end: '2026-11-04' }],
    ['next monday to friday', { start: '2026-11-09', end: '2026-11-13' }],
    ['tomorrow until Thursday', { start: '2026-11-03', end: '2026-11-05' }],
    ['next week', { start: '2026-11-09', end: '2026-11-13' }],
    ['this week', { start: '2026-11-02', end: '2026-11-06' }],
    ['between Dec 14 and Dec 18', { start: '2026-12-14', end: '2026-12-18' }],
  ])('%s', (text, expected) => {
    expect(parseDates(text, TODAY)).toEqual(expected);
  });

  it.each([
    ['tomorrow', '2026-11-03'],
    ['today', '2026-11-02'],
    ['the day after tomorrow', '2026-11-04'],
    ['next Monday', '2026-11-09'],
    ['can I take Friday off?', '2026-11-06'],
    ['this friday', '2026-11-06'],
    ['Dec 3', '2026-12-03'],
    ['3rd of December', '2026-12-03'],
    ['the 3rd of next month', '2026-12-03'],
    ['the 5th', '2026-11-05'],
    ['the 1st', '2026-12-01'],
    ['January 4', '2027-01-04'],
    ['yesterday', '2026-11-01'],
    ['last monday', '2026-10-26'],
    ['2026-01-05', '2026-01-05'],
  ])('%s is one day', (text, start) => {
    expect(parseDates(text, TODAY)).toEqual({ start });
  });

  it('reads a length, with or without a start', () => {
    expect(parseDates('next Monday for 3 days', TODAY)).toEqual({ start: '2026-11-09', durationDays: 3 });
    expect(parseDates('book 30 days for carol', TODAY)).toEqual({ durationDays: 30 });
    expect(parseDates('two weeks of holiday in August', TODAY)).toEqual({ durationDays: 10 });
  });

  it('keeps a reversed explicit range reversed (the tool refuses it)', () => {
    expect(parseDates('2026-12-05 to 2026-12-03', TODAY)).toEqual({ start: '2026-12-05', end: '2026-12-03' });
    expect(parseDates('Dec 5 to Dec 3', TODAY)).toEqual({ start: '2026-12-05', end: '2026-12-03' });
  });

  it('finds nothing in text without dates', () => {
    expect(parseDates('I want to take leave', TODAY)).toEqual({});
    expect(parseDates('how many days do I have', TODAY)).toEqual({});
    expect(parseDates('2026-02-30', TODAY)).toEqual({});
  });
});
