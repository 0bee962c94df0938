import { z } from 'zod';
import type { Engine, EngineInput, EngineResult } from '../engine.js';
import { failpoint } from '../workflows/failpoint.js';
import { approvalsFor, type Decision, decideApproval, decidedEvent, markShown, seenIn } from './decide.js';
import type { ApprovalDesk } from './desk.js';
import { describeApproval } from './notices.js';
import type { ApprovalRecord } from './record.js';
import { asksForApprovals, type DecisionWords, isNoWord, isYesWord, parseDecision } from './text.js';

/** What the approvals conversation remembers between turns (the engine's `pending`). */
export const ApprovalsPending = z.object({
  flow: z.literal('approvals'),
  /** The approval ids of the last listing, in the order shown ("approve 2"). */
  refs: z.array(z.string()).default([]),
  /** A decision waiting for the approver's yes, on the version (digest) just shown. */
  confirm: z
    .object({ approvalId: z.string(), decision: z.enum(['approved', 'rejected']), digest: z.string() })
    .optional(),
});
export type ApprovalsPending = z.infer<typeof ApprovalsPending>;

interface Turn {
  desk: ApprovalDesk;
  input: EngineInput;
  me: string;
  state: ApprovalsPending | undefined;
}

function reply(
  text: string,
  intent: string,
  extra: { data?: object; pending?: ApprovalsPending; events?: EngineResult['events'] } = {},
): EngineResult {
  return {
    text,
    data: { engine: 'approvals', intent, ...(extra.data ?? {}) },
    ...(extra.pending ? { pending: extra.pending } : {}),
    ...(extra.events ? { events: extra.events } : {}),
  };
}

const until = (r: ApprovalRecord) => r.expiresAt.slice(0, 16).replace('T', ' ');

/** "what do I need to approve?": the caller's pending approvals, numbered, and recent outcomes. */
export async function listApprovals(t: Turn): Promise<EngineResult> {
  const { pending, recent } = await approvalsFor(t.desk, t.me);
  for (const r of pending) await markShown(t.desk, r.approvalId, t.input.sessionId, r.digest);
  const lines = pending.map((r, i) => `${i + 1}. ${describeApproval(r)}; waits until ${until(r)} UTC`);
  const closed = recent.map((r) => {
    const how =
      r.status === 'pending' || r.status === 'expired'
        ? `expired at ${until(r)} UTC`
        : `${r.status} by ${r.decidedBy}`;
    return `- ${describeApproval(r)}: ${how}`;
  });
  const head = pending.length
    ? `Waiting for your approval:\n${lines.join('\n')}\nSay "approve 1" or "reject 1" (or name the person).`
    : 'Nothing is waiting for your approval.';
  const text = closed.length ? `${head}\nRecently closed:\n${closed.join('\n')}` : head;
  const shown = pending.map((r, i) => ({
    ref: i + 1,
    approvalId: r.approvalId,
    kind: r.kind,
    requester: r.requester,
    summary: r.request.summary,
    digest: r.digest,
    expiresAt: r.expiresAt,
  }));
  const recentOut = recent.map((r) => ({
    approvalId: r.approvalId,
    status: r.status === 'pending' ? 'expired' : r.status,
  }));
  return reply(text, 'approvals_list', {
    data: { approvals: shown, recent: recentOut },
    pending: { flow: 'approvals', refs: pending.map((r) => r.approvalId) },
  });
}

/** The approval a decision points at, or a reply saying why it cannot tell. */
async function target(t: Turn, w: DecisionWords): Promise<ApprovalRecord | EngineResult> {
  // Pending ones, and one this task decided already (a rerun of the turn finds it again).
  const all = (await t.desk.store.list()).filter(
    (r) => r.status === 'pending' || r.decisionTaskId === t.input.taskId,
  );
  const mine = all.filter((r) => r.approver === t.me);
  if (w.ref !== undefined) {
    const id = t.state?.refs[w.ref - 1] ?? mine[w.ref - 1]?.approvalId;
    const found = id ? (await t.desk.store.get(id))?.record : undefined;
    return (
      found ??
      reply(
        `There is no request number ${w.ref}. Ask "what do I need to approve?" for the list.`,
        'approvals_unknown',
      )
    );
  }
  const named = all.filter(
    (r) =>
      w.words.includes(r.requester) || w.words.includes((r.requesterName ?? '').split(' ')[0]!.toLowerCase()),
  );
  const ofKind = (rs: ApprovalRecord[]) => (w.kind ? rs.filter((r) => r.kind === w.kind) : rs);
  const hinted = t.state?.confirm?.approvalId ?? (t.state?.refs.length === 1 ? t.state.refs[0] : undefined);
  const own = all.filter((r) => r.requester === t.me);
  let hits = ofKind(named.length ? named : mine.length ? mine : own);
  if (!named.length && hits.length !== 1 && hinted) hits = all.filter((r) => r.approvalId === hinted);
  const yours = hits.filter((r) => r.approver === t.me);
  if (yours.length === 1 || (hits.length === 1 && !yours.length)) return yours[0] ?? hits[0]!;
  if (!hits.length)
    return reply(
      'I found no request waiting for a decision that matches. Ask "what do I need to approve?" for the list.',
      'approvals_unknown',
    );
  return listApprovals(t).then((l) => ({ ...l, text: `Which one do you mean?\n${l.text}` }));
}

