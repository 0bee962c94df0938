import type { JetStreamClient } from '@nats-io/jetstream';
import type { Msg } from '@nats-io/transport-node';
import {
  type AskReply,
  type AskRequest,
  type Budget,
  budgetLeft,
  decodeAskRequest,
  Failure,
  MaxGatherParts,
  type Session,
  SwitchboardError,
  type Task,
  tighterBudget,
} from '@switchboard/contracts';
import {
  authorizationOf,
  type Caller,
  checkSessionAccess,
  type Guard,
  identifyCaller,
  type Metrics,
  newSecretId,
  primeRoutingDecisions,
  publishTask,
  type RequestContext,
  type SessionStore,
  type TokenVerifier,
} from '@switchboard/runtime';
import type { AgentView, Classifier } from './classify/types.js';
import type { GatherCall, Gatherer } from './gather/scatter.js';

/** What the router needs; built in main.ts, fakes or real parts in tests. */
export interface RouterDeps {
  js: JetStreamClient;
  store: SessionStore;
  registry: { views(): readonly AgentView[] };
  classifier: Classifier;
  /** Guards the task publish (JetStream): timeout, retry, breaker. */
  publishGuard: Guard;
  metrics: Metrics;
  /** Text for `clarify` replies, from the live agents' cards. */
  clarifyText: (agents: readonly AgentView[]) => string;
  /** The routing methods in use, for series at 0 from start-up (default: embedded and session). */
  methods?: readonly string[];
  /**
   * Verifies the caller's token (`Authorization: Bearer <token>` header). Absent: open mode, the
   * request's `userId` is trusted.
   */
  tokens?: TokenVerifier;
  /**
   * Scatter-gather: a question for several agents goes to each at once and is answered once, and
   * follow-ups in its group session go to the part that fits (docs/workflows/scatter-gather.md).
   */
  gatherer: Gatherer;
}

/** The request's budget for its task: the header's and the body's, the tighter of each limit. */
function budgetOf(req: AskRequest, ctx: RequestContext): { budget?: Budget } {
  const budget = tighterBudget(ctx.budget, req.budget);
  return budget ? { budget } : {};
}

/** What the gatherer needs of a request: who asks, its context, and its budget (header or body, the tighter). */
function gatherCall(req: AskRequest, caller: Caller, ctx: RequestContext): GatherCall {
  const budget = tighterBudget(ctx.budget, req.budget);
  return {
    userId: caller.userId,
    requestId: ctx.requestId,
    traceparent: ctx.traceparent,
    deadline: ctx.deadline,
    budget,
    log: ctx.log,
  };
}

/**
 * Handles one `agents.ask` request: validate, establish the caller (a verified token in secure
 * mode; a follow-up only in the caller's own session), pick the agent (session owner, or the classifier over
 * every known agent, alive or not), hand a task to JetStream with the caller's reply subject, and
 * return `null` so the agent answers the caller directly. When no instance of the agent is alive the task is still
 * stored and the caller gets `queued` at once. A question with requests for several agents, and a
 * follow-up in a group session, go to the gatherer instead, which answers once for all parts.
 */
