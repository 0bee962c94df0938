import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { decodeAskRequest, Names, Subjects, SwitchboardError, type Task } from '@switchboard/contracts';
import {
  type InFlight,
  type Logger,
  type Metrics,
  newId,
  publishTask,
  type SessionStore,
  serveEndpoint,
} from '@switchboard/runtime';

/**
 * Serves `agents.<agent>.ask`: a follow-up in one of this agent's sessions, or a new session with
 * it. The request becomes a task in `tasks.<agent>` (durable), answered by whichever instance takes
 * it; this endpoint replies only with errors.
 */
export function serveDirectEndpoint(opts: {
  agent: string;
  nc: NatsConnection;
  js: JetStreamClient;
  store: SessionStore;
  log: Logger;
  metrics: Metrics;
  inFlight: InFlight;
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
    handle: async (msg, { requestId, traceparent }) => {
      const req = decodeAskRequest(msg.data, { plainText: true });
      if (req.sessionId) {
        const stored = await opts.store.get(req.sessionId);
        if (!stored) throw new SwitchboardError('unknown_session', 'no such session');
        if (stored.session.agent !== agent) {
          throw new SwitchboardError('invalid_request', `session belongs to agent ${stored.session.agent}`, {
            details: { agent: stored.session.agent, subject: Subjects.agentAsk(stored.session.agent) },
          });
        }
        if (stored.session.status === 'ended') {
          throw new SwitchboardError('session_closed', 'this session has ended; start a new one');
        }
      }
      const task: Task = {
        taskId: newId(),
        requestId,
        sessionId: req.sessionId ?? newId(),
        agent,
        text: req.text,
        newSession: !req.sessionId,
        createdAt: new Date().toISOString(),
        ...(req.userId ? { userId: req.userId } : {}),
      };
      await publishTask(opts.js, task, {
        replyTo: msg.reply,
        traceparent,
      });
      return null;
    },
  });
}
