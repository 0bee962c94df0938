// Writes the JSON Schema of every wire contract into libs/contracts/schema/. Run after a build:
// `npm run export-schemas -w @switchboard/contracts`. A test fails when the files are stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJsonSchemas } from '../dist/json-schema.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema');
mkdirSync(out, { recursive: true });
for (const [name, text] of Object.entries(renderJsonSchemas())) {
  writeFileSync(join(out, `${name}.json`), text);
  console.log(`wrote schema/${name}.json`);
}
