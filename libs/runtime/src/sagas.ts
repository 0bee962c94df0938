import type { KV } from '@nats-io/kv';
import {
  decodeJson,
  encodeJson,
  isSafeToken,
  parseWith,
  Saga,
  SagaId,
  type SagaStep,
  SwitchboardError,
} from '@switchboard/contracts';
import type { Caller } from './security/caller.js';
import { isRevisionConflict } from './sessions.js';

/** A saga as stored, with the KV revision to update it against. */
export interface StoredSaga {
  saga: Saga;
  revision: number;
}

/** What {@link SagaStore.recordStep} did: `recorded` only when this call appended the step. */
export interface StepOutcome {
  recorded: boolean;
  saga: Saga;
}

/** Changes that come with a step (a new status, the end time, a reason). */
export type SagaChange = Partial<Pick<Saga, 'status' | 'endedAt' | 'reason'>>;

const MAX_ATTEMPTS = 20;

/**
 * Reads and writes saga records in the `sagas` bucket. A saga is created once (`create` fails if
 * the key exists) and every later write is an update against the revision read: a step is appended
 * only if no step of that name is there yet, so a participant that runs a step twice (a redelivered
 * event, a restart) records it once, and exactly one of two racing writers "wins" (counts metrics).
 */
export function createSagaStore(kv: KV) {
  const get = async (sagaId: string): Promise<StoredSaga | null> => {
    if (!isSafeToken(sagaId)) return null;
    const e = await kv.get(sagaId);
    if (e?.operation !== 'PUT' || e.value.length === 0) return null;
    return { saga: parseWith(Saga, decodeJson(e.value, 'saga'), 'saga'), revision: e.revision };
  };
  return {
    kv,
    get,
    /** Creates the record; false when a saga with this id exists already (then nothing is written). */
    async create(saga: Saga): Promise<boolean> {
      try {
        await kv.create(saga.sagaId, encodeJson(parseWith(Saga, saga, 'saga')));
        return true;
      } catch (err) {
        if (isRevisionConflict(err)) return false;
        throw err;
      }
    },
    /**
     * Appends `step` (with `change`) unless a step of that name is recorded already; retried on a
     * lost revision race. Throws `internal` when the saga does not exist.
     */
    async recordStep(sagaId: string, step: SagaStep, change: SagaChange = {}): Promise<StepOutcome> {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const stored = await get(sagaId);
        if (!stored) throw new SwitchboardError('internal', `saga ${sagaId} does not exist`);
        const { saga } = stored;
        if (saga.steps.some((s) => s.step === step.step)) return { recorded: false, saga };
        const next: Saga = { ...saga, ...change, steps: [...saga.steps, step], updatedAt: step.at };
        try {
          await kv.update(sagaId, encodeJson(parseWith(Saga, next, 'saga')), stored.revision);
          return { recorded: true, saga: next };
        } catch (err) {
          if (!isRevisionConflict(err)) throw err;
        }
      }
      throw new SwitchboardError('internal', `saga ${sagaId} is being changed by others`, {
        retryable: true,
      });
    },
  };
}
export type SagaStore = ReturnType<typeof createSagaStore>;

/** The step named `step` of `saga`, if recorded. */
export function sagaStep(saga: Saga, step: string): SagaStep | undefined {
  return saga.steps.find((s) => s.step === step);
}

/**
 * How long a workflow event may stay unacknowledged before the server delivers it again, ms:
 * `AGENT_WORKFLOW_ACK_WAIT_MS` (1000-600000, default 30000). A participant killed mid-step gets its
 * event back after this long; the chaos tests set it low.
 */
export function workflowAckWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.AGENT_WORKFLOW_ACK_WAIT_MS;
  const n = raw === undefined || raw === '' ? 30_000 : Number(raw);
  if (!Number.isInteger(n) || n < 1000 || n > 600_000) {
    throw new SwitchboardError('invalid_request', 'AGENT_WORKFLOW_ACK_WAIT_MS must be 1000-600000 ms');
  }
  return n;
}

/**
 * Reads a saga for a caller (`GET /v1/sagas/<id>`, `sagas.get`): an id that is not a safe token is
 * `invalid_request`, an unknown one `unknown_saga`; a verified caller (secure mode) may read only a
 * saga they started (`forbidden`). In open mode anyone may read any saga.
 */
export async function readSagaFor(
  store: Pick<SagaStore, 'get'>,
  sagaId: unknown,
  caller: Caller | undefined,
): Promise<Saga> {
  const id = SagaId.safeParse(sagaId);
  if (!id.success) throw new SwitchboardError('invalid_request', 'invalid saga id');
  const stored = await store.get(id.data);
  if (!stored) throw new SwitchboardError('unknown_saga', 'no such saga');
  if (caller?.verified && stored.saga.requester !== caller.userId) {
    throw new SwitchboardError('forbidden', 'this saga was started by another user');
  }
  return stored.saga;
}