export function createRouteHandler(deps: RouterDeps) {
  const { metrics } = deps;
  // Routing decisions per agent exist at 0 from the first time the agent is known.
  const primed = new Set<string>();
  const prime = (views: readonly AgentView[]) => {
    for (const name of ['none', ...views.map((v) => v.name)]) {
      if (primed.has(name)) continue;
      primed.add(name);
      primeRoutingDecisions(metrics, name, deps.methods ?? ['embedded', 'session']);
    }
  };
  prime([]);

  const handOn = async (
    req: AskRequest,
    caller: Caller,
    agent: string,
    sessionId: string,
    newSession: boolean,
    live: boolean,
    msg: Msg,
    ctx: RequestContext,
  ): Promise<AskReply | null> => {
    const task: Task = {
      taskId: newSecretId(),
      requestId: ctx.requestId,
      sessionId,
      agent,
      text: req.text,
      // A queued task's session is stored below, so for the agent it is not new.
      newSession: newSession && live,
      createdAt: new Date().toISOString(),
      // The proven user in secure mode; the request's own `userId` in open mode.
      ...(caller.userId ? { userId: caller.userId } : {}),
    };
    if (!live && newSession) {
      // Nobody may answer for a while: store the session now so it can be read and followed up.
      const session: Session = {
        sessionId,
        agent,
        status: 'open',
        createdAt: task.createdAt,
        updatedAt: task.createdAt,
        turns: [{ role: 'user', text: task.text, at: task.createdAt, taskId: task.taskId }],
        ...(task.userId ? { userId: task.userId } : {}),
      };
      await deps.store.create(session);
      metrics.sessions.inc({ agent, event: 'opened' });
    }
    await deps.publishGuard
      .execute(() =>
        publishTask(deps.js, task, {
          // Only a caller that waits has a reply subject and a deadline; a queued task has neither.
          ...(live && msg.reply ? { replyTo: msg.reply } : {}),
          ...(live && ctx.deadline !== undefined ? { deadline: ctx.deadline } : {}),
          // A caller that waits may want the answer streamed too (docs/streaming.md).
          ...(live && ctx.streamId ? { streamId: ctx.streamId } : {}),
          traceparent: ctx.traceparent,
          ...(task.userId ? { userId: task.userId } : {}),
          // The budget travels with every task, queued or not: whoever runs the turn spends from it.
          ...budgetOf(req, ctx),
        }),
      )
      .catch((err: unknown) => {
        if (err instanceof SwitchboardError || err instanceof Failure) throw err;
        throw new Failure('task_store_unavailable', 'the task store is unavailable; retry shortly', {
          cause: err,
          retryAfterMs: 1000,
        });
      });
    if (live) return null;
    ctx.log.info({ agent, sessionId }, 'no live instance: task queued');
    return {
      ok: true,
      status: 'queued',
      sessionId,
      agent,
      text: `The ${agent} agent is not available right now. Your request is stored and will be answered in session ${sessionId}.`,
      data: {
        taskId: task.taskId,
        followUp: `agents.${agent}.ask`,
      },
    };
  };

  const handle = async (msg: Msg, ctx: RequestContext): Promise<AskReply | null> => {
    const req = decodeAskRequest(msg.data, { plainText: true });
    const caller = await identifyCaller(deps.tokens, authorizationOf(msg.headers), req.userId);
    const views = deps.registry.views();
    if (primed.size !== views.length + 1) prime(views);
    if (req.sessionId) {
      const stored = await deps.store.get(req.sessionId);
      if (!stored) throw new SwitchboardError('unknown_session', 'no such session');
      checkSessionAccess(stored.session, caller);
      if (stored.session.status === 'ended') {
        throw new SwitchboardError('session_closed', 'this session has ended; start a new one');
      }
      // A group session (scatter-gather): the follow-up goes to the part whose agent fits.
      if (stored.session.parts) {
        return deps.gatherer.followUp(gatherCall(req, caller, ctx), req.text, stored, views);
      }
      const owner = stored.session.agent;
      metrics.routingDecisions.inc({ agent: owner, method: 'session' });
      const live = (views.find((v) => v.name === owner)?.instances ?? 0) > 0;
      return handOn(req, caller, owner, req.sessionId, false, live, msg, ctx);
    }
    // The agent whose domain the request is, alive or not: with no live instance the task is
    // stored for it (`queued`), never handed to a live agent that does not fit.
    const budget = tighterBudget(ctx.budget, req.budget);
    const decision = await deps.classifier.classify(req.text, views, { budget });
    // Routing with Claude spent from the request's budget: the task (or the parts) get what is left.
    if (budget && decision.spend) ctx.budget = budgetLeft(budget, decision.spend);
    const chosen = decision.agent ? views.find((v) => v.name === decision.agent) : undefined;
    metrics.routingDecisions.inc({ agent: chosen ? chosen.name : 'none', method: decision.method });
    if (decision.score !== undefined) {
      metrics.routingScore.observe(
        { agent: chosen ? chosen.name : 'none', method: decision.method },
        decision.score,
      );
    }
    if (!chosen) {
      return {
        ok: true,
        status: 'clarify',
        sessionId: newSecretId(),
        agent: null,
        text: deps.clarifyText(views),
        data: {
          agents: views.map((v) => ({ name: v.name, description: v.description, subject: v.subject })),
        },
      };
    }
    const parts = decision.parts ?? [];
    if (parts.length >= 2 && parts[0]?.agent === chosen.name && distinctKnown(parts, views)) {
      // Requests for several agents: each gets its part at once, and the caller one combined answer.
      return deps.gatherer.ask(gatherCall(req, caller, ctx), req.text, parts, views);
    }
    return handOn(req, caller, chosen.name, newSecretId(), true, chosen.instances > 0, msg, ctx);
  };
  /** Exports the routing-decision series of every currently known agent at 0. */
  return Object.assign(handle, { prime: () => prime(deps.registry.views()) });
}

/** Parts for different agents, each known to the registry (alive or not), at most `MaxGatherParts`. */
function distinctKnown(parts: readonly { agent: string }[], views: readonly AgentView[]): boolean {
  const agents = new Set(parts.map((p) => p.agent));
  return (
    agents.size === parts.length &&
    parts.length <= MaxGatherParts &&
    parts.every((p) => views.some((v) => v.name === p.agent))
  );
}
