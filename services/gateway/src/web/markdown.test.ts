// The web chat's Markdown parser (services/gateway/web/markdown.js), pure, in Node; its rendering
// to DOM nodes is checked in a real browser (test/browser/web-chat.test.ts).
import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from '../../web/markdown.js';

describe('parseInline', () => {
  it('finds code, strong, em and http(s) links, and leaves the rest as text', () => {
    expect(parseInline('Use `npm start`, **not** *this*: [docs](https://example.com/a?b=1).')).toEqual([
      { type: 'text', text: 'Use ' },
      { type: 'code', text: 'npm start' },
      { type: 'text', text: ', ' },
      { type: 'strong', children: [{ type: 'text', text: 'not' }] },
      { type: 'text', text: ' ' },
      { type: 'em', children: [{ type: 'text', text: 'this' }] },
      { type: 'text', text: ': ' },
      { type: 'link', text: 'docs', href: 'https://example.com/a?b=1' },
      { type: 'text', text: '.' },
    ]);
  });

  it('nests emphasis in strong, and keeps code literal', () => {
    expect(parseInline('**12 days *left* this year**')).toEqual([
      {
        type: 'strong',
        children: [
          { type: 'text', text: '12 days ' },
          { type: 'em', children: [{ type: 'text', text: 'left' }] },
          { type: 'text', text: ' this year' },
        ],
      },
    ]);
    expect(parseInline('`**x**`')).toEqual([{ type: 'code', text: '**x**' }]);
  });

  it('keeps HTML, non-http links, arithmetic and snake_case as text', () => {
    for (const text of [
      '<script>alert(1)</script>',
      '[click](javascript:alert(1))',
      '[file](file:///etc/passwd)',
      '3 * 4 = 12 and 5 * 6',
      'the cost_centre_code field',
      '** not bold **',
    ]) {
      expect(parseInline(text), text).toEqual([{ type: 'text', text }]);
    }
  });
});

describe('parseMarkdown', () => {
  it('reads paragraphs, headings, bullet and numbered lists and fenced code', () => {
    const text = [
      '## Your leave',
      'You have **12 days** left.',
      'Booked ones are not counted.',
      '',
      '- 10 vacation days',
      '* 2 carried over',
      '  from last year',
      '',
      '3. ask your manager',
      '4) book it',
      '```',
      'npm run chat',
      '  <b>as is</b>',
      '```',
      'Done.',
    ].join('\r\n');
    expect(parseMarkdown(text)).toEqual([
      { type: 'heading', level: 2, inline: [{ type: 'text', text: 'Your leave' }] },
      {
        type: 'p',
        inline: [
          { type: 'text', text: 'You have ' },
          { type: 'strong', children: [{ type: 'text', text: '12 days' }] },
          { type: 'text', text: ' left.\nBooked ones are not counted.' },
        ],
      },
      {
        type: 'ul',
        items: [
          [{ type: 'text', text: '10 vacation days' }],
          [{ type: 'text', text: '2 carried over from last year' }],
        ],
      },
      {
        type: 'ol',
        start: 3,
        items: [[{ type: 'text', text: 'ask your manager' }], [{ type: 'text', text: 'book it' }]],
      },
      { type: 'code', text: 'npm run chat\n  <b>as is</b>' },
      { type: 'p', inline: [{ type: 'text', text: 'Done.' }] },
    ]);
  });

  it('gives a plain answer one paragraph with its text unchanged, and an empty one nothing', () => {
    const answer = 'You have 18 vacation days left (25 per year, 7 taken).';
    expect(parseMarkdown(answer)).toEqual([{ type: 'p', inline: [{ type: 'text', text: answer }] }]);
    expect(parseMarkdown('')).toEqual([]);
    expect(parseMarkdown('\n\n')).toEqual([]);
  });

  it('ends a list at a line that is not indented, and a code fence at the end of the text', () => {
    expect(parseMarkdown('- a\nafter\n```\nunclosed')).toEqual([
      { type: 'ul', items: [[{ type: 'text', text: 'a' }]] },
      { type: 'p', inline: [{ type: 'text', text: 'after' }] },
      { type: 'code', text: 'unclosed' },
    ]);
  });
});
