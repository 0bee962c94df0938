// A whole conversation through the four real services, over NATS and over the gateway's HTTP API,
// then the metrics every service exports.
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
  type ServiceName,
  useStack,
} from './harness.js';

const stack = useStack();
let nc: NatsConnection;

beforeAll(async () => {
  nc = await stack.current.connect();
});

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const HR_QUESTION = 'how many vacation days do I have?';
const FINANCE_QUESTION = 'what is the remaining budget of engineering?';

/** An answer of the hr agent; `aboutDays` when it should report a known employee's leave. */
function expectHrAnswer(r: OkReply, aboutDays = true): void {
  expect(r).toMatchObject({ ok: true, status: 'answered', agent: 'hr' });
  expect(r.sessionId).toMatch(SESSION_ID);
  expect(r.data?.followUp).toBe('agents.hr.ask');
  expect(r.text.trim().length).toBeGreaterThan(0);
  // The engine's wording changes; an answer about leave talks about days.
  if (aboutDays) expect(r.text).toMatch(/\bdays?\b/i);
}

describe('over NATS', () => {
  it('routes a plain-text HR question to the hr agent', async () => {
    // Without a userId the agent may ask who is asking instead of answering with days.
    const r = asOk(await ask(nc, 'agents.ask', HR_QUESTION));
    expectHrAnswer(r, false);
  });

  it('holds a conversation with the hr agent until END', async () => {
    const first = asOk(await ask(nc, 'agents.ask', { text: HR_QUESTION, userId: 'alice' }));
    expectHrAnswer(first);
    const { sessionId } = first;

    const followUp = asOk(
      await ask(nc, 'agents.hr.ask', {
        text: 'how many vacation days are left for me?',
        sessionId,
        userId: 'alice',
      }),
    );
    expectHrAnswer(followUp);
    expect(followUp.sessionId).toBe(sessionId);

    const end = asOk(await ask(nc, 'agents.hr.ask', { text: 'END', sessionId }));
    expect(end).toMatchObject({ status: 'ended', agent: 'hr', sessionId });

    const after = await ask(nc, 'agents.hr.ask', { text: 'one more thing', sessionId });
    expect(asError(after).error.code).toBe('session_closed');
    expect(after.headers?.get('Nats-Service-Error-Code')).toBe('409');
  });

  it('routes a budget question to the finance agent', async () => {
    const r = asOk(await ask(nc, 'agents.ask', { text: FINANCE_QUESTION, userId: 'carol' }));
    expect(r).toMatchObject({ ok: true, status: 'answered', agent: 'finance' });
    expect(r.sessionId).toMatch(SESSION_ID);
    expect(r.data?.followUp).toBe('agents.finance.ask');
    expect(r.text).toMatch(/budget/i);
  });

  it('answers a two-request question once, each part by its agent (scatter-gather, test/workflows/gather*)', async () => {
    const r = asOk(
      await ask(nc, 'agents.ask', {
        text: 'how many vacation days do I have and how much travel budget is left?',
        userId: 'alice',
      }),
    );
    expect(r).toMatchObject({
      status: 'answered',
      agent: null,
      data: { followUp: 'agents.ask', partial: false },
    });
    expect(r.text).toMatch(/^\[hr\] .*vacation days left/);
    expect(r.text).toContain('\n\n[finance] ');
    expect(r.text).not.toContain('Please ask it as a question of its own.');
  });

  it('asks to clarify a question no agent can answer', async () => {
    const r = asOk(await ask(nc, 'agents.ask', { text: 'what is the weather in Paris?', userId: 'alice' }));
    expect(r.status).toBe('clarify');
    expect(r.agent).toBeNull();
    expect(r.text.length).toBeGreaterThan(10);
  });
});

describe('over HTTP', () => {
  interface SessionView {
    sessionId: string;
    agent: string;
    status: string;
    turns: { role: string; text: string; at: string }[];
  }

  it('answers, follows up, shows the session and ends it', async () => {
    const base = stack.current.gatewayUrl;
    const first = await http<OkReply>(`${base}/v1/ask`, { body: { text: HR_QUESTION, userId: 'alice' } });
    expect(first.status, first.text).toBe(200);
    expectHrAnswer(first.body);
    const { sessionId } = first.body;

    const second = await http<OkReply>(`${base}/v1/ask`, {
      body: { text: 'and how many days do I have left?', sessionId, userId: 'alice' },
    });
    expect(second.status, second.text).toBe(200);
    expectHrAnswer(second.body);
    expect(second.body.sessionId).toBe(sessionId);

    const view = await http<SessionView>(`${base}/v1/sessions/${sessionId}`);
    expect(view.status, view.text).toBe(200);
    expect(view.body).toMatchObject({ sessionId, agent: 'hr', status: 'open' });
    expect(Object.keys(view.body).sort()).toEqual(['agent', 'sessionId', 'status', 'turns']);
    expect(view.body.turns.map((t) => [t.role, t.text])).toEqual([
      ['user', HR_QUESTION],
      ['agent', first.body.text],
      ['user', 'and how many days do I have left?'],
      ['agent', second.body.text],
    ]);
    for (const t of view.body.turns) expect(Object.keys(t).sort()).toEqual(['at', 'role', 'text']);
    const times = view.body.turns.map((t) => Date.parse(t.at));
    expect(times.every((t) => Number.isFinite(t))).toBe(true);
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const end = await http<OkReply>(`${base}/v1/ask`, { body: { text: 'END', sessionId } });
    expect(end.status, end.text).toBe(200);
    expect(end.body).toMatchObject({ ok: true, status: 'ended', agent: 'hr', sessionId });

    const ended = await http<SessionView>(`${base}/v1/sessions/${sessionId}`);
    expect(ended.status).toBe(200);
    expect(ended.body.status).toBe('ended');
    expect(ended.body.turns).toHaveLength(6);
    expect(ended.body.turns.slice(4).map((t) => [t.role, t.text])).toEqual([
      ['user', 'END'],
      ['agent', end.body.text],
    ]);
  });
});

