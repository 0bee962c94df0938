// Finance's step of the onboarding saga against a real nats-server: fund a hire (cost-centre entry,
// equipment budget committed once), refuse one the department's budget cannot cover (marketing in
// the demo data, or any department with a large FINANCE_ONBOARDING_EQUIPMENT_USD), and rerun the
// step as a redelivery after a crash would: nothing is written, committed or published twice.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Names, type Saga, type SwitchboardEvent } from '@switchboard/contracts';
import { createSagaStore, ensureBuckets, ensureStreams, type SagaStore } from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Department } from '../domain/model.js';
import type { FinanceStore } from '../store/finance-store.js';
import { openTestStore, quietLog, testNow } from '../testing/harness.js';
import { equipmentAllowanceUsd, fundOnboarding, onboardingKey } from './funding.js';
import { type FinanceOnboardingDeps, handleEmployeeCreated } from './handler.js';

let server: NatsServer;
let nc: NatsConnection;
let sagas: SagaStore;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  sagas = createSagaStore((await ensureBuckets(nc)).sagas);
  await ensureStreams(await jetstreamManager(nc));
});
afterAll(async () => {
  await nc?.drain();
  await server?.stop();
});

let n = 0;

async function startedSaga(department: Department): Promise<Saga> {
  const sagaId = `onb-test${process.pid}x${++n}`;
  const at = testNow.toISOString();
  const saga: Saga = {
    sagaId,
    flow: 'onboarding',
    status: 'started',
    requester: 'bob',
    sessionId: `session-${n}`,
    taskId: `task-${n}`,
    subject: { employeeId: `hire-${n}`, name: 'Lee Park', department, startDate: '2027-01-04' },
    steps: [{ step: 'employee_created', event: 'hr.employee_created', at, by: 'hr-agent' }],
    startedAt: at,
    updatedAt: at,
  };
  await sagas.create(saga);
  return saga;
}

function created(saga: Saga): SwitchboardEvent {
  const { employeeId, name, department, startDate } = saga.subject;
  return {
    eventId: `${saga.taskId}.hr.employee_created.0`,
    type: 'hr.employee_created',
    at: saga.startedAt,
    agent: 'hr',
    data: { sagaId: saga.sagaId, employeeId, name, department, startDate, requestedBy: 'bob' },
  };
}

async function eventsOf(sagaId: string): Promise<SwitchboardEvent[]> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(Names.eventsStream);
  const out: SwitchboardEvent[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(Names.eventsStream, { seq });
    if (!m) continue;
    const ev = m.json<SwitchboardEvent>();
    if ((ev.data as { sagaId?: string })?.sagaId === sagaId) out.push(ev);
  }
  return out;
}

async function committed(store: FinanceStore, department: Department) {
  const b = (await store.getBudget(department))!;
  return { q4: b.years['2026']!.Q4.committed, applied: b.applied };
}

function deps(store: FinanceStore, allowanceUsd = 3000): FinanceOnboardingDeps {
  return { store, sagas, js: jetstream(nc), log: quietLog(), allowanceUsd };
}

describe("Finance's onboarding step", () => {
  it('funds an engineering hire once: entry, budget commit, saga step, one event', async () => {
    const store = await openTestStore(nc);
    const saga = await startedSaga('engineering');
    const before = await committed(store, 'engineering');
    await handleEmployeeCreated(deps(store), created(saga));
    await handleEmployeeCreated(deps(store), created(saga)); // redelivered
    const entry = (await store.kv.get(onboardingKey(saga.sagaId)))!.json<Record<string, unknown>>();
    expect(entry).toMatchObject({
      sagaId: saga.sagaId,
      department: 'engineering',
      equipmentBudgetUsd: 3000,
      period: '2026-Q4',
    });
    expect(entry.costCentre).toMatch(/^CC-ENG-[0-9A-F]{6}$/);
    const after = await committed(store, 'engineering');
    expect(after.q4).toBe(before.q4 + 3000);
    expect(after.applied.filter((id) => id === saga.sagaId)).toHaveLength(1);
    const stored = (await sagas.get(saga.sagaId))!.saga;
    expect(stored.status).toBe('started');
    expect(stored.steps.map((s) => s.step)).toEqual(['employee_created', 'funded']);
    expect(stored.steps[1]).toMatchObject({ by: 'finance-agent', event: 'finance.onboarding_funded' });
    const events = await eventsOf(saga.sagaId);
    expect(events.map((e) => [e.type, e.eventId])).toEqual([
      ['finance.onboarding_funded', `${saga.sagaId}.funded`],
    ]);
    expect(events[0]).toMatchObject({
      sessionId: saga.sessionId,
      userId: 'bob',
      data: { costCentre: entry.costCentre },
    });
  });

  it('refuses a marketing hire (over budget this quarter): no entry, no commit, saga compensating, one failed event', async () => {
    const store = await openTestStore(nc);
    const saga = await startedSaga('marketing');
    const before = await committed(store, 'marketing');
    await handleEmployeeCreated(deps(store), created(saga));
    await handleEmployeeCreated(deps(store), created(saga));
    expect(await store.kv.get(onboardingKey(saga.sagaId))).toBeNull();
    expect(await committed(store, 'marketing')).toEqual(before);
    const stored = (await sagas.get(saga.sagaId))!.saga;
    expect(stored.status).toBe('compensating');
    expect(stored.reason).toMatch(
      /^marketing has -\$4,800 left of its 2026-Q4 budget, less than the \$3,000 equipment allowance/,
    );
    const events = await eventsOf(saga.sagaId);
    expect(events.map((e) => e.type)).toEqual(['finance.onboarding_failed']);
    expect((events[0]!.data as { reason: string }).reason).toBe(stored.reason);
  });

  it('after a crash between funding and recording it, the rerun commits nothing twice', async () => {
    const store = await openTestStore(nc);
    const saga = await startedSaga('finance');
    const before = await committed(store, 'finance');
    // The first delivery funded, then the process died before recording the step.
    expect(await fundOnboarding(store, saga, 3000)).toMatchObject({ outcome: 'funded' });
    await handleEmployeeCreated(deps(store), created(saga));
    expect((await committed(store, 'finance')).q4).toBe(before.q4 + 3000);
    expect((await eventsOf(saga.sagaId)).map((e) => e.type)).toEqual(['finance.onboarding_funded']);
  });

  it('refuses any department when the allowance setting is above its remaining budget', async () => {
    expect(equipmentAllowanceUsd({})).toBe(3000);
    const allowance = equipmentAllowanceUsd({ FINANCE_ONBOARDING_EQUIPMENT_USD: '250000' });
    const store = await openTestStore(nc);
    const saga = await startedSaga('engineering');
    await handleEmployeeCreated(deps(store, allowance), created(saga));
    expect((await sagas.get(saga.sagaId))!.saga.steps.at(-1)).toMatchObject({ step: 'funding_failed' });
    expect(() => equipmentAllowanceUsd({ FINANCE_ONBOARDING_EQUIPMENT_USD: 'lots' })).toThrow(
      /must be a number/,
    );
  });

  it('ignores an event for a saga that does not exist', async () => {
    const store = await openTestStore(nc);
    const ghost = {
      ...created(await startedSaga('engineering')),
      data: {
        sagaId: 'onb-ghost',
        employeeId: 'x',
        name: 'X Y',
        department: 'engineering',
        startDate: '2027-01-04',
        requestedBy: 'bob',
      },
    };
    await expect(handleEmployeeCreated(deps(store), ghost)).resolves.toBeUndefined();
    expect(await store.kv.get(onboardingKey('onb-ghost'))).toBeNull();
  });
});
