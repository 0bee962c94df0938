// The agents' profiles must make capability cards that pass the contract: a card that fails it is
// ignored by the router (with a warning), so one over-long description silently takes an agent
// out of routing (it happened: a finance description of 583 characters, over the 500 allowed).
import { CapabilityCard, Subjects } from '@switchboard/contracts';
import { expect, it } from 'vitest';
import { financeProfile } from '../../services/finance-agent/src/card.js';
import { hrProfile } from '../../services/hr-agent/src/card.js';

for (const profile of [hrProfile, financeProfile]) {
  it(`the ${profile.name} agent's card passes the CapabilityCard contract`, () => {
    const now = new Date().toISOString();
    const card = {
      name: profile.name,
      description: profile.description,
      intents: profile.intents,
      examples: profile.examples,
      subject: Subjects.agentAsk(profile.name),
      version: '0.1.0',
      instanceId: 'contract-test',
      startedAt: now,
      heartbeatAt: now,
    };
    const parsed = CapabilityCard.safeParse(card);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });
}
