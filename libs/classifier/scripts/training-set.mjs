// Build step: the routing data set's tune split (eval/routing/dataset.jsonl) becomes
// dist/training-set.json, the labelled utterances the router's supervised model learns from. The
// held-out split is never copied: it stays the test.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const source = new URL('../../../eval/routing/dataset.jsonl', import.meta.url);
const target = new URL('../dist/training-set.json', import.meta.url);
const rows = readFileSync(source, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line))
  .filter((row) => row.split === 'tune')
  .map(({ text, label }) => ({ text, label }));
mkdirSync(new URL('./', target), { recursive: true });
writeFileSync(target, `${JSON.stringify(rows)}\n`);
console.log(`training-set: ${rows.length} labelled utterances from the tune split -> dist/training-set.json`);
