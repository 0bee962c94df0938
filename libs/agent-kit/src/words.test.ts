import { describe, expect, it } from 'vitest';
import { countOf, MONTH_PATTERN, NUMBER_WORD_PATTERN, NUMBER_WORDS } from './words.js';

describe('words', () => {
  it('reads counts in digits and in words, and nothing else', () => {
    expect(countOf('12')).toBe(12);
    expect(countOf('eight')).toBe(8);
    expect(countOf('An')).toBe(1);
    expect(countOf('several')).toBeUndefined();
    expect(countOf('1.5')).toBeUndefined();
    // Only the table's own words: not what every object inherits.
    expect(countOf('constructor')).toBeUndefined();
    expect(countOf('toString')).toBeUndefined();
  });

  it('matches every number word whole, the longer before its prefixes', () => {
    const re = new RegExp(`^(?:${NUMBER_WORD_PATTERN})$`);
    for (const w of Object.keys(NUMBER_WORDS)) expect(re.test(w), w).toBe(true);
    // "an" is read whole, not as "a" followed by a letter.
    expect(new RegExp(`\\b(${NUMBER_WORD_PATTERN})\\b`).exec('an hour')?.[1]).toBe('an');
  });

  it('matches month names and abbreviations, not other words', () => {
    const re = new RegExp(`^(?:${MONTH_PATTERN})$`);
    for (const m of ['jan', 'january', 'sep', 'sept', 'september', 'june', 'jun', 'may', 'dec'])
      expect(re.test(m), m).toBe(true);
    for (const w of ['janu', 'mayday', 'decide', 'marc']) expect(re.test(w), w).toBe(false);
  });
});
