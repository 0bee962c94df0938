import type { JetStreamClient } from '@nats-io/jetstream';
import {
  type AskReplyOk,
  type Budget,
  Failure,
  type GatherPartReply,
  type Session,
  SwitchboardError,
  splitBudget,
  type Task,
} from '@switchboard/contracts';
import {
  type Guard,
  type Logger,
  type Metrics,
  newSecretId,
  publishTask,
  type SessionStore,
  type StoredSession,
} from '@switchboard/runtime';
import type { AgentView, Classifier } from '../classify/types.js';
import { combinedReply, type PartPlan, partOutcome } from './combine.js';
import { chooseParts } from './follow-up.js';
import { groupSession, partSession, recordGroupTurn } from './group.js';
import type { GatherInbox } from './inbox.js';

/** How long the router gathers, and how late a part may still land in its session. */
export interface GatherSettings {
  /** The gather window of a caller that sent no deadline (`ROUTER_GATHER_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Kept back from the caller's deadline to build and send the combined reply (`ROUTER_GATHER_MARGIN_MS`). */
  marginMs: number;
  /**
   * Added to the caller's deadline on each part's task (`ROUTER_GATHER_LATE_MS`): the partial
   * answer promises a late part's answer in its session, so its agent may still run it this long
   * after the caller stopped waiting. 0: the caller's deadline as it is.
   */
  lateMs: number;
}

export interface GatherDeps {
  js: JetStreamClient;
  store: SessionStore;
  inbox: GatherInbox;
  publishGuard: Guard;
  metrics: Metrics;
  classifier: Classifier;
  settings: GatherSettings;
}

/** The request being gathered: who asks, its context, and its budget (split across the parts). */
export interface GatherCall {
  userId?: string | undefined;
  requestId: string;
  traceparent: string;
  deadline?: number | undefined;
  budget?: Budget | undefined;
  log: Logger;
}

const FLOW = { flow: 'scatter_gather' } as const;

/**
 * Scatter-gather in the router: every part is a task for its agent in a session of its own (stored
 * first, so its answer has a home whatever happens), with a reply subject of this router's gather
 * inbox; the replies are collected by correlation id until all came or the caller's deadline (minus
 * a margin) is near; then one combined reply. A part whose agent has no live instance is queued.
 */
