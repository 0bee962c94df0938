// The router's embedded classifier as the router builds it: the real cards of both agents, the
// packaged out-of-scope examples and the supervised model trained on the routing data set's tune
// split (dist/training-set.json of @switchboard/classifier).
import { routingTrainingSet } from '@switchboard/classifier';
import { describe, expect, it } from 'vitest';
import { financeProfile } from '../../../finance-agent/src/card.js';
import { hrProfile } from '../../../hr-agent/src/card.js';
import { createEmbeddedRouterClassifier } from './embedded.js';
import type { AgentView } from './types.js';

const view = (p: typeof hrProfile): AgentView => ({
  name: p.name,
  description: p.description,
  intents: p.intents,
  examples: p.examples,
  subject: `agents.${p.name}.ask`,
  instances: 1,
});
const agents = [view(hrProfile), view(financeProfile)];

// A tune question the cards alone (the hand-set rule) send to HR: "PO" and "pending approval" read
// like a manager's approval queue there.
const taught = 'My PO has been pending approval for a week';

describe('the embedded router classifier', () => {
  it('learns from the packaged tune split by default: a question only the data teaches routes right', async () => {
    expect(routingTrainingSet().find((r) => r.text === taught)).toEqual({ text: taught, label: 'finance' });
    const cardsOnly = createEmbeddedRouterClassifier({ training: false });
    expect((await cardsOnly.classify(taught, agents)).agent).toBe('hr');
    const router = createEmbeddedRouterClassifier();
    await router.prepare!(agents);
    const d = await router.classify(taught, agents);
    expect(d).toMatchObject({ agent: 'finance', method: 'embedded' });
    // The score is the model's probability of the agent.
    expect(d.score).toBeGreaterThan(0.5);
    expect(d.score).toBeLessThanOrEqual(1);
  });

  it('decides with the hand-set rule while the model for new cards trains, then with the model', async () => {
    const router = createEmbeddedRouterClassifier();
    // No prepare: the first request builds the indexes and starts training in the background.
    const first = await router.classify(taught, agents);
    expect(first.agent).toBe('hr');
    await router.prepare!(agents);
    expect((await router.classify(taught, agents)).agent).toBe('finance');
  });

  it('still asks to clarify out of scope and finds two requests in one message', async () => {
    const router = createEmbeddedRouterClassifier();
    await router.prepare!(agents);
    expect((await router.classify('what is the capital of Australia?', agents)).agent).toBeNull();
    const two = await router.classify(
      'how many vacation days do I have left and how much is left in the marketing budget?',
      agents,
    );
    expect(two.parts?.map((p) => p.agent)).toEqual(['hr', 'finance']);
  });
});
