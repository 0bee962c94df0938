// Chaos for the onboarding saga (docs/workflows/onboarding-saga.md), with the real service
// processes: for each failpoint between two steps of a participant (HR's turn, Finance's step, HR's
// completion or compensation), that participant is started with SWITCHBOARD_FAILPOINTS set, a
// manager asks for an onboarding, the process SIGKILLs itself at the failpoint, and it is started
// again without it. Invariant for every saga: it ends `completed` (or `compensated` for marketing,
// whose budget cannot cover a new hire's equipment), never half done, and no effect happens twice:
// one employee record (none after compensation), one cost-centre entry and one budget commit (none
// after compensation), one event of each type in AGENT_EVENTS, one answer and one outcome notice in
// the requester's session. One stack for the whole file; acks are waited for 1-2 s, so work a killed
// process held comes back within the test.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Saga } from '@switchboard/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ask, asOk, http, type ServiceName, type Stack, startStack, waitFor } from '../e2e/harness.js';
import {
  consumerStates,
  consumersSettled,
  daysAhead,
  financeEffects,
  hireRecords,
  readSaga,
  sagaEventCounts,
  sagaOfHire,
  sessionTurnsOf,
} from './saga-support.js';

const ENV = { AGENT_ACK_WAIT_MS: '2000', AGENT_WORKFLOW_ACK_WAIT_MS: '1000' };
const START = daysAhead(45);

let stack: Stack | undefined;
let nc: NatsConnection;

beforeAll(async () => {
  stack = await startStack(['router', 'hr-agent', 'finance-agent', 'gateway'], { env: ENV });
  nc = await stack.connect();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    if (stack) process.stderr.write(`\n${stack.diagnostics()}\n`);
  });
});

type Outcome = 'completed' | 'compensated';

/** Asks for the onboarding of `name` as bob (a manager), without waiting for the answer. */
function onboard(name: string, department: string) {
  return ask(
    nc,
    'agents.ask',
    { text: `onboard ${name} to ${department} starting ${START}`, userId: 'bob' },
    20_000,
  );
}

/**
 * Waits until the saga of `name` has told its requester, and both consumers acked everything. On a
 * timeout the error says how far the saga got and what the consumers held, to tell a stalled
 * delivery from a failing step.
 */
async function settledSaga(name: string): Promise<Saga> {
  let seen: Saga | undefined;
  const saga = await waitFor(
    `the saga of ${name} to end and notify`,
    async () => {
      seen = await sagaOfHire(nc, name);
      return seen?.steps.some((x) => x.step === 'notified') ? seen : undefined;
    },
    { timeoutMs: 25_000, intervalMs: 100 },
  ).catch(async (err: unknown) => {
    const steps = seen?.steps.map((x) => `${x.step}@${x.at}`).join(', ') ?? 'no saga record';
    throw new Error(`${String(err)}; saga steps: ${steps}; consumers: ${await consumerStates(nc)}`);
  });
  await waitFor(
    'the workflow consumers to settle',
    async () => ((await consumersSettled(nc)) ? true : undefined),
    {
      timeoutMs: 10_000,
      intervalMs: 100,
    },
  );
  return (await readSaga(nc, saga.sagaId))!;
}

/** Every invariant of an ended saga: its end, its history, and each effect exactly once (or none). */
async function expectEnded(saga: Saga, outcome: Outcome) {
  const funded = outcome === 'completed';
  expect(saga.status).toBe(outcome);
  expect(saga.endedAt).toBeDefined();
  const steps = saga.steps.map((s) => s.step);
  expect(steps).toEqual(['employee_created', funded ? 'funded' : 'funding_failed', outcome, 'notified']);
  const hires = await hireRecords(nc, saga.sagaId);
  expect(hires.map((h) => h.status)).toEqual(funded ? ['active'] : []);
  expect(await financeEffects(nc, saga.sagaId, saga.subject.department)).toEqual(
    funded ? { entries: 1, commits: 1 } : { entries: 0, commits: 0 },
  );
  expect(await sagaEventCounts(nc, saga.sagaId)).toEqual(
    funded
      ? { 'hr.employee_created': 1, 'finance.onboarding_funded': 1, 'hr.employee_onboarding_completed': 1 }
      : { 'hr.employee_created': 1, 'finance.onboarding_failed': 1, 'hr.employee_onboarding_cancelled': 1 },
  );
  const turns = await sessionTurnsOf(nc, saga);
  expect(turns.answers).toBe(1);
  expect(turns.notices).toHaveLength(1);
  expect(turns.notices[0]).toContain(funded ? 'is complete' : 'was cancelled');
}

