import { z } from 'zod';
import { wireSchemas } from './schemas.js';

/** The JSON Schema text of every wire contract, by file name (without `.json`). */
export function renderJsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, schema] of Object.entries(wireSchemas)) {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' });
    out[name] =
      `${JSON.stringify({ $id: `https://switchboard.dev/schema/${name}.json`, ...json }, null, 2)}\n`;
  }
  return out;
}
