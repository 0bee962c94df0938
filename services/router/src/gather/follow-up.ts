import { type Budget, budgetLeft, type GroupPart } from '@switchboard/contracts';
import type { SessionStore } from '@switchboard/runtime';
import type { AgentView, Classifier, RoutingMethod } from '../classify/types.js';

/** Where a follow-up in a group session goes: one or more of its parts, each with its text. */
export interface FollowUpTarget {
  targets: { agent: string; text: string; sessionId: string }[];
  /** What decided (the routing-decision metric's method). */
  method: RoutingMethod;
  /** What is left of the request's budget after the classifier's LLM call, when it spent some. */
  budget?: Budget | undefined;
}

const END = /^end[.!]?$/i;

/**
 * Picks the parts of a group a follow-up is for. `END` goes to every part. Otherwise the classifier
 * chooses among the group's agents only: several parts when the follow-up again holds requests
 * for several of them, else the one whose domain it is. When none fits ("yes", "from March 3"),
 * the part that is waiting for an answer from the user (its session has `pending`) gets it, else
 * the part that spoke last.
 */
export async function chooseParts(
  deps: { classifier: Classifier; store: SessionStore },
  text: string,
  parts: readonly GroupPart[],
  views: readonly AgentView[],
  budget?: Budget,
): Promise<FollowUpTarget> {
  if (END.test(text)) return { targets: parts.map((p) => ({ ...p, text })), method: 'session', budget };
  const partOf = (agent: string | null | undefined) => parts.find((p) => p.agent === agent);
  const inGroup = views.filter((v) => partOf(v.name));
  if (inGroup.length > 0) {
    const decision = await deps.classifier.classify(text, inGroup, { budget });
    // Routing with Claude spends from the request's budget: the parts get what is left.
    if (budget && decision.spend) budget = budgetLeft(budget, decision.spend);
    const split = (decision.parts ?? []).filter((p) => partOf(p.agent));
    const agents = new Set(split.map((p) => p.agent));
    if (split.length >= 2 && agents.size === split.length) {
      return {
        targets: split.map((p) => ({ ...(partOf(p.agent) as GroupPart), text: p.text })),
        method: decision.method,
        budget,
      };
    }
    const chosen = partOf(decision.agent);
    if (chosen) return { targets: [{ ...chosen, text }], method: decision.method, budget };
  }
  return { targets: [{ ...(await mostLikelyPart(deps.store, parts)), text }], method: 'session', budget };
}

/** The part whose agent waits for the user's answer, else the one written last, else the first. */
async function mostLikelyPart(store: SessionStore, parts: readonly GroupPart[]): Promise<GroupPart> {
  const stored = await Promise.all(parts.map((p) => store.get(p.sessionId).catch(() => null)));
  let best: { part: GroupPart; at: string; pending: boolean } | undefined;
  parts.forEach((part, i) => {
    const s = stored[i]?.session;
    if (!s || s.status === 'ended') return;
    const c = { part, at: s.updatedAt, pending: s.pending !== undefined };
    if (!best || (c.pending && !best.pending) || (c.pending === best.pending && c.at > best.at)) best = c;
  });
  return best?.part ?? (parts[0] as GroupPart);
}
