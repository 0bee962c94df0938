import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  type AskRequest,
  decodeAskRequest,
  Names,
  Subjects,
  SwitchboardError,
  type Task,
  tighterBudget,
} from '@switchboard/contracts';
import {
  authorizationOf,
  type Caller,
  checkSessionAccess,
  type InFlight,
  identifyCaller,
  type Logger,
  type Metrics,
  newSecretId,
  publishTask,
  type SessionStore,
  serveEndpoint,
  type TokenVerifier,
} from '@switchboard/runtime';

/**
 * Serves `agents.<agent>.ask`: a follow-up in one of this agent's sessions, or a new session with
 * it. The request becomes a task in `tasks.<agent>` (durable), answered by whichever instance takes
 * it; this endpoint replies only with errors. With `tokens` the caller must show a valid token and
 * may continue only its own sessions, exactly as on `agents.ask`.
 */
export function serveDirectEndpoint(opts: {
  agent: string;
  nc: NatsConnection;
  js: JetStreamClient;
  store: SessionStore;
  log: Logger;
  metrics: Metrics;
  inFlight: InFlight;
  /** Verifies the caller's token; absent: open mode, the request's `userId` is trusted. */
  tokens?: TokenVerifier | undefined;
}): Subscription {
  const { agent } = opts;
  return serveEndpoint({
    nc: opts.nc,
    subject: Subjects.agentAsk(agent),
    queue: Names.agentQueue(agent),
    endpoint: `agents.${agent}.ask`,
    log: opts.log,
    metrics: opts.metrics,
    inFlight: opts.inFlight,
    handle: async (msg, { requestId, traceparent, deadline, budget: headerBudget, streamId }) => {
      const req = decodeAskRequest(msg.data, { plainText: true });
      const caller = await identifyCaller(opts.tokens, authorizationOf(msg.headers), req.userId);
      if (req.sessionId) await checkFollowUp(opts.store, agent, req.sessionId, caller);
      const task = taskFor(agent, requestId, req, caller);
      // The header's budget and the body's, the tighter of each limit: it travels with the task.
      const budget = tighterBudget(headerBudget, req.budget);
      // The instance that takes the task replies to the caller's reply subject, and gives up on the
      // turn once the caller's deadline has passed.
      await publishTask(opts.js, task, {
        ...(msg.reply ? { replyTo: msg.reply } : {}),
        traceparent,
        ...(deadline === undefined ? {} : { deadline }),
        ...(streamId ? { streamId } : {}),
        ...(task.userId ? { userId: task.userId } : {}),
        ...(budget ? { budget } : {}),
      });
      return null;
    },
  });
}

/**
 * Refuses a follow-up (before it becomes a task) in a session that does not exist, that is another
 * user's, that belongs to another agent, or that has ended.
 */
async function checkFollowUp(
  store: SessionStore,
  agent: string,
  sessionId: string,
  caller: Caller,
): Promise<void> {
  const stored = await store.get(sessionId);
  if (!stored) throw new SwitchboardError('unknown_session', 'no such session');
  checkSessionAccess(stored.session, caller);
  if (stored.session.parts) {
    // A group session (scatter-gather) is continued through the router, which picks the part.
    throw new SwitchboardError('invalid_request', 'this session combines several agents; ask on agents.ask', {
      details: { subject: Subjects.ask, parts: stored.session.parts },
    });
  }
  const owner = stored.session.agent;
  if (owner !== agent) {
    // The details name the owner's endpoint, so the caller can ask there instead.
    throw new SwitchboardError('invalid_request', `session belongs to agent ${owner}`, {
      details: { agent: owner, subject: Subjects.agentAsk(owner) },
    });
  }
  if (stored.session.status === 'ended') {
    throw new SwitchboardError('session_closed', 'this session has ended; start a new one');
  }
}

/**
 * The task for a request: a turn in the session it names, or the first turn of a new one, for the
 * caller's user (the proven one in secure mode). Task and session ids are random, never guessable.
 */
function taskFor(agent: string, requestId: string, req: AskRequest, caller: Caller): Task {
  return {
    taskId: newSecretId(),
    requestId,
    sessionId: req.sessionId ?? newSecretId(),
    agent,
    text: req.text,
    newSession: !req.sessionId,
    createdAt: new Date().toISOString(),
    ...(caller.userId ? { userId: caller.userId } : {}),
  };
}
