import { type ErrorCode, Failure, SwitchboardError, wireCode } from '@switchboard/contracts';
import { backoffDelay, RetryPolicies } from '@switchboard/runtime';

/**
 * The delivery policy: what happens to a task once its handling has ended, as a pure function of
 * what happened and where the task stands. No I/O, no clock: `docs/delivery.md` has the same table
 * and `decide.test.ts` checks every row of it.
 */

/** How the handling of one delivery ended. */
export type TurnResult =
  /** The turn ran and its answer is in the session (`duplicate`: it was there already). */
  | { kind: 'answered'; duplicate: boolean; ended: boolean }
  /** The request cannot succeed as asked (unknown or closed session, bad input): answer with the error. */
  | { kind: 'refused'; code: ErrorCode }
  /** Something failed; `retryable` says whether another delivery may succeed. */
  | { kind: 'failed'; retryable: boolean; code: ErrorCode; retryAfterMs?: number | undefined }
  /** The payload is not a task for this agent. */
  | { kind: 'invalid_task' }
  /** The caller's deadline passed before the turn finished: nobody waits for the answer. */
  | { kind: 'expired' };

/** Where the delivery stands when it ends. */
export interface DeliveryState {
  /** This delivery's number, from 1. */
  deliveryCount: number;
  /** The consumer's `max_deliver`: no delivery comes after this one. */
  maxDeliver: number;
  /** The worker already gave the task back (drain): it must do nothing more with it. */
  released: boolean;
}

/** What to do with the task; `outcome` is the `switchboard_tasks_total` label. */
export type Decision =
  /** Send the answer (or the error) and confirm the ack, in one write. */
  | { action: 'reply_and_ack'; reply: 'answer' | 'error'; outcome: string }
  /** Give it back for another delivery after `delayMs`. */
  | { action: 'retry'; delayMs: number; outcome: 'retried' }
  /** Copy it to the dead letters with `reason`, send the error, never deliver it again. */
  | { action: 'dead_letter'; reason: string; outcome: 'dead_lettered' | 'invalid' }
  /** Never deliver it again and answer nothing more: its caller has given up. */
  | { action: 'expire'; outcome: 'expired' }
  /** Nothing: it was released and another delivery will settle it. */
  | { action: 'none'; outcome: 'released' };

/** Retry delay after the n-th failed delivery: `RetryPolicies.taskRedelivery` (1, 2, 4, 8, then 15 s). */
export function backoffMs(deliveryCount: number): number {
  return backoffDelay(RetryPolicies.taskRedelivery, Math.max(1, deliveryCount));
}

/** The decision for one ended delivery. */
export function decide(result: TurnResult, state: DeliveryState): Decision {
  if (state.released) return { action: 'none', outcome: 'released' };
  switch (result.kind) {
    case 'answered':
      return {
        action: 'reply_and_ack',
        reply: 'answer',
        outcome: result.duplicate ? 'duplicate' : result.ended ? 'ended' : 'answered',
      };
    case 'refused':
      return { action: 'reply_and_ack', reply: 'error', outcome: result.code };
    case 'invalid_task':
      return { action: 'dead_letter', reason: 'invalid_task', outcome: 'invalid' };
    case 'expired':
      return { action: 'expire', outcome: 'expired' };
    case 'failed':
      if (!result.retryable) return { action: 'dead_letter', reason: result.code, outcome: 'dead_lettered' };
      if (state.deliveryCount >= state.maxDeliver) {
        return { action: 'dead_letter', reason: 'max_deliveries', outcome: 'dead_lettered' };
      }
      return {
        action: 'retry',
        delayMs: result.retryAfterMs ?? backoffMs(state.deliveryCount),
        outcome: 'retried',
      };
  }
}

/** Error codes that answer the caller at once: retrying cannot change them. */
const REFUSED: ReadonlySet<ErrorCode> = new Set([
  'invalid_request',
  'unknown_session',
  'session_closed',
  'unauthorized',
  'forbidden',
  // The request's budget cannot pay for its first LLM call: the same task fails the same way again.
  'budget_exceeded',
]);

/** The result of a turn that threw `err`. Anything untyped is a retryable internal failure. */
export function resultOfError(err: unknown): TurnResult {
  if (err instanceof Failure) {
    return { kind: 'failed', retryable: true, code: wireCode(err.kind), retryAfterMs: err.retryAfterMs };
  }
  if (!(err instanceof SwitchboardError)) return { kind: 'failed', retryable: true, code: 'internal' };
  if (REFUSED.has(err.code)) return { kind: 'refused', code: err.code };
  return { kind: 'failed', retryable: err.retryable, code: err.code, retryAfterMs: err.retryAfterMs };
}

/** What to do with a task that arrives while the worker is stopping. */
export function onArrivalWhileStopping(deliveryCount: number, maxDeliver: number): 'release' | 'run' {
  // A nak of the last delivery would strand the task (no delivery follows): run it within the drain.
  return deliveryCount < maxDeliver ? 'release' : 'run';
}

/** Whether a task still running when the drain times out is given back. */
export function releaseAtDrainTimeout(t: {
  replied: boolean;
  deliveryCount: number;
  maxDeliver: number;
}): boolean {
  // Replied: too late (the ack went with the reply). Last delivery: a nak would strand it; it may
  // still finish, and if not the max-deliveries watcher of another instance settles it.
  return !t.replied && t.deliveryCount < t.maxDeliver;
}
