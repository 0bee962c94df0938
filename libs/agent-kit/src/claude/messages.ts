import type { Turn } from '@switchboard/contracts';
import type { Anthropic } from '@switchboard/llm';
import { z } from 'zod';
import type { Tool } from '../tools/types.js';

type MessageParam = Anthropic.Messages.MessageParam;
type ContentBlockParam = Anthropic.Messages.ContentBlockParam;

/**
 * The tools as the Messages API wants them: each tool's zod input schema as JSON Schema (input
 * side, so fields with defaults are optional).
 */
export function toAnthropicTools(tools: readonly Tool[]): Anthropic.Messages.Tool[] {
  return tools.map((t) => {
    const { $schema: _, ...schema } = z.toJSONSchema(t.input, {
      io: 'input',
      unrepresentable: 'any',
    }) as Record<string, unknown>;
    if (schema.type !== 'object') throw new Error(`tool ${t.name}: its input schema must be an object`);
    return {
      name: t.name,
      description: t.description,
      input_schema: schema as Anthropic.Messages.Tool.InputSchema,
    };
  });
}

/**
 * The session history plus this turn's text as alternating user/assistant messages, starting with
 * a user message (the API's rule): consecutive turns of one role are joined, empty ones dropped.
 */
export function toMessages(history: readonly Turn[], text: string, maxTurns = 20): MessageParam[] {
  const out: { role: 'user' | 'assistant'; content: string }[] = [];
  for (const t of [...history.slice(-maxTurns), { role: 'user' as const, text }]) {
    const body = t.text.trim();
    if (!body) continue;
    const role = t.role === 'user' ? 'user' : 'assistant';
    const last = out.at(-1);
    if (last && last.role === role) last.content = `${last.content}\n\n${body}`;
    else out.push({ role, content: body });
  }
  while (out[0]?.role === 'assistant') out.shift();
  return out;
}

/** A response's content blocks as request blocks, to send back with the tool results. */
export function toAssistantContent(content: readonly Anthropic.Messages.ContentBlock[]): ContentBlockParam[] {
  const out: ContentBlockParam[] = [];
  for (const b of content) {
    if (b.type === 'text') out.push({ type: 'text', text: b.text });
    else if (b.type === 'tool_use') out.push({ type: 'tool_use', id: b.id, name: b.name, input: b.input });
  }
  return out;
}

/** The text of a response, its text blocks joined. */
export function textOf(content: readonly Anthropic.Messages.ContentBlock[]): string {
  return content
    .filter((b): b is Anthropic.Messages.TextBlock => b.type === 'text')
    .map((b) => b.text)
    .join('\n')
    .trim();
}
