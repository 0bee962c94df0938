import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tools/types.js';
import { toAnthropicTools, toMessages } from './messages.js';

describe('toMessages', () => {
  it('joins same-role turns, drops leading agent turns and empty text, ends with the user text', () => {
    const at = '2026-11-02T10:00:00.000Z';
    expect(
      toMessages(
        [
          { role: 'agent', text: 'welcome', at },
          { role: 'user', text: 'a', at },
          { role: 'user', text: 'b', at },
          { role: 'agent', text: ' ', at },
          { role: 'agent', text: 'c', at },
        ],
        'd',
      ),
    ).toEqual([
      { role: 'user', content: 'a\n\nb' },
      { role: 'assistant', content: 'c' },
      { role: 'user', content: 'd' },
    ]);
  });

  it('keeps only the last maxTurns turns', () => {
    const at = '2026-11-02T10:00:00.000Z';
    const history = Array.from({ length: 10 }, (_, i) => ({
      role: i % 2 ? ('agent' as const) : ('user' as const),
      text: `t${i}`,
      at,
    }));
    const msgs = toMessages(history, 'now', 4);
    expect(msgs.map((m) => m.content)).toEqual(['t6', 't7', 't8', 't9', 'now']);
  });
});

describe('toAnthropicTools', () => {
  it('turns zod input schemas into JSON Schema objects, defaults optional', () => {
    const tool = defineTool({
      name: 't',
      description: 'd',
      input: z.strictObject({ a: z.string().describe('an a'), b: z.number().default(1) }),
      output: z.object({}),
      async run() {
        return {};
      },
    });
    const [out] = toAnthropicTools([tool]);
    expect(out).toEqual({
      name: 't',
      description: 'd',
      input_schema: {
        type: 'object',
        properties: { a: { type: 'string', description: 'an a' }, b: { type: 'number', default: 1 } },
        required: ['a'],
        additionalProperties: false,
      },
    });
  });

  it('refuses a tool whose input is not an object', () => {
    const tool = defineTool({
      name: 'x',
      description: 'x',
      input: z.string(),
      output: z.string(),
      run: async (s) => s,
    });
    expect(() => toAnthropicTools([tool])).toThrow(/must be an object/);
  });
});
