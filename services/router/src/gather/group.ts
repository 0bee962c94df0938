import { GroupOwner, type GroupPart, type Session } from '@switchboard/contracts';
import {
  type Logger,
  SessionConflictError,
  type SessionStore,
  type StoredSession,
} from '@switchboard/runtime';
import type { PartPlan } from './combine.js';

/** A part session's record, stored by the router before its task is handed on (live or queued). */
export function partSession(plan: PartPlan, taskId: string, at: string, userId?: string): Session {
  return {
    sessionId: plan.sessionId,
    agent: plan.agent,
    status: 'open',
    createdAt: at,
    updatedAt: at,
    turns: [{ role: 'user', text: plan.text, at, taskId }],
    ...(userId ? { userId } : {}),
  };
}

/** A new group session: the question as its first turn, and its parts. */
export function groupSession(
  groupId: string,
  text: string,
  parts: readonly GroupPart[],
  at: string,
  userId?: string,
): Session {
  return {
    sessionId: groupId,
    agent: GroupOwner,
    status: 'open',
    createdAt: at,
    updatedAt: at,
    turns: [{ role: 'user', text, at }],
    parts: parts.map((p) => ({ agent: p.agent, sessionId: p.sessionId })),
    ...(userId ? { userId } : {}),
  };
}

/**
 * Adds the combined answer (and, for a follow-up, the question) to the group's transcript, so
 * `GET /v1/sessions/<group>` shows the conversation; `ended` closes the group. Best effort: the
 * parts' answers are stored in their own sessions whatever happens here, so a failure is logged, not
 * the caller's problem. A concurrent follow-up in the same group is re-read and retried.
 */
export async function recordGroupTurn(
  store: SessionStore,
  log: Logger,
  groupId: string,
  start: StoredSession,
  turn: { question?: string; answer: string; ended: boolean },
): Promise<void> {
  let current: StoredSession | null = start;
  for (let attempt = 0; attempt < 3 && current; attempt++) {
    const at = new Date().toISOString();
    const s: Session = current.session;
    const turns = [...s.turns];
    if (turn.question !== undefined) turns.push({ role: 'user', text: turn.question, at });
    turns.push({ role: 'agent', text: turn.answer, at });
    const next: Session = { ...s, turns, updatedAt: at, status: turn.ended ? 'ended' : s.status };
    try {
      await store.update(next, current.revision);
      return;
    } catch (err) {
      if (!(err instanceof SessionConflictError)) {
        log.warn({ err, groupId }, 'gather: the group transcript was not updated');
        return;
      }
      current = await store.get(groupId).catch(() => null);
    }
  }
  log.warn({ groupId }, 'gather: the group transcript was not updated (concurrent writes)');
}
