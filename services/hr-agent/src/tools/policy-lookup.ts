import { defineTool } from '@switchboard/agent-kit';
import { z } from 'zod';
import { policies } from '../data/policies.js';
import { searchPolicies } from '../domain/policy-search.js';

const Output = z.object({
  matches: z.array(
    z.object({ id: z.string(), title: z.string(), summary: z.string(), body: z.string(), score: z.number() }),
  ),
  topics: z.array(z.string()),
});
export type PolicyLookupOutput = z.infer<typeof Output>;

/** Searches the HR policy corpus (parental, bereavement, remote work, sick leave, vacation, ...). */
export function policyLookupTool() {
  return defineTool({
    name: 'policy_lookup',
    description: `Searches the HR policies and returns the best matches with their full text. Topics: ${policies.map((p) => p.id).join(', ')}. Answer from the returned text only.`,
    input: z.strictObject({
      query: z
        .string()
        .trim()
        .min(2)
        .max(300)
        .describe('The question or topic, e.g. "paternity leave" or "carry over vacation".'),
    }),
    output: Output,
    async run(input) {
      const matches = searchPolicies(policies, input.query)
        .slice(0, 3)
        .map(({ policy, score }) => ({
          id: policy.id,
          title: policy.title,
          summary: policy.summary,
          body: policy.body,
          score,
        }));
      return { matches, topics: policies.map((p) => p.title) };
    },
  });
}
