import {
  type AskReplyOk,
  type Session,
  Subjects,
  SwitchboardError,
  type Task,
  type Turn,
} from '@switchboard/contracts';
import type { SessionStore, StoredSession } from '@switchboard/runtime';
import type { Engine, EngineContext, EngineInput, EngineResult } from './engine.js';

/**
 * What processing one task produced; the worker publishes the domain events, sends the reply, then
 * acks. The turn itself needs no event: the session write is one (the bucket's change feed).
 */
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
 * the session is not run again: its stored answer and events are returned), `END` closes the
 * session, otherwise the engine answers. The session is written with a revision check; a lost race
 * throws `SessionConflictError` so the caller re-reads and retries.
 */
export async function processTurn(
  deps: { agent: string; store: SessionStore; engine: Engine },
  task: Task,
  ctx: EngineContext,
  opts: { fresh?: boolean } = {},
): Promise<TurnOutcome> {
  const { agent, store } = deps;
  // `fresh`: the first delivery of a task that opens its session, so nothing can be stored yet and
  // the read is skipped (one JetStream round trip less per new conversation). Should a record exist
  // after all, the create below fails with a conflict and the caller retries without `fresh`.
  const stored: StoredSession | null = opts.fresh ? null : await store.get(task.sessionId);
  const done = answeredBefore(agent, task, stored);
  if (done) return done;
  const ending = END.test(task.text);
  // A rerun after a session conflict answers again: what the earlier run streamed is void.
  ctx.chunks?.restart();
  const result: EngineResult = ending
    ? { text: 'Session ended. Thank you!' }
    : await deps.engine.respond(engineInput(task, stored), ctx);
  const { next, reply } = recordTurn(agent, task, stored?.session, result, ending);
  if (stored) await store.update(next, stored.revision);
  else await store.create(next);
  return { reply, duplicate: false, opened: !stored, events: result.events ?? [] };
}

/**
 * The outcome of a task whose answer the session already holds, or `undefined` when it must run;
 * throws when it cannot run in this session at all.
 */
function answeredBefore(agent: string, task: Task, stored: StoredSession | null): TurnOutcome | undefined {
  if (!stored) {
    if (!task.newSession) throw new SwitchboardError('unknown_session', 'no such session');
    return undefined;
  }
  const done = stored.session.turns.find((t) => t.role === 'agent' && t.taskId === task.taskId);
  if (done) {
    const reply = replyFromTurn(agent, task.sessionId, done);
    return { reply, duplicate: true, opened: false, events: done.events ?? [] };
  }
  if (stored.session.agent !== agent) {
    throw new SwitchboardError('invalid_request', `session belongs to agent ${stored.session.agent}`);
  }
  if (stored.session.status === 'ended') {
    throw new SwitchboardError('session_closed', 'this session has ended; start a new one');
  }
  return undefined;
}

function engineInput(task: Task, stored: StoredSession | null): EngineInput {
  return {
    text: task.text,
    userId: task.userId ?? stored?.session.userId,
    sessionId: task.sessionId,
    taskId: task.taskId,
    history: stored?.session.turns ?? [],
    pending: stored?.session.pending,
  };
}

/** The session with this turn added (created when there was none), and the reply it records. */
function recordTurn(
  agent: string,
  task: Task,
  session: Session | undefined,
  result: EngineResult,
  ending: boolean,
): { next: Session; reply: AskReplyOk } {
  const status = ending ? 'ended' : 'answered';
  const now = new Date().toISOString();
  const others = ending ? undefined : task.otherIntents;
  const data = {
    ...(result.data ?? {}),
    followUp: Subjects.agentAsk(agent),
    ...(others ? { otherIntents: others } : {}),
    // The agent asked a question back and waits for the answer (A2A: input-required; docs/a2a.md).
    ...(result.pending && !ending ? { awaitingAnswer: true } : {}),
  };
  const text = others ? `${result.text}\n\n${otherIntentsNote(others)}` : result.text;
  const turns: Turn[] = [...(session?.turns ?? [])];
  if (!turns.some((t) => t.role === 'user' && t.taskId === task.taskId)) {
    turns.push({ role: 'user', text: task.text, at: task.createdAt, taskId: task.taskId });
  }
  const events = result.events?.length ? { events: result.events } : {};
  turns.push({ role: 'agent', text, at: now, taskId: task.taskId, status, data, ...events });
  const base: Session = session ?? {
    sessionId: task.sessionId,
    agent,
    status: 'open',
    createdAt: task.createdAt,
    updatedAt: now,
    turns: [],
    ...(task.userId ? { userId: task.userId } : {}),
    // Read by the turn feed (`watchTurns`): this turn created the record.
    openedBy: task.taskId,
  };
  const next: Session = { ...base, status: ending ? 'ended' : 'open', updatedAt: now, turns };
  if (result.pending && !ending) next.pending = result.pending;
  else delete next.pending;
  return { next, reply: { ok: true, status, sessionId: task.sessionId, agent, text, data } };
}
