// HR's side of the onboarding saga against a real nats-server: the `start_onboarding` tool (who may
// onboard, what is validated, idempotent by task), the offline engine's onboarding answer, and the
// reaction to Finance's answer (complete or compensate, outcome event, notice), run twice to show
// that a redelivery changes nothing.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createToolExecutor, type DomainEvent, type ToolContext } from '@switchboard/agent-kit';
import { Names, type Saga, type SwitchboardEvent } from '@switchboard/contracts';
import {
  createLogger,
  createMetrics,
  createSagaStore,
  createSessionStore,
  ensureBuckets,
  ensureStreams,
  type Metrics,
  type SagaStore,
  type SessionStore,
} from '@switchboard/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHrEngineParts } from '../engine/index.js';
import { createOfflineHrEngine } from '../engine/offline.js';
import { type HrStore, openHrStore } from '../store.js';
import { testBucket, useHrServer } from '../testing/hr-fixture.js';
import { createHrTools } from '../tools/index.js';
import { handleFinanceEvent, outcomeNoticeId } from './consumer.js';
import { parseOnboarding } from './flow.js';
import { onboardingSagaId } from './records.js';
import { type StartOnboardingOutput, startOnboardingTool } from './tool.js';

const TODAY = '2026-12-04';
const hr = useHrServer();
let sagas: SagaStore;
let sessions: SessionStore;

beforeAll(async () => {
  const buckets = await ensureBuckets(hr.nc);
  await ensureStreams(await jetstreamManager(hr.nc));
  sagas = createSagaStore(buckets.sagas);
  sessions = createSessionStore(buckets.sessions);
});

let tasks = 0;

async function setup() {
  const store = await openHrStore(hr.nc, { today: () => TODAY, bucket: testBucket() });
  const metrics = createMetrics('hr-agent', { processMetrics: false });
  const now = () => new Date(`${TODAY}T09:00:00.000Z`);
  const tools = [
    ...createHrTools({ store, today: () => TODAY, now }),
    startOnboardingTool({ store, sagas, today: () => TODAY, now, metrics }),
  ];
  const executor = createToolExecutor({ agent: 'hr', tools });
  const events: DomainEvent[] = [];
  const ctx = (userId: string, taskId = `task-${process.pid}-${++tasks}`): ToolContext => ({
    userId,
    taskId,
    sessionId: `session-${taskId}`,
    log: hr.log,
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
  });
  return { store, metrics, executor, events, ctx };
}

/** How many onboarding instances `m` counted with `outcome`. */
async function started(m: Metrics, outcome = 'started'): Promise<number> {
  const { values } = await m.workflows.get();
  return values.find((v) => v.labels.flow === 'onboarding' && v.labels.outcome === outcome)?.value ?? 0;
}
const hiresOf = async (store: HrStore, sagaId: string) =>
  (await store.kv.get('directory'))!
    .json<{ employees: { id: string; sagaId?: string; status?: string }[] }>()
    .employees.filter((e) => e.sagaId === sagaId);

