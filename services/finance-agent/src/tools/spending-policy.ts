import { defineTool } from '@switchboard/agent-kit';
import { z } from 'zod';
import { type PolicyTopic, policySections, policyTopics, searchPolicies } from '../data/policies.js';

/** Looks up the spending policy by topic or by a free-text question. */
export function spendingPolicyTool() {
  return defineTool({
    name: 'spending_policy',
    description: `Looks up the company spending and travel policy: per diem, hotel limit per night, meals and client entertainment, taxis and ride-share, flights, trains and mileage, approval thresholds, receipts, submission deadline, home office, software, training, what can be claimed, currencies. Give a topic (${policyTopics.join(', ')}) or the question in words.`,
    input: z.strictObject({
      topic: z.enum(policyTopics).optional().describe('Policy section id'),
      question: z.string().trim().min(1).max(500).optional().describe("The employee's question in words"),
    }),
    output: z.object({
      matches: z.array(z.object({ id: z.string(), title: z.string(), text: z.string() })),
      /** Every topic, so a caller can offer them when nothing matched. */
      topics: z.array(z.object({ id: z.string(), title: z.string() })),
    }),
    async run(input) {
      const byTopic = input.topic ? policySections.filter((s) => s.id === (input.topic as PolicyTopic)) : [];
      const byQuestion = input.question ? searchPolicies(input.question).map((r) => r.section) : [];
      const seen = new Set<string>();
      const matches = [...byTopic, ...byQuestion]
        .filter((s) => !seen.has(s.id) && seen.add(s.id))
        .map((s) => ({ id: s.id, title: s.title, text: s.text }));
      return { matches, topics: policySections.map((s) => ({ id: s.id, title: s.title })) };
    },
  });
}
