import {
  type AskReplyOk,
  type Session,
  Subjects,
  SwitchboardError,
  type Task,
  type Turn,
} from '@switchboard/contracts';
import type { SessionStore, StoredSession } from '@switchboard/runtime';
import type { Engine, EngineContext, EngineResult } from './engine.js';

/** What processing one task produced; the worker sends the reply and events, then acks. */
export interface TurnOutcome {
  reply: AskReplyOk;
  /** True when this task had been answered before (a redelivery): nothing new was stored. */
  duplicate: boolean;
  /** The session did not exist and was created by this turn. */
  opened: boolean;
  events: EngineResult['events'];
}

const END = /^end[.!]?$/i;

/**
 * What the answer says about the parts of a two-intent question that another agent owns: for now
 * each needs its own question (sent without a session id, it is routed to that agent).
 */
export function otherIntentsNote(others: NonNullable<Task['otherIntents']>): string {
  return others
    .map(
      (o) =>
        `You also asked "${o.text}": that is for the ${o.agent} agent. Please ask it as a question of its own.`,
    )
    .join('\n');
}

/** The reply recorded in an agent turn, re-sent when a task is redelivered. */
export function replyFromTurn(agent: string, sessionId: string, turn: Turn): AskReplyOk {
  return {
    ok: true,
    status: turn.status ?? 'answered',
    sessionId,
    agent,
    text: turn.text,
    data: turn.data ?? {},
  };
}

/**
 * Processes one task against the session: idempotent by task id (a task whose answer is already in
 * the session is not run again), `END` closes the session, otherwise the engine answers. The
 * session is written with a revision check; a lost race throws `SessionConflictError` so the caller
 * re-reads and retries.
 */
export async function processTurn(
  deps: { agent: string; store: SessionStore; engine: Engine },
  task: Task,
  ctx: EngineContext,
  opts: { fresh?: boolean } = {},
): Promise<TurnOutcome> {
  const { agent, store, engine } = deps;
  // `fresh`: the first delivery of a task that opens its session, so nothing can be stored yet and
  // the read is skipped (one JetStream round trip less per new conversation). Should a record exist
  // after all, the create below fails with a conflict and the caller retries without `fresh`.
  const stored: StoredSession | null = opts.fresh ? null : await store.get(task.sessionId);
  if (stored) {
    const done = stored.session.turns.find((t) => t.role === 'agent' && t.taskId === task.taskId);
    if (done) {
      return {
        reply: replyFromTurn(agent, task.sessionId, done),
        duplicate: true,
        opened: false,
        events: [],
      };
    }
    if (stored.session.agent !== agent) {
      throw new SwitchboardError('invalid_request', `session belongs to agent ${stored.session.agent}`);
    }
    if (stored.session.status === 'ended') {
      throw new SwitchboardError('session_closed', 'this session has ended; start a new one');
    }
  } else if (!task.newSession) {
    throw new SwitchboardError('unknown_session', 'no such session');
  }

  const history = stored?.session.turns ?? [];
  const ending = END.test(task.text);
  const result: EngineResult = ending
    ? { text: 'Session ended. Thank you!' }
    : await engine.respond(
        {
          text: task.text,
          userId: task.userId ?? stored?.session.userId,
          sessionId: task.sessionId,
          taskId: task.taskId,
          history,
          pending: stored?.session.pending,
        },
        ctx,
      );
  const status = ending ? 'ended' : 'answered';
  const now = new Date().toISOString();
  const others = ending ? undefined : task.otherIntents;
  const data = {
    ...(result.data ?? {}),
    followUp: Subjects.agentAsk(agent),
    ...(others ? { otherIntents: others } : {}),
  };
  const text = others ? `${result.text}\n\n${otherIntentsNote(others)}` : result.text;
  const turns: Turn[] = [...history];
  if (!turns.some((t) => t.role === 'user' && t.taskId === task.taskId)) {
    turns.push({ role: 'user', text: task.text, at: task.createdAt, taskId: task.taskId });
  }
  turns.push({ role: 'agent', text, at: now, taskId: task.taskId, status, data });
  const base: Session = stored?.session ?? {
    sessionId: task.sessionId,
    agent,
    status: 'open',
    createdAt: task.createdAt,
    updatedAt: now,
    turns: [],
    ...(task.userId ? { userId: task.userId } : {}),
  };
  const next: Session = { ...base, status: ending ? 'ended' : 'open', updatedAt: now, turns };
  if (result.pending && !ending) next.pending = result.pending;
  else delete next.pending;
  if (stored) await store.update(next, stored.revision);
  else await store.create(next);
  return {
    reply: { ok: true, status, sessionId: task.sessionId, agent, text, data },
    duplicate: false,
    opened: !stored,
    events: result.events ?? [],
  };
}