describe('start_onboarding', () => {
  it('lets a manager start a saga: employee record (onboarding), saga record (started), one event', async () => {
    const t = await setup();
    const ctx = t.ctx('bob');
    const input = { name: 'Dana Reyes', department: 'marketing', startDate: '2027-01-04' };
    const r = await t.executor.execute('start_onboarding', input, ctx);
    expect(r.ok).toBe(true);
    const out = (r as { output: StartOnboardingOutput }).output;
    const sagaId = onboardingSagaId(ctx.taskId);
    expect(out).toEqual({
      sagaId,
      employeeId: 'dana-reyes',
      name: 'Dana Reyes',
      department: 'marketing',
      startDate: '2027-01-04',
      status: 'started',
      alreadyStarted: false,
    });
    expect(await hiresOf(t.store, sagaId)).toMatchObject([
      { id: 'dana-reyes', status: 'onboarding', sagaId },
    ]);
    const saga = (await sagas.get(sagaId))!.saga;
    expect(saga).toMatchObject({
      status: 'started',
      requester: 'bob',
      sessionId: ctx.sessionId,
      taskId: ctx.taskId,
    });
    expect(saga.steps.map((s) => s.step)).toEqual(['employee_created']);
    expect(t.events).toEqual([
      {
        kind: 'employee_created',
        data: {
          sagaId,
          employeeId: 'dana-reyes',
          name: 'Dana Reyes',
          department: 'marketing',
          startDate: '2027-01-04',
          requestedBy: 'bob',
        },
      },
    ]);
    expect(await started(t.metrics)).toBe(1);

    // The same task again (a redelivered turn): nothing new is written or counted.
    const again = await t.executor.execute('start_onboarding', input, ctx);
    expect((again as { output: StartOnboardingOutput }).output).toMatchObject({
      sagaId,
      alreadyStarted: true,
    });
    expect(await hiresOf(t.store, sagaId)).toHaveLength(1);
    expect(await started(t.metrics)).toBe(1);
    expect(t.events).toHaveLength(2);
    expect(t.events[1]).toEqual(t.events[0]);

    // Another task for a namesake: another saga, and an id of its own.
    const other = await t.executor.execute('start_onboarding', input, t.ctx('bob'));
    expect((other as { output: StartOnboardingOutput }).output.employeeId).toMatch(
      /^dana-reyes-[0-9a-f]{6}$/,
    );
  });

  it('refuses a non-manager, a past or impossible start, an unknown department and a non-name; writes nothing', async () => {
    const t = await setup();
    const before = (await t.store.kv.get('directory'))!.revision;
    const cases: [string, Record<string, unknown>, string, string | undefined][] = [
      [
        'alice',
        { name: 'Dana Reyes', department: 'marketing', startDate: '2027-01-04' },
        'unauthorized',
        'not_permitted',
      ],
      [
        'nobody',
        { name: 'Dana Reyes', department: 'marketing', startDate: '2027-01-04' },
        'unauthorized',
        'unknown_user',
      ],
      [
        'bob',
        { name: 'Dana Reyes', department: 'marketing', startDate: TODAY },
        'invalid_request',
        'past_start',
      ],
      [
        'bob',
        { name: 'Dana Reyes', department: 'marketing', startDate: '2027-02-30' },
        'invalid_request',
        undefined,
      ],
      [
        'bob',
        { name: 'Dana Reyes', department: 'sales', startDate: '2027-01-04' },
        'invalid_request',
        undefined,
      ],
      [
        'bob',
        { name: 'R2-D2 <script>', department: 'finance', startDate: '2027-01-04' },
        'invalid_request',
        undefined,
      ],
    ];
    for (const [user, input, code, reason] of cases) {
      const ctx = t.ctx(user);
      const r = await t.executor.execute('start_onboarding', input, ctx);
      expect(r.ok, JSON.stringify(input)).toBe(false);
      const error = (r as { error: { code: string; details?: { reason?: string } } }).error;
      expect(error.code, JSON.stringify(input)).toBe(code);
      if (reason) expect(error.details?.reason).toBe(reason);
      expect(await sagas.get(onboardingSagaId(ctx.taskId))).toBeNull();
    }
    expect((await t.store.kv.get('directory'))!.revision).toBe(before);
    expect(t.events).toEqual([]);
    expect(await started(t.metrics)).toBe(0);
  });
});

describe('the HR engine', () => {
  it('offers start_onboarding (to the offline engine and to Claude) when it has the saga records', async () => {
    const base = { nc: hr.nc, log: hr.log, now: () => new Date(`${TODAY}T09:00:00.000Z`) };
    const withSagas = await createHrEngineParts({ ...base, bucket: testBucket(), sagas });
    const without = await createHrEngineParts({ ...base, bucket: testBucket() });
    expect(withSagas.executor.tools.map((t) => t.name)).toContain('start_onboarding');
    expect(without.executor.tools.map((t) => t.name)).not.toContain('start_onboarding');
    withSagas.store.close();
    without.store.close();
  });
});