describe('metrics', () => {
  // docs/architecture.md "Metrics": every service registers these, every series labelled `service`.
  const designNames = [
    'switchboard_circuit_breaker_state',
    'switchboard_requests_total',
    'switchboard_request_duration_seconds',
    'switchboard_tasks_total',
    'switchboard_dead_letters_total',
    'switchboard_consumer_pending',
    'switchboard_llm_requests_total',
    'switchboard_routing_decisions_total',
  ];

  async function scrape(name: ServiceName) {
    const r = await http(`${stack.current.get(name).baseUrl}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    return parseMetrics(r.text);
  }

  const sum = (samples: { value: number }[]) => samples.reduce((a, s) => a + s.value, 0);

  it.each(['router', 'hr-agent', 'finance-agent', 'gateway'] as const)(
    '%s exports the fixed metrics, every series labelled with its service',
    async (service) => {
      const { types, samples } = await scrape(service);
      for (const n of designNames) expect(types.has(n), `${service} has no ${n}`).toBe(true);
      const own = samples.filter((s) => s.name.startsWith('switchboard_'));
      expect(own.length).toBeGreaterThan(0);
      for (const s of own) expect(s.labels.service, `${s.name} ${JSON.stringify(s.labels)}`).toBe(service);
    },
  );

  it('exports labelled series with known values at 0 before their first event', async () => {
    // The finance agent's direct endpoint has served no request with an error code in this file,
    // and nobody has been routed to `none` by the `claude` method: the series exist anyway.
    const finance = (await scrape('finance-agent')).samples;
    expect(
      findSamples(finance, 'switchboard_requests_total', {
        endpoint: 'agents.finance.ask',
        outcome: 'rate_limited',
      }),
    ).toEqual([expect.objectContaining({ value: 0 })]);
    expect(
      findSamples(finance, 'switchboard_tasks_total', { agent: 'finance', outcome: 'dead_lettered' }),
    ).toEqual([expect.objectContaining({ value: 0 })]);
    const router = (await scrape('router')).samples;
    for (const agent of ['hr', 'finance', 'none']) {
      expect(
        findSamples(router, 'switchboard_routing_decisions_total', { agent, method: 'session' }),
        agent,
      ).toHaveLength(1);
    }
    const gateway = (await scrape('gateway')).samples;
    expect(
      findSamples(gateway, 'switchboard_requests_total', {
        endpoint: 'GET /v1/sessions/:id',
        outcome: 'internal',
      }),
    ).toEqual([expect.objectContaining({ value: 0 })]);
  });

  it('counts what the conversations did', async () => {
    const router = (await scrape('router')).samples;
    expect(
      sum(findSamples(router, 'switchboard_requests_total', { endpoint: 'agents.ask' })),
    ).toBeGreaterThanOrEqual(5);
    expect(
      findSamples(router, 'switchboard_request_duration_seconds_count', { endpoint: 'agents.ask' }),
    ).not.toEqual([]);
    expect(
      sum(findSamples(router, 'switchboard_routing_decisions_total', { agent: 'hr' })),
    ).toBeGreaterThanOrEqual(3);
    expect(
      sum(findSamples(router, 'switchboard_routing_decisions_total', { agent: 'finance' })),
    ).toBeGreaterThanOrEqual(1);
    const routerBreakers = findSamples(router, 'switchboard_circuit_breaker_state');
    expect(routerBreakers.length).toBeGreaterThan(0);
    for (const b of routerBreakers) expect(b.value, JSON.stringify(b.labels)).toBe(0);

    expect(findSamples(router, 'switchboard_circuit_breaker_state', { target: 'jetstream' })).toHaveLength(1);

    const hr = (await scrape('hr-agent')).samples;
    expect(sum(findSamples(hr, 'switchboard_tasks_total', { agent: 'hr' }))).toBeGreaterThanOrEqual(6);
    // Every agent has a breaker in front of its own JetStream calls (sessions, events), closed here.
    const hrJetStream = findSamples(hr, 'switchboard_circuit_breaker_state', { target: 'jetstream' });
    expect(hrJetStream.map((b) => b.value)).toEqual([0]);
    expect(
      sum(findSamples(hr, 'switchboard_requests_total', { endpoint: 'agents.hr.ask' })),
    ).toBeGreaterThanOrEqual(3);

    const finance = (await scrape('finance-agent')).samples;
    expect(sum(findSamples(finance, 'switchboard_tasks_total', { agent: 'finance' }))).toBeGreaterThanOrEqual(
      1,
    );

    const gateway = (await scrape('gateway')).samples;
    const gatewayBreakers = findSamples(gateway, 'switchboard_circuit_breaker_state', { target: 'nats' });
    expect(gatewayBreakers).toHaveLength(1);
    expect(gatewayBreakers[0]!.value).toBe(0);
    const gatewayAsks = findSamples(gateway, 'switchboard_requests_total').filter((s) =>
      s.labels.endpoint?.includes('/v1/ask'),
    );
    expect(sum(gatewayAsks)).toBeGreaterThanOrEqual(3);
  });
});
