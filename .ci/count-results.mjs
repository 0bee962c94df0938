#!/usr/bin/env node
// Counts a vitest JSON report (`--reporter=json --outputFile=<file>`) and prints one final line:
// `N passed, N failed` (plus `, N skipped` when tests were skipped or todo). A test file that failed
// without a failed test in it (it did not load, or a hook failed) counts as one failed test. A
// missing or unreadable report counts as one failure: the test command did not get that far.
// Exits 1 when anything failed.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node .ci/count-results.mjs <vitest-json-report>\n');
  process.exit(2);
}

let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  process.stderr.write(`cannot read the test report ${file}: ${err.message}\n`);
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
}

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const suite of report.testResults ?? []) {
  const name = relative(process.cwd(), suite.name ?? '?');
  let failedHere = 0;
  for (const t of suite.assertionResults ?? []) {
    if (t.status === 'passed') passed++;
    else if (t.status === 'failed') {
      failed++;
      failedHere++;
      failures.push(`${name} > ${t.fullName}`);
    } else skipped++; // skipped, pending, todo
  }
  if (suite.status === 'failed' && failedHere === 0) {
    failed++;
    failures.push(`${name} (file failed: ${(suite.message || 'no message').split('\n')[0]})`);
  }
}

if (failures.length > 0) {
  process.stdout.write(`failed:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
}
process.stdout.write(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 ? 1 : 0);