describe('the offline engine', () => {
  it('recognises onboarding requests and leaves onboarding questions to the handbook', () => {
    expect(parseOnboarding('onboard Dana Reyes to marketing starting 2027-01-04')).toEqual({
      name: 'Dana Reyes',
      department: 'marketing',
    });
    expect(parseOnboarding('please onboard Sam Ortiz to Engineering')).toEqual({
      name: 'Sam Ortiz',
      department: 'engineering',
    });
    expect(parseOnboarding('onboard someone')).toEqual({});
    for (const q of [
      'how does onboarding work?',
      'what is the onboarding plan for new hires?',
      'who is my onboarding buddy',
    ]) {
      expect(parseOnboarding(q), q).toBeUndefined();
    }
  });

  it('answers with the saga id and the domain event, or says what is missing', async () => {
    const t = await setup();
    const engine = createOfflineHrEngine({ executor: t.executor, today: () => TODAY });
    const ctx = { log: hr.log, signal: new AbortController().signal };
    const input = (text: string, userId = 'bob') => ({
      text,
      userId,
      sessionId: `s-${++tasks}`,
      taskId: `t-${process.pid}-${tasks}`,
      history: [],
    });
    const ask = input('onboard Dana Reyes to marketing starting 2027-01-04');
    const r = await engine.respond(ask, ctx);
    const sagaId = onboardingSagaId(ask.taskId);
    expect(r.text).toMatch(new RegExp(`^Onboarding of Dana Reyes started \\(saga ${sagaId}\\)`));
    expect(r.text).toContain("you'll be told the outcome here");
    expect(r.data).toMatchObject({ intent: 'onboard', sagaId, employeeId: 'dana-reyes' });
    expect(r.events?.map((e) => e.kind)).toEqual(['employee_created']);
    const missing = await engine.respond(input('onboard Dana Reyes please'), ctx);
    expect(missing.text).toContain('the department');
    expect(missing.text).toContain('the start date');
    expect(missing.events).toBeUndefined();
    const refused = await engine.respond(
      input('onboard Dana Reyes to finance starting 2027-01-04', 'alice'),
      ctx,
    );
    expect(refused.text).toMatch(/^I can't start that onboarding: only managers/);
    expect(refused.events).toBeUndefined();
  });
});

describe("HR's reaction to Finance", () => {
  async function startedSaga(t: Awaited<ReturnType<typeof setup>>, department: 'engineering' | 'marketing') {
    const ctx = t.ctx('bob');
    await t.executor.execute(
      'start_onboarding',
      { name: 'Lee Park', department, startDate: '2027-01-04' },
      ctx,
    );
    const at = new Date().toISOString();
    await sessions.create({
      sessionId: ctx.sessionId!,
      agent: 'hr',
      status: 'open',
      createdAt: at,
      updatedAt: at,
      userId: 'bob',
      turns: [],
    });
    return (await sagas.get(onboardingSagaId(ctx.taskId)))!.saga;
  }

  function financeEvent(saga: Saga, funded: boolean): SwitchboardEvent {
    const base = {
      sagaId: saga.sagaId,
      employeeId: saga.subject.employeeId,
      department: saga.subject.department,
    };
    return {
      eventId: `${saga.sagaId}.${funded ? 'funded' : 'funding_failed'}`,
      type: funded ? 'finance.onboarding_funded' : 'finance.onboarding_failed',
      at: new Date().toISOString(),
      agent: 'finance',
      data: funded
        ? { ...base, costCentre: 'CC-ENG-ABC123', equipmentBudgetUsd: 3000, period: '2026-Q4' }
        : { ...base, reason: 'marketing has -$4,800 left of its 2026-Q4 budget' },
    };
  }

  async function outcomeEvents(sagaId: string) {
    const jsm = await jetstreamManager(hr.nc);
    const { state } = await jsm.streams.info(Names.eventsStream);
    const types: string[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(Names.eventsStream, { seq });
      if (!m) continue;
      const ev = m.json<SwitchboardEvent>();
      if ((ev.data as { sagaId?: string })?.sagaId === sagaId) types.push(ev.type);
    }
    return types;
  }

  it('completes a funded saga once: employee active, saga completed, one event, one notice', async () => {
    const t = await setup();
    const saga = await startedSaga(t, 'engineering');
    const deps = { store: t.store, sagas, sessions, js: jetstream(hr.nc), log: hr.log, metrics: t.metrics };
    const event = financeEvent(saga, true);
    await handleFinanceEvent(deps, event);
    await handleFinanceEvent(deps, event); // redelivered
    const ended = (await sagas.get(saga.sagaId))!.saga;
    expect(ended.status).toBe('completed');
    expect(ended.steps.map((s) => s.step)).toEqual(['employee_created', 'completed', 'notified']);
    expect((await hiresOf(t.store, saga.sagaId)).map((e) => e.status)).toEqual(['active']);
    expect(await outcomeEvents(saga.sagaId)).toEqual(['hr.employee_onboarding_completed']);
    const turns = (await sessions.get(saga.sessionId))!.session.turns;
    expect(turns.map((x) => x.taskId)).toEqual([outcomeNoticeId(saga.sagaId)]);
    expect(turns[0]!.text).toMatch(
      /^Onboarding of Lee Park is complete .* Cost centre CC-ENG-ABC123 and an equipment budget of \$3,000/,
    );
    expect(await started(t.metrics, 'completed')).toBe(1);
  });

  it('compensates a refused saga once: employee removed, saga compensated with the reason, one notice', async () => {
    const t = await setup();
    const saga = await startedSaga(t, 'marketing');
    const deps = { store: t.store, sagas, sessions, js: jetstream(hr.nc), log: hr.log, metrics: t.metrics };
    await handleFinanceEvent(deps, financeEvent(saga, false));
    await handleFinanceEvent(deps, financeEvent(saga, false));
    // A late "funded" for a compensated saga changes nothing.
    await handleFinanceEvent(deps, financeEvent(saga, true));
    const ended = (await sagas.get(saga.sagaId))!.saga;
    expect(ended).toMatchObject({
      status: 'compensated',
      reason: 'marketing has -$4,800 left of its 2026-Q4 budget',
    });
    expect(await hiresOf(t.store, saga.sagaId)).toEqual([]);
    expect(await outcomeEvents(saga.sagaId)).toEqual(['hr.employee_onboarding_cancelled']);
    const turns = (await sessions.get(saga.sessionId))!.session.turns;
    expect(turns).toHaveLength(1);
    expect(turns[0]!.text).toContain('was cancelled');
    expect(await started(t.metrics, 'compensated')).toBe(1);
    expect(await started(t.metrics, 'completed')).toBe(0);
  });

  it('ignores other Finance events', async () => {
    const t = await setup();
    const deps = {
      store: t.store,
      sagas,
      sessions,
      js: jetstream(hr.nc),
      log: createLogger({ service: 't', level: 'silent' }),
    };
    await expect(
      handleFinanceEvent(deps, {
        eventId: 'x',
        type: 'finance.expense_submitted',
        at: new Date().toISOString(),
        data: {},
      }),
    ).resolves.toBeUndefined();
  });
});
