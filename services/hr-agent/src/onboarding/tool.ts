import { defineTool, failpoint, type ToolContext } from '@switchboard/agent-kit';
import {
  DepartmentNames,
  type EmployeeCreatedData,
  type Saga,
  SwitchboardError,
} from '@switchboard/contracts';
import type { Metrics, SagaStore } from '@switchboard/runtime';
import { z } from 'zod';
import { requireActor } from '../domain/access.js';
import { IsoDate } from '../domain/schemas.js';
import type { HrStore } from '../store.js';
import { addNewHire, newEmployeeId, onboardingSagaId } from './records.js';

/** What the onboarding tool is built with. */
export interface OnboardingToolDeps {
  store: HrStore;
  sagas: SagaStore;
  today: () => string;
  now: () => Date;
  metrics?: Metrics | undefined;
  /** The service recorded as `by` on saga steps (`hr-agent`). */
  service?: string;
}

/** A person's name as a manager types it: letters, spaces, `'`, `-` and `.`, 2-80 characters. */
export const NewHireName = z
  .string()
  .trim()
  .min(2)
  .max(80)
  .regex(/^\p{L}[\p{L}' .-]*\p{L}$/u, 'must be a name: letters, spaces, apostrophes or hyphens')
  .describe('Full name of the new hire, e.g. "Dana Reyes".');

const Output = z.object({
  sagaId: z.string(),
  employeeId: z.string(),
  name: z.string(),
  department: z.enum(DepartmentNames),
  startDate: z.string(),
  /** The saga's status now: `started` when new; a rerun reports where it is. */
  status: z.string(),
  /** True when this task had started it already (a rerun): nothing was written now. */
  alreadyStarted: z.boolean(),
});
export type StartOnboardingOutput = z.infer<typeof Output>;

/** Refuses unless the asker manages someone (has a direct report in the directory). */
async function requireManager(store: HrStore, userId: string | undefined) {
  const { actor, all } = await requireActor(store, userId);
  if (!all.some((e) => e.managerId === actor.id && e.status !== 'onboarding')) {
    throw new SwitchboardError('unauthorized', 'only managers (people with direct reports) may onboard', {
      details: { reason: 'not_permitted' },
    });
  }
  return { actor, all };
}

function checkStartDate(startDate: string, today: string): void {
  if (startDate <= today) {
    throw new SwitchboardError('invalid_request', `the start date ${startDate} is not in the future`, {
      details: { reason: 'past_start', startDate, today },
    });
  }
}

function requireSession(ctx: ToolContext): string {
  if (!ctx.sessionId) throw new SwitchboardError('internal', 'onboarding needs the session of the turn');
  return ctx.sessionId;
}

/**
 * Starts the onboarding saga of a new hire: writes the employee record (status `onboarding`) and the
 * saga record (status `started`), both keyed by the saga id derived from the task id, and emits
 * `employee_created` (published by the worker after the turn is stored). A rerun of the turn finds
 * the saga and writes nothing; the event goes out again under the same id (deduplicated).
 */
export function startOnboardingTool(deps: OnboardingToolDeps) {
  const by = deps.service ?? 'hr-agent';
  return defineTool({
    name: 'start_onboarding',
    description:
      'Starts onboarding a new hire (managers only): creates the employee record and starts the onboarding saga; Finance then opens a cost centre and an equipment budget, and the outcome (completed, or cancelled when Finance cannot fund it) is told later in this conversation. Needs the full name, the department (engineering, marketing or finance) and a start date in the future (YYYY-MM-DD).',
    input: z.strictObject({
      name: NewHireName,
      department: z.enum(DepartmentNames).describe('Department: engineering, marketing or finance.'),
      startDate: IsoDate.describe('First working day, YYYY-MM-DD, after today.'),
    }),
    output: Output,
    async run(input, ctx): Promise<StartOnboardingOutput> {
      const { actor, all } = await requireManager(deps.store, ctx.userId);
      const sagaId = onboardingSagaId(ctx.taskId);
      const existing = await deps.sagas.get(sagaId);
      if (existing) return emitCreated(ctx, existing.saga, true);
      checkStartDate(input.startDate, deps.today());
      const sessionId = requireSession(ctx);
      const employeeId = newEmployeeId(input.name, sagaId, all);
      await addNewHire(deps.store, {
        id: employeeId,
        name: input.name,
        title: 'New hire',
        department: input.department,
        managerId: actor.id,
        ...(actor.hrPartnerId ? { hrPartnerId: actor.hrPartnerId } : {}),
        email: `${employeeId}@switchboard.example`,
        location: actor.location,
        status: 'onboarding',
        sagaId,
        startDate: input.startDate,
      });
      failpoint('hr.onboarding.after_record');
      const at = deps.now().toISOString();
      const saga: Saga = {
        sagaId,
        flow: 'onboarding',
        status: 'started',
        requester: actor.id,
        sessionId,
        taskId: ctx.taskId,
        subject: { employeeId, name: input.name, department: input.department, startDate: input.startDate },
        steps: [{ step: 'employee_created', event: 'hr.employee_created', at, by }],
        startedAt: at,
        updatedAt: at,
      };
      const created = await deps.sagas.create(saga);
      if (created) deps.metrics?.workflows.inc({ flow: 'onboarding', outcome: 'started' });
      failpoint('hr.onboarding.after_saga_start');
      return emitCreated(ctx, created ? saga : ((await deps.sagas.get(sagaId))?.saga ?? saga), !created);
    },
  });
}

function emitCreated(ctx: ToolContext, saga: Saga, already: boolean): StartOnboardingOutput {
  const { subject } = saga;
  ctx.emit({
    kind: 'employee_created',
    data: {
      sagaId: saga.sagaId,
      employeeId: subject.employeeId,
      name: subject.name,
      department: subject.department,
      startDate: subject.startDate,
      requestedBy: saga.requester,
    } satisfies EmployeeCreatedData,
  });
  return { sagaId: saga.sagaId, ...subject, status: saga.status, alreadyStarted: already };
}
