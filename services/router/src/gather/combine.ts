import {
  type AskReply,
  type AskReplyOk,
  type GatherPartReply,
  Spend,
  Subjects,
} from '@switchboard/contracts';

/** One part of a scatter: what is sent to which agent, in which session. */
export interface PartPlan {
  agent: string;
  /** This agent's part of the text. */
  text: string;
  /** The part's own session with its agent. */
  sessionId: string;
  /** The router creates the part's session record (a new part) before handing the task on. */
  newSession: boolean;
  /** The agent has a live instance: the part is waited for; otherwise it is queued. */
  live: boolean;
}

/** What became of one part, given the reply its agent sent in time (or `undefined`). */
export function partOutcome(plan: PartPlan, reply: AskReply | undefined): GatherPartReply {
  const { agent, sessionId } = plan;
  const base = { agent, sessionId, followUp: Subjects.agentAsk(agent) };
  if (!plan.live) {
    return {
      ...base,
      status: 'queued',
      text: `The ${agent} agent is not available right now. Your request is stored and will be answered in session ${sessionId}.`,
    };
  }
  if (!reply) {
    return {
      ...base,
      status: 'timeout',
      text: `The ${agent} agent has not answered in time. Its answer will be stored in session ${sessionId}.`,
    };
  }
  if (!reply.ok) {
    return {
      ...base,
      status: 'error',
      error: reply.error.code,
      text: `The ${agent} agent could not answer: ${reply.error.message}`,
    };
  }
  const { followUp: _followUp, ...data } = reply.data ?? {};
  return {
    ...base,
    status: reply.status === 'ended' ? 'ended' : 'answered',
    text: reply.text,
    ...(Object.keys(data).length > 0 ? { data } : {}),
  };
}

/** True when the part's answer is in the combined reply. */
function answered(p: GatherPartReply): boolean {
  return p.status === 'answered' || p.status === 'ended';
}

/**
 * The one reply to the caller: each part's text marked by its agent (a single part's text as it
 * is), the group session for follow-ups, and every part in `data.parts`. `partial` is true when a
 * part's answer is missing (timed out, queued or refused); `missing` names those agents.
 */
export function combinedReply(groupId: string, parts: readonly GatherPartReply[]): AskReplyOk {
  const single = parts.length === 1 ? parts[0] : undefined;
  const text = single ? single.text : parts.map((p) => `[${p.agent}] ${p.text}`).join('\n\n');
  const missing = parts.filter((p) => !answered(p)).map((p) => p.agent);
  const status = parts.every((p) => p.status === 'ended')
    ? 'ended'
    : parts.some(answered)
      ? 'answered'
      : 'queued';
  const spend = totalSpend(parts);
  return {
    ok: true,
    status,
    sessionId: groupId,
    agent: single ? single.agent : null,
    text,
    data: {
      followUp: Subjects.ask,
      parts,
      partial: missing.length > 0,
      ...(missing.length > 0 ? { missing } : {}),
      ...(spend ? { spend } : {}),
    },
  };
}

/** The sum of the parts' reported spend (`data.spend`), when any part reported one. */
function totalSpend(parts: readonly GatherPartReply[]): Spend | undefined {
  let total: Spend | undefined;
  for (const p of parts) {
    const s = Spend.safeParse(p.data?.spend);
    if (!s.success) continue;
    total = {
      inputTokens: (total?.inputTokens ?? 0) + s.data.inputTokens,
      outputTokens: (total?.outputTokens ?? 0) + s.data.outputTokens,
      usd: Math.round(((total?.usd ?? 0) + s.data.usd) * 1e6) / 1e6,
      llmCalls: (total?.llmCalls ?? 0) + s.data.llmCalls,
    };
  }
  return total;
}
