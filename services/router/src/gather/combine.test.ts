import { AskReplyOk, GatherPartReply } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { combinedReply, type PartPlan, partOutcome } from './combine.js';

const plan = (agent: string, live = true): PartPlan => ({
  agent,
  text: `${agent} part`,
  sessionId: `${agent}-session`,
  newSession: true,
  live,
});
const answer = (agent: string, text: string, data: Record<string, unknown> = {}) => ({
  ok: true as const,
  status: 'answered' as const,
  sessionId: `${agent}-session`,
  agent,
  text,
  data: { followUp: `agents.${agent}.ask`, ...data },
});

describe('partOutcome', () => {
  it.each([
    ['answered in time', 'answered', plan('hr'), answer('hr', 'ten days'), 'ten days'],
    ['no reply in time', 'timeout', plan('hr'), undefined, 'will be stored in session hr-session'],
    ['no live instance', 'queued', plan('hr', false), undefined, 'will be answered in session hr-session'],
    [
      'refused',
      'error',
      plan('hr'),
      { ok: false as const, error: { code: 'session_closed' as const, message: 'ended' } },
      'could not answer: ended',
    ],
    ['ended', 'ended', plan('hr'), { ...answer('hr', 'bye'), status: 'ended' as const }, 'bye'],
  ])('%s → %s', (_label, status, p, reply, text) => {
    const out = partOutcome(p, reply);
    expect(GatherPartReply.parse(out)).toEqual(out);
    expect(out).toMatchObject({ agent: 'hr', sessionId: 'hr-session', status, followUp: 'agents.hr.ask' });
    expect(out.text).toContain(text);
  });

  it("keeps the agent's data without its own follow-up subject", () => {
    expect(partOutcome(plan('hr'), answer('hr', 'x', { tool: 'leave' })).data).toEqual({ tool: 'leave' });
    expect(partOutcome(plan('hr'), answer('hr', 'x')).data).toBeUndefined();
  });
});

describe('combinedReply', () => {
  const spend = (n: number) => ({ inputTokens: n, outputTokens: n, usd: n / 1000, llmCalls: 1 });

  it('marks each part by agent, sums the spend, and is a valid ask reply', () => {
    const parts = [
      partOutcome(plan('hr'), answer('hr', 'ten days', { spend: spend(10) })),
      partOutcome(plan('finance'), answer('finance', '5,000 USD', { spend: spend(20) })),
    ];
    const r = combinedReply('group-1', parts);
    expect(AskReplyOk.parse(r)).toEqual(r);
    expect(r).toMatchObject({ status: 'answered', sessionId: 'group-1', agent: null });
    expect(r.text).toBe('[hr] ten days\n\n[finance] 5,000 USD');
    expect(r.data).toMatchObject({ followUp: 'agents.ask', partial: false });
    expect(r.data?.missing).toBeUndefined();
    expect(r.data?.spend).toEqual({ inputTokens: 30, outputTokens: 30, usd: 0.03, llmCalls: 2 });
  });

  it('is partial, naming the missing agents, when a part has not answered', () => {
    const r = combinedReply('g', [
      partOutcome(plan('hr'), answer('hr', 'ten days')),
      partOutcome(plan('finance'), undefined),
    ]);
    expect(r).toMatchObject({ status: 'answered', data: { partial: true, missing: ['finance'] } });
  });

  it('is queued when no part answered, ended when every part ended', () => {
    const queued = combinedReply('g', [
      partOutcome(plan('hr', false), undefined),
      partOutcome(plan('finance'), undefined),
    ]);
    expect(queued.status).toBe('queued');
    const bye = { ...answer('hr', 'bye'), status: 'ended' as const };
    const ended = combinedReply('g', [
      partOutcome(plan('hr'), bye),
      partOutcome(plan('finance'), { ...bye, agent: 'finance' }),
    ]);
    expect(ended.status).toBe('ended');
  });

  it('answers a single part (a follow-up) as that agent, unmarked', () => {
    const r = combinedReply('g', [partOutcome(plan('finance'), answer('finance', '5,000 USD'))]);
    expect(r).toMatchObject({
      agent: 'finance',
      text: '5,000 USD',
      sessionId: 'g',
      data: { partial: false },
    });
  });
});
