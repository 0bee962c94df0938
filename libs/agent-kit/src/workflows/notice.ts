import type { Turn } from '@switchboard/contracts';
import { RetryPolicies, SessionConflictError, type SessionStore } from '@switchboard/runtime';

/** A message a workflow leaves in a conversation: the outcome of a saga, an approval, an expiry. */
export interface Notice {
  sessionId: string;
  /**
   * Unique per notice and stable across retries (`saga-<id>-outcome`): stored as the turn's
   * `taskId`, so a notice written twice is stored once. 1-64 characters of `A-Z a-z 0-9 _ -`.
   */
  noticeId: string;
  text: string;
  data?: Record<string, unknown>;
}

/**
 * Appends an agent turn to a session, idempotently by `noticeId`, with a revision check (retried on
 * a lost race). The session may be ended: a late outcome is still part of its history. Returns
 * `no_session` when the session does not exist (expired or never stored): nothing to tell.
 */
export async function appendNotice(
  store: SessionStore,
  notice: Notice,
): Promise<'appended' | 'duplicate' | 'no_session'> {
  const attempts = RetryPolicies.sessionConflict.attempts + 5;
  for (let attempt = 1; ; attempt++) {
    const stored = await store.get(notice.sessionId);
    if (!stored) return 'no_session';
    const { session } = stored;
    if (session.turns.some((t) => t.taskId === notice.noticeId)) return 'duplicate';
    const now = new Date().toISOString();
    const turn: Turn = {
      role: 'agent',
      text: notice.text,
      at: now,
      taskId: notice.noticeId,
      status: 'answered',
      data: { notice: true, ...(notice.data ?? {}) },
    };
    try {
      await store.update({ ...session, updatedAt: now, turns: [...session.turns, turn] }, stored.revision);
      return 'appended';
    } catch (err) {
      if (!(err instanceof SessionConflictError) || attempt >= attempts) throw err;
    }
  }
}
