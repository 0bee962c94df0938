import { z } from 'zod';
import { AgentName, SessionId } from './ids.js';

/**
 * Scatter-gather: a question with requests for several agents ("how many vacation days do I have
 * and how much travel budget is left?") goes to each agent at once, each part in a session of its
 * own with that agent, and the router answers the caller once with the parts combined. The
 * combined conversation is a group session: a record in the `sessions` bucket whose `parts` name
 * the part sessions, owned by {@link GroupOwner}; follow-ups in it go to the part whose agent fits.
 * See docs/workflows/scatter-gather.md.
 */

/** The `agent` of a group session's record: no agent owns it, so no agent takes a turn in it. */
export const GroupOwner = 'router';

/** Most parts one question is split into (the classifier finds two). */
export const MaxGatherParts = 4;

/** One part of a group session: the agent and its own session. */
export const GroupPart = z.strictObject({ agent: AgentName, sessionId: SessionId });
export type GroupPart = z.infer<typeof GroupPart>;

/** The parts of a group session, in the order of the question's text. */
export const GroupParts = z.array(GroupPart).min(2).max(MaxGatherParts);

/**
 * How one part ended in a combined reply. `answered` / `ended`: its agent answered (or closed its
 * session). `queued`: its agent has no live instance; stored, answered in its session later.
 * `timeout`: its agent did not answer before the caller's deadline; the answer lands in its session.
 * `error`: its agent refused it (the error's code is in `error`).
 */
export const GatherPartStatus = z.enum(['answered', 'ended', 'queued', 'timeout', 'error']);
export type GatherPartStatus = z.infer<typeof GatherPartStatus>;

/** One part as a combined reply's `data.parts` shows it. */
export const GatherPartReply = z.strictObject({
  agent: AgentName,
  /** The part's own session: where its answer is (or will be) stored. */
  sessionId: SessionId,
  status: GatherPartStatus,
  /** What the agent answered, or what happened to the part. */
  text: z.string(),
  /** The agent's own subject for a follow-up in the part's session (`agents.<agent>.ask`). */
  followUp: z.string(),
  /** The agent's reply data (tool results, spend), when it answered. */
  data: z.record(z.string(), z.unknown()).optional(),
  /** The error code, for `error`. */
  error: z.string().optional(),
});
export type GatherPartReply = z.infer<typeof GatherPartReply>;
