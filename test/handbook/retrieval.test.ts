// Guards handbook retrieval on the held-out questions of eval/handbook/questions.jsonl (written
// independently of the handbooks): for each agent, the figure docs/agents.md documents, minus two
// points. A question is right when the best entry is the expected one and clears the answer
// threshold, or, for a question no entry covers (`none`), when nothing clears it.
import { readFile } from 'node:fs/promises';
import { createHandbookSearch, type HandbookEntry } from '@switchboard/agent-kit';
import { describe, expect, it } from 'vitest';
import { financeHandbook } from '../../services/finance-agent/src/data/handbook/index.js';
import { hrHandbook } from '../../services/hr-agent/src/data/handbook/index.js';

const rows: { agent: string; text: string; expect: string; split: string }[] = (
  await readFile(new URL('../../eval/handbook/questions.jsonl', import.meta.url), 'utf8')
)
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const doc = await readFile(new URL('../../docs/agents.md', import.meta.url), 'utf8');

const agents: [string, string, readonly HandbookEntry[]][] = [
  ['hr', 'HR', hrHandbook],
  ['finance', 'Finance', financeHandbook],
];

describe.each(agents)('%s handbook retrieval', (agent, label, entries) => {
  const search = createHandbookSearch(entries);
  const mine = rows.filter((r) => r.agent === agent);
  const heldout = mine.filter((r) => r.split === 'heldout');

  it('answers held-out questions with the expected entry, or declines, as documented', () => {
    const documented = Number(
      new RegExp(`${label} held-out retrieval accuracy: \\*\\*([0-9.]+)%\\*\\*`).exec(doc)?.[1],
    );
    expect(documented, `docs/agents.md documents "${label} held-out retrieval accuracy"`).toBeGreaterThan(0);
    expect(heldout.length).toBeGreaterThanOrEqual(20);
    const wrong = heldout.filter((r) => {
      const [top] = search.search(r.text, 1);
      const answered = top !== undefined && top.score >= search.settings.answerAt;
      return r.expect === 'none' ? answered : !answered || top.entry.id !== r.expect;
    });
    const accuracy = 1 - wrong.length / heldout.length;
    expect(accuracy, JSON.stringify(wrong.map((r) => r.text))).toBeGreaterThanOrEqual(
      documented / 100 - 0.02,
    );
  });

  it('names only entries that exist', () => {
    const ids = new Set(entries.map((e) => e.id));
    expect(mine.filter((r) => r.expect !== 'none' && !ids.has(r.expect))).toEqual([]);
  });
});