export function createGatherer(deps: GatherDeps) {
  const { metrics, settings } = deps;
  for (const outcome of ['started', 'completed', 'partial'] as const)
    metrics.workflows.inc({ ...FLOW, outcome }, 0);

  const publishPart = async (
    call: GatherCall,
    plan: PartPlan,
    replyTo: string,
    budget: Budget | undefined,
  ): Promise<void> => {
    const createdAt = new Date().toISOString();
    const task: Task = {
      taskId: newSecretId(),
      requestId: call.requestId,
      sessionId: plan.sessionId,
      agent: plan.agent,
      text: plan.text,
      // The router stores the part's session first: the agent adds its turn to that record.
      newSession: false,
      createdAt,
      ...(call.userId ? { userId: call.userId } : {}),
    };
    if (plan.newSession) {
      await deps.store.create(partSession(plan, task.taskId, createdAt, call.userId));
      metrics.sessions.inc({ agent: plan.agent, event: 'opened' });
    }
    await deps.publishGuard.execute(() =>
      publishTask(deps.js, task, {
        // A queued part has no reply subject and no deadline: nobody waits for it.
        ...(plan.live ? { replyTo } : {}),
        ...(plan.live && call.deadline !== undefined ? { deadline: call.deadline + settings.lateMs } : {}),
        traceparent: call.traceparent,
        ...(call.userId ? { userId: call.userId } : {}),
        ...(budget ? { budget } : {}),
      }),
    );
  };

  /** Hands every part on at once and waits for the live ones; a part that could not be handed on is an error part. */
  const scatter = async (call: GatherCall, plans: readonly PartPlan[]): Promise<GatherPartReply[]> => {
    const collector = deps.inbox.open(plans.length);
    const budgets = call.budget ? splitBudget(call.budget, plans.length) : [];
    const handedOn = await Promise.allSettled(
      plans.map((p, i) => publishPart(call, p, collector.subject(i), budgets[i])),
    );
    if (handedOn.every((r) => r.status === 'rejected')) {
      collector.cancel();
      const err = (handedOn[0] as PromiseRejectedResult).reason;
      if (err instanceof SwitchboardError || err instanceof Failure) throw err;
      throw new Failure('task_store_unavailable', 'the task store is unavailable; retry shortly', {
        cause: err,
        retryAfterMs: 1000,
      });
    }
    // Only live parts that were handed on will reply; the others are not waited for.
    plans.forEach((p, i) => {
      if (!p.live || handedOn[i]?.status === 'rejected') collector.skip(i);
    });
    const until = (call.deadline ?? Date.now() + settings.timeoutMs) - settings.marginMs;
    const replies = await collector.wait(until);
    return plans.map((p, i) => {
      const r = handedOn[i];
      if (r?.status === 'rejected') {
        call.log.warn({ err: r.reason, agent: p.agent }, 'gather: a part could not be handed on');
        return {
          agent: p.agent,
          sessionId: p.sessionId,
          status: 'error' as const,
          error: 'agent_unavailable',
          text: `The ${p.agent} agent could not be reached; please ask again.`,
          followUp: `agents.${p.agent}.ask`,
        };
      }
      return partOutcome(p, replies[i]);
    });
  };

  /** Scatters, gathers, records the combined turn in the group and counts the flow. */
  const run = async (
    call: GatherCall,
    group: { id: string; stored: StoredSession; question?: string },
    plans: readonly PartPlan[],
  ): Promise<AskReplyOk> => {
    const started = process.hrtime.bigint();
    const counted = plans.length >= 2;
    if (counted) metrics.workflows.inc({ ...FLOW, outcome: 'started' });
    const parts = await scatter(call, plans);
    const reply = combinedReply(group.id, parts);
    await recordGroupTurn(deps.store, call.log, group.id, group.stored, {
      ...(group.question !== undefined ? { question: group.question } : {}),
      answer: reply.text,
      ended: reply.status === 'ended',
    });
    if (counted) {
      const outcome = reply.data?.partial ? 'partial' : 'completed';
      metrics.workflows.inc({ ...FLOW, outcome });
      metrics.workflowDuration.observe({ ...FLOW, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
      call.log.info(
        { groupId: group.id, outcome, parts: parts.map((p) => `${p.agent}:${p.status}`) },
        'scatter-gather answered',
      );
    }
    return reply;
  };

  const live = (views: readonly AgentView[], agent: string) =>
    (views.find((v) => v.name === agent)?.instances ?? 0) > 0;

  return {
    /** A new question with parts for several agents: a new group session and one part session each. */
    async ask(
      call: GatherCall,
      text: string,
      parts: readonly { agent: string; text: string }[],
      views: readonly AgentView[],
    ): Promise<AskReplyOk> {
      const plans: PartPlan[] = parts.map((p) => ({
        agent: p.agent,
        text: p.text,
        sessionId: newSecretId(),
        newSession: true,
        live: live(views, p.agent),
      }));
      const id = newSecretId();
      const at = new Date().toISOString();
      // Stored before any part is handed on: a store that fails fails the request before anything ran.
      const session = groupSession(id, text, plans, at, call.userId);
      const stored = { session, revision: await deps.store.create(session) };
      return run(call, { id, stored }, plans);
    },

    /** A follow-up in a group session: to the part (or parts) whose agent fits, in their sessions. */
    async followUp(
      call: GatherCall,
      text: string,
      stored: StoredSession,
      views: readonly AgentView[],
    ): Promise<AskReplyOk> {
      const group: Session = stored.session;
      const chosen = await chooseParts(deps, text, group.parts ?? [], views, call.budget);
      for (const t of chosen.targets) metrics.routingDecisions.inc({ agent: t.agent, method: chosen.method });
      const plans: PartPlan[] = chosen.targets.map((t) => ({
        ...t,
        newSession: false,
        live: live(views, t.agent),
      }));
      const owner = call.userId ?? group.userId;
      const after = { ...call, userId: owner, budget: chosen.budget };
      return run(after, { id: group.sessionId, stored, question: text }, plans);
    },
  };
}
export type Gatherer = ReturnType<typeof createGatherer>;
