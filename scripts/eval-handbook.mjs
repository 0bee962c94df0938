#!/usr/bin/env node
// Measures handbook retrieval on eval/handbook/questions.jsonl and prints JSON: for each agent and
// split, how often the best entry is the expected one and clears the answer threshold, and how often
// a question no entry covers is declined. Calibration (semantic weight, answer threshold) uses the
// tune split only; the held-out split is only reported. Run after `turbo run build`
// (npm run eval:handbook).
import { readFileSync } from 'node:fs';
import { createHandbookSearch, defaultHandbookSettings } from '@switchboard/agent-kit';

const root = new URL('../', import.meta.url);
const { hrHandbook } = await import(new URL('services/hr-agent/dist/data/handbook/index.js', root).href);
const { financeHandbook } = await import(
  new URL('services/finance-agent/dist/data/handbook/index.js', root).href
);
const handbooks = { hr: hrHandbook, finance: financeHandbook };
const rows = readFileSync(new URL('eval/handbook/questions.jsonl', root), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const round = (x) => Math.round(x * 1000) / 1000;

/** One question's outcome: the right entry answered, or (for `none`) nothing answered. */
function correct(row, top, answerAt) {
  const answered = top !== undefined && top.score >= answerAt;
  return row.expect === 'none' ? !answered : answered && top.entry.id === row.expect;
}

function measure(settings, split) {
  const out = {};
  for (const [agent, entries] of Object.entries(handbooks)) {
    const search = createHandbookSearch(entries, { settings });
    const mine = rows.filter((r) => r.agent === agent && r.split === split);
    const covered = mine.filter((r) => r.expect !== 'none');
    const none = mine.filter((r) => r.expect === 'none');
    const tops = new Map(mine.map((r) => [r, search.search(r.text, 1)[0]]));
    const ok = (list) => list.filter((r) => correct(r, tops.get(r), settings.answerAt)).length;
    out[agent] = {
      n: mine.length,
      accuracy: round(ok(mine) / mine.length),
      coveredAnsweredRight: round(ok(covered) / covered.length),
      rankedFirst: round(covered.filter((r) => tops.get(r)?.entry.id === r.expect).length / covered.length),
      noneDeclined: round(ok(none) / none.length),
      errors: mine
        .filter((r) => !correct(r, tops.get(r), settings.answerAt))
        .map((r) => ({
          text: r.text,
          expect: r.expect,
          got: tops.get(r)?.entry.id,
          score: round(tops.get(r)?.score ?? 0),
        })),
    };
  }
  return out;
}

/** The calibration rule: the best mean tune accuracy over both agents; ties: first in grid order. */
function calibrate() {
  let best = null;
  for (let semantic = 0.4; semantic <= 0.901; semantic += 0.05) {
    for (let answerAt = 0.3; answerAt <= 0.701; answerAt += 0.01) {
      const s = { semantic: round(semantic), answerAt: round(answerAt) };
      const m = measure(s, 'tune');
      const acc = (m.hr.accuracy + m.finance.accuracy) / 2;
      if (!best || acc > best.accuracy + 1e-9) best = { settings: s, accuracy: round(acc) };
    }
  }
  return best;
}

const strip = (m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { ...v, errors: v.errors }]));
const report = {
  questions: rows.length,
  inUse: defaultHandbookSettings,
  calibration: calibrate(),
  tune: strip(measure(defaultHandbookSettings, 'tune')),
  heldout: strip(measure(defaultHandbookSettings, 'heldout')),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