function refusal(t: Turn, r: ApprovalRecord): EngineResult {
  const text =
    r.requester === t.me
      ? `You cannot approve or reject your own request: ${describeApproval(r)} waits for ${r.approver}. Nothing was changed.`
      : `Only ${r.approver} (${r.requesterName ?? r.requester}'s manager) can decide ${describeApproval(r)}; you are not its approver. Nothing was changed.`;
  return reply(text, 'approvals_forbidden', { data: { approvalId: r.approvalId, error: 'forbidden' } });
}

/** Shows a version of the request and asks for a yes. */
async function askAgain(t: Turn, r: ApprovalRecord, decision: Decision, lead: string): Promise<EngineResult> {
  await markShown(t.desk, r.approvalId, t.input.sessionId, r.digest);
  const verb = decision === 'approved' ? 'approve' : 'reject';
  return reply(
    `${lead}${describeApproval(r)}. Do you ${verb} it? Please reply yes or no.`,
    'approvals_confirm',
    {
      data: { approvalId: r.approvalId, digest: r.digest, version: r.version },
      pending: {
        flow: 'approvals',
        refs: t.state?.refs ?? [],
        confirm: { approvalId: r.approvalId, decision, digest: r.digest },
      },
    },
  );
}

/** Records the decision on the version the approver saw, and says what happened. */
async function decide(
  t: Turn,
  r: ApprovalRecord,
  decision: Decision,
  seen: string | undefined,
): Promise<EngineResult> {
  if (r.approver !== t.me) return refusal(t, r);
  if (!seen) return askAgain(t, r, decision, '');
  const d = { approvalId: r.approvalId, userId: t.me, decision, seenDigest: seen, taskId: t.input.taskId };
  const out = await decideApproval(t.desk, d);
  if (out.outcome === 'decided') failpoint('approval.decide.after_write');
  if (out.outcome === 'not_found') return reply('That request is gone.', 'approvals_unknown');
  if (out.outcome === 'forbidden') return refusal(t, out.record);
  if (out.outcome === 'changed')
    return askAgain(
      t,
      out.record,
      decision,
      `${out.record.requesterName ?? out.record.requester} changed the request after you saw it, so your decision was not applied. It is now: `,
    );
  const c = out.record;
  if (out.outcome === 'expired')
    return reply(
      `${describeApproval(c)} expired at ${until(c)} UTC; it can no longer be decided.`,
      'approvals_closed',
    );
  if (out.outcome === 'closed')
    return reply(
      `${describeApproval(c)} is already ${c.status === 'pending' ? 'expired' : c.status}${c.decidedBy && c.decidedBy !== 'system' ? ` by ${c.decidedBy}` : ''}.`,
      'approvals_closed',
    );
  const who = c.requesterName ?? c.requester;
  return reply(
    `${c.status === 'approved' ? 'Approved' : 'Rejected'}: ${describeApproval(c)}. ${who} will be told.`,
    'approvals_decided',
    {
      data: { approvalId: c.approvalId, status: c.status, digest: c.digest },
      events: [decidedEvent(c)],
    },
  );
}

/** A decision in plain words ("approve 1", "reject alice's leave", "yes approve it"). */
async function decideWords(t: Turn, w: DecisionWords): Promise<EngineResult> {
  const found = await target(t, w);
  if (!('approvalId' in found)) return found;
  const confirmed = t.state?.confirm?.approvalId === found.approvalId ? t.state.confirm.digest : undefined;
  return decide(t, found, w.decision, confirmed ?? seenIn(found, t.input.sessionId));
}

function ours(pending: EngineInput['pending']): ApprovalsPending | undefined {
  const p = ApprovalsPending.safeParse(pending);
  return p.success ? p.data : undefined;
}

/** The approvals' answer to a turn, or undefined when the turn is not about approvals. */
async function answerHere(t: Turn): Promise<EngineResult | undefined> {
  const { state, input } = t;
  if (state?.confirm && isYesWord(input.text)) {
    const found = (await t.desk.store.get(state.confirm.approvalId))?.record;
    if (found) return decide(t, found, state.confirm.decision, state.confirm.digest);
  }
  if (state?.confirm && isNoWord(input.text))
    return reply('OK, I have not decided anything.', 'approvals_dropped');
  const words = parseDecision(input.text);
  if (words) return decideWords(t, words);
  if (asksForApprovals(input.text)) return listApprovals(t);
  return undefined;
}

/** "approve 2" keeps meaning the second of the last listing after other approval turns. */
function keepRefs(r: EngineResult, state: ApprovalsPending | undefined): EngineResult {
  if (r.pending || !state?.refs.length) return r;
  return { ...r, pending: { flow: 'approvals', refs: state.refs } };
}

/**
 * Puts the approvals conversation in front of an agent's engine: "what do I need to approve?",
 * decisions in plain words and the yes/no that follows are answered here, for every kind of
 * approval (the state is shared); everything else goes to `engine`.
 */
export function withApprovals(engine: Engine, desk: ApprovalDesk): Engine {
  return {
    async respond(input, ctx) {
      const state = ours(input.pending);
      if (!input.userId) return engine.respond(state ? { ...input, pending: undefined } : input, ctx);
      const t: Turn = { desk, input, me: input.userId, state };
      const ourReply = await answerHere(t);
      if (ourReply) return keepRefs(ourReply, state);
      return engine.respond(state ? { ...input, pending: undefined } : input, ctx);
    },
  };
}
