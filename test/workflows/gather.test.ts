// Scatter-gather end to end through the four real services: a question for HR and Finance is
// answered once, both parts marked by agent, over NATS and over HTTP; follow-ups in the combined
// session reach the agent they are for; the router's metrics count the flow.
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  asError,
  ask,
  asOk,
  findSamples,
  http,
  type OkReply,
  parseMetrics,
  useStack,
} from '../e2e/harness.js';

const stack = useStack();
let nc: NatsConnection;

beforeAll(async () => {
  nc = await stack.current.connect();
});

const TWO = 'how many vacation days do I have and how much travel budget is left?';

interface Part {
  agent: string;
  sessionId: string;
  status: string;
  text: string;
  followUp: string;
}
interface SessionView {
  sessionId: string;
  agent: string;
  status: string;
  turns: { role: string; text: string }[];
  parts?: { agent: string; sessionId: string }[];
}

const partsOf = (r: OkReply) => r.data?.parts as Part[];

/** A combined answer of hr and finance, both answered. */
function expectCombined(r: OkReply): { hr: Part; finance: Part } {
  expect(r).toMatchObject({ ok: true, status: 'answered', agent: null });
  const [hr, finance] = partsOf(r);
  expect(hr).toMatchObject({ agent: 'hr', status: 'answered', followUp: 'agents.hr.ask' });
  expect(finance).toMatchObject({ agent: 'finance', status: 'answered', followUp: 'agents.finance.ask' });
  expect(hr!.text).toMatch(/vacation days left/);
  expect(finance!.text).toMatch(/budget/i);
  expect(r.text).toBe(`[hr] ${hr!.text}\n\n[finance] ${finance!.text}`);
  expect(r.data).toMatchObject({ followUp: 'agents.ask', partial: false });
  expect(new Set([r.sessionId, hr!.sessionId, finance!.sessionId]).size).toBe(3);
  return { hr: hr!, finance: finance! };
}

async function session(id: string): Promise<SessionView> {
  const r = await http<SessionView>(`${stack.current.gatewayUrl}/v1/sessions/${id}`);
  expect(r.status, r.text).toBe(200);
  return r.body;
}

