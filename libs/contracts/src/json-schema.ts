import { z } from 'zod';
import { wireSchemas } from './schemas.js';

/**
 * The JSON Schema of one wire contract, as every exported document has it (the schema files, the
 * OpenAPI and AsyncAPI documents): what a sender may put on the wire (`io: 'input'`).
 */
export function wireJsonSchema(
  schema: z.ZodType,
  target: 'draft-2020-12' | 'draft-7' = 'draft-2020-12',
): Record<string, unknown> {
  return z.toJSONSchema(schema, { target, io: 'input' }) as Record<string, unknown>;
}

/** The JSON Schema text of every wire contract, by file name (without `.json`). */
export function renderJsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, schema] of Object.entries(wireSchemas)) {
    const json = wireJsonSchema(schema);
    out[name] =
      `${JSON.stringify({ $id: `https://switchboard.dev/schema/${name}.json`, ...json }, null, 2)}\n`;
  }
  return out;
}