/**
 * One chaos case: `victim` runs with `failpoint` armed while `name` is onboarded, dies there, and
 * is started again clean; the saga must still end `outcome` with every effect once.
 */
async function crashCase(
  victim: ServiceName,
  failpoint: string,
  name: string,
  department: string,
  outcome: Outcome,
) {
  const s = stack!;
  await s.get(victim).stop();
  const armed = await s.start(victim, { ...ENV, SWITCHBOARD_FAILPOINTS: failpoint });
  const answer = onboard(name, department).catch((err: unknown) => err);
  const exit = await armed.exited;
  expect(exit.signal).toBe('SIGKILL');
  expect(armed.output()).toContain(`failpoint ${failpoint}: killing process`);
  await s.start(victim, ENV);
  const saga = await settledSaga(name);
  await answer;
  await expectEnded(saga, outcome);
}

describe('onboarding saga, end to end', () => {
  it('completes for engineering: answer, state over NATS and HTTP, outcome notice', async () => {
    const reply = asOk(await onboard('Dana Reyes', 'engineering'));
    expect(reply.agent).toBe('hr');
    expect(reply.text).toMatch(/^Onboarding of Dana Reyes started \(saga onb-[0-9a-f]{20}\)/);
    expect(reply.text).toContain("you'll be told the outcome here");
    const sagaId = (reply.data as { sagaId: string }).sagaId;
    const saga = await settledSaga('Dana Reyes');
    expect(saga.sagaId).toBe(sagaId);
    expect(saga.requester).toBe('bob');
    expect(saga.sessionId).toBe(reply.sessionId);
    await expectEnded(saga, 'completed');
    const overNats = (await nc.request('sagas.get', JSON.stringify({ sagaId }), { timeout: 5000 })).json();
    expect(overNats).toEqual({ ok: true, saga });
    const plain = (await nc.request('sagas.get', sagaId, { timeout: 5000 })).json();
    expect(plain).toEqual({ ok: true, saga });
    const overHttp = await http(`${stack!.gatewayUrl}/v1/sagas/${sagaId}`);
    expect(overHttp.status).toBe(200);
    expect(overHttp.body).toEqual({ ok: true, saga });
    const unknown = await http<{ error: { code: string } }>(
      `${stack!.gatewayUrl}/v1/sagas/onb-00000000000000000000`,
    );
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'unknown_saga']);
    const session = await http<{ turns: { text: string }[] }>(
      `${stack!.gatewayUrl}/v1/sessions/${reply.sessionId}`,
    );
    expect(session.body.turns.at(-1)?.text).toMatch(/^Onboarding of Dana Reyes is complete/);
  }, 45_000);

  it('compensates when Finance cannot fund it (marketing is over budget this quarter)', async () => {
    const reply = asOk(await onboard('Omar Haddad', 'marketing'));
    expect(reply.text).toContain('Onboarding of Omar Haddad started');
    const saga = await settledSaga('Omar Haddad');
    await expectEnded(saga, 'compensated');
    expect(saga.reason).toMatch(/^marketing has -\$[\d,]+ left of its \d{4}-Q[1-4] budget/);
    const turns = await sessionTurnsOf(nc, saga);
    expect(turns.notices[0]).toContain('Finance could not fund it');
  }, 45_000);
});

describe('onboarding saga, a participant killed between two steps', () => {
  const cases: [ServiceName, string, string, string, Outcome][] = [
    ['hr-agent', 'hr.onboarding.after_record', 'Lena Fischer', 'engineering', 'completed'],
    ['hr-agent', 'hr.onboarding.after_saga_start', 'Ravi Menon', 'finance', 'completed'],
    ['finance-agent', 'finance.onboarding.after_funding', 'Sofia Rossi', 'engineering', 'completed'],
    ['finance-agent', 'finance.onboarding.after_step', 'Tomas Novak', 'engineering', 'completed'],
    ['finance-agent', 'finance.onboarding.after_publish', 'Yara Nasser', 'marketing', 'compensated'],
    ['hr-agent', 'hr.onboarding.after_employee_update', 'Ken Ito', 'marketing', 'compensated'],
    ['hr-agent', 'hr.onboarding.after_saga_end', 'Mara Silva', 'engineering', 'completed'],
    ['hr-agent', 'hr.onboarding.after_outcome_event', 'Jonas Berg', 'finance', 'completed'],
    ['hr-agent', 'hr.onboarding.after_notice', 'Ines Costa', 'engineering', 'completed'],
  ];
  for (const [victim, failpoint, name, department, outcome] of cases) {
    it(`${failpoint}: ${victim} killed, restarted; ${name} (${department}) ends ${outcome}, each effect once`, async () => {
      await crashCase(victim, failpoint, name, department, outcome);
    }, 45_000);
  }
});