describe('over NATS (agents.ask)', () => {
  it('answers a question for two agents once, each part marked by agent and stored in its own session', async () => {
    const r = asOk(await ask(nc, 'agents.ask', { text: TWO, userId: 'alice' }));
    const { hr, finance } = expectCombined(r);

    const hrSession = await session(hr.sessionId);
    expect(hrSession).toMatchObject({ agent: 'hr', status: 'open' });
    expect(hrSession.turns.map((t) => [t.role, t.text])).toEqual([
      ['user', 'how many vacation days do I have'],
      ['agent', hr.text],
    ]);
    const financeSession = await session(finance.sessionId);
    expect(financeSession.turns.map((t) => t.role)).toEqual(['user', 'agent']);
    const group = await session(r.sessionId);
    expect(group).toMatchObject({
      agent: 'router',
      parts: [
        { agent: 'hr', sessionId: hr.sessionId },
        { agent: 'finance', sessionId: finance.sessionId },
      ],
    });
    expect(group.turns.map((t) => [t.role, t.text])).toEqual([
      ['user', TWO],
      ['agent', r.text],
    ]);
  });

  it('sends follow-ups in the combined session to the agent they are for, in its part session', async () => {
    const first = asOk(await ask(nc, 'agents.ask', { text: TWO, userId: 'alice' }));
    const { hr, finance } = expectCombined(first);

    const travel = asOk(
      await ask(nc, 'agents.ask', {
        sessionId: first.sessionId,
        text: 'and how much did I spend on travel?',
      }),
    );
    expect(travel).toMatchObject({
      ok: true,
      status: 'answered',
      agent: 'finance',
      sessionId: first.sessionId,
    });
    expect(partsOf(travel)).toEqual([
      expect.objectContaining({ agent: 'finance', sessionId: finance.sessionId, status: 'answered' }),
    ]);
    expect((await session(finance.sessionId)).turns.map((t) => t.text)).toContain(
      'and how much did I spend on travel?',
    );

    const leave = asOk(
      await ask(nc, 'agents.ask', {
        sessionId: first.sessionId,
        text: 'how many sick days do I have left?',
        userId: 'alice',
      }),
    );
    expect(leave).toMatchObject({ status: 'answered', agent: 'hr', sessionId: first.sessionId });
    expect(partsOf(leave)[0]).toMatchObject({ agent: 'hr', sessionId: hr.sessionId });
    expect((await session(hr.sessionId)).turns.map((t) => t.text)).toContain(
      'how many sick days do I have left?',
    );

    // A part session can be continued with its own agent directly; the group only through the router.
    const direct = asOk(
      await ask(nc, 'agents.finance.ask', {
        sessionId: finance.sessionId,
        text: 'what is my travel budget?',
      }),
    );
    expect(direct).toMatchObject({ agent: 'finance', sessionId: finance.sessionId });
    const refused = asError(await ask(nc, 'agents.hr.ask', { sessionId: first.sessionId, text: 'hi' }));
    expect(refused.error).toMatchObject({ code: 'invalid_request', details: { subject: 'agents.ask' } });
  });

  it("refuses a follow-up in another user's combined session", async () => {
    const first = asOk(await ask(nc, 'agents.ask', { text: TWO, userId: 'alice' }));
    const r = asError(
      await ask(nc, 'agents.ask', {
        sessionId: first.sessionId,
        text: 'and my travel budget?',
        userId: 'bob',
      }),
    );
    expect(r.error.code).toBe('forbidden');
  });

  it('ends every part and the combined session with END', async () => {
    const first = asOk(await ask(nc, 'agents.ask', { text: TWO, userId: 'alice' }));
    const end = asOk(await ask(nc, 'agents.ask', { sessionId: first.sessionId, text: 'END' }));
    expect(end).toMatchObject({ status: 'ended', sessionId: first.sessionId });
    for (const p of partsOf(first)) expect((await session(p.sessionId)).status).toBe('ended');
    expect((await session(first.sessionId)).status).toBe('ended');
    const after = asError(await ask(nc, 'agents.ask', { sessionId: first.sessionId, text: 'hello' }));
    expect(after.error.code).toBe('session_closed');
  });
});

describe('over HTTP (POST /v1/ask)', () => {
  it('answers the same combined reply and takes follow-ups in the combined session', async () => {
    const base = stack.current.gatewayUrl;
    const first = await http<OkReply>(`${base}/v1/ask`, { body: { text: TWO, userId: 'alice' } });
    expect(first.status, first.text).toBe(200);
    const { finance } = expectCombined(first.body);

    const next = await http<OkReply>(`${base}/v1/ask`, {
      body: { sessionId: first.body.sessionId, text: 'and how much did I spend on travel?' },
    });
    expect(next.status, next.text).toBe(200);
    expect(next.body).toMatchObject({ agent: 'finance', sessionId: first.body.sessionId });
    expect(partsOf(next.body)[0]).toMatchObject({ sessionId: finance.sessionId });
  });
});

it('counts the flow in the router metrics: started and completed, with a duration', async () => {
  const r = await http(`http://127.0.0.1:${stack.current.get('router').port}/metrics`);
  const { samples } = parseMetrics(r.text);
  const count = (outcome: string) =>
    findSamples(samples, 'switchboard_workflows_total', { flow: 'scatter_gather', outcome })[0]?.value;
  // Six combined questions above (follow-ups for one agent are not a scatter-gather).
  expect(count('started')).toBeGreaterThanOrEqual(6);
  expect(count('completed')).toBe(count('started'));
  expect(count('partial')).toBe(0);
  const duration = findSamples(samples, 'switchboard_workflow_duration_seconds_count', {
    flow: 'scatter_gather',
    outcome: 'completed',
  });
  expect(duration[0]?.value).toBe(count('completed'));
});
