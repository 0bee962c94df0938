// Writes the OpenAPI and AsyncAPI documents into libs/contracts/api/. Run after a build:
// `npm run export-api-docs -w @switchboard/contracts`. A test fails when the files are stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderApiDocs } from '../dist/api-docs/index.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'api');
mkdirSync(out, { recursive: true });
for (const [name, text] of Object.entries(renderApiDocs())) {
  writeFileSync(join(out, name), text);
  console.log(`wrote api/${name}`);
}
