import { SwitchboardError } from '@switchboard/contracts';
import { z } from 'zod';
import { defineTool, type Tool } from '../tools/types.js';
import { approvalsFor, decideApproval, decidedEvent, markShown, seenIn } from './decide.js';
import type { ApprovalDesk } from './desk.js';

const Shown = z.object({
  approvalId: z.string(),
  kind: z.enum(['expense', 'leave']),
  requester: z.string(),
  summary: z.string(),
  status: z.string(),
  expiresAt: z.string(),
  digest: z.string(),
});

function caller(userId: string | undefined): string {
  if (!userId)
    throw new SwitchboardError(
      'unauthorized',
      'I do not know who is asking: send the request with your userId.',
    );
  return userId;
}

/** Lists what waits for the caller's approval; marks each as shown in this session. */
function listApprovalsTool(desk: ApprovalDesk) {
  return defineTool({
    name: 'list_approvals',
    description:
      "Lists the requests (over-limit expenses, long leave) waiting for the asking manager's approval, and recently decided or expired ones. Call it before decide_approval: a decision applies only to the version of a request the manager was shown.",
    input: z.strictObject({}),
    output: z.object({ pending: z.array(Shown), recent: z.array(Shown) }),
    async run(_input, ctx) {
      const me = caller(ctx.userId);
      const { pending, recent } = await approvalsFor(desk, me);
      if (ctx.sessionId)
        for (const r of pending) await markShown(desk, r.approvalId, ctx.sessionId, r.digest);
      const out = (r: (typeof pending)[number]) => ({
        approvalId: r.approvalId,
        kind: r.kind,
        requester: r.requester,
        summary: r.request.summary,
        status: r.status === 'pending' && !pending.includes(r) ? 'expired' : r.status,
        expiresAt: r.expiresAt,
        digest: r.digest,
      });
      return { pending: pending.map(out), recent: recent.map(out) };
    },
  });
}

/** Approves or rejects one request, bound to the version shown to the manager in this session. */
function decideApprovalTool(desk: ApprovalDesk) {
  return defineTool({
    name: 'decide_approval',
    description:
      'Approves or rejects a request waiting for the asking manager (only its approver may). Use the approvalId from list_approvals and only after the manager said which and how. outcome "changed": the request changed since it was shown; show the new version and ask again.',
    input: z.strictObject({
      approvalId: z.string().regex(/^AP-[0-9A-F]{12}$/),
      decision: z.enum(['approved', 'rejected']),
    }),
    output: z.object({ outcome: z.string(), status: z.string().optional(), summary: z.string().optional() }),
    async run(input, ctx) {
      const me = caller(ctx.userId);
      const found = await desk.store.get(input.approvalId);
      if (!found) throw new SwitchboardError('invalid_request', `no approval ${input.approvalId}`);
      const seen = ctx.sessionId ? seenIn(found.record, ctx.sessionId) : undefined;
      if (!seen) return { outcome: 'not_shown', summary: found.record.request.summary };
      const d = { ...input, userId: me, seenDigest: seen, taskId: ctx.taskId };
      const out = await decideApproval(desk, d);
      if (out.outcome === 'not_found') return { outcome: 'not_found' };
      const r = out.record;
      if (out.outcome === 'changed' && ctx.sessionId)
        await markShown(desk, r.approvalId, ctx.sessionId, r.digest);
      if (out.outcome === 'decided') ctx.emit(decidedEvent(r));
      return { outcome: out.outcome, status: r.status, summary: r.request.summary };
    },
  });
}

/** The approval tools every agent offers (the Claude engine calls them; the offline path shares the logic). */
export function approvalTools(desk: ApprovalDesk): Tool[] {
  return [listApprovalsTool(desk), decideApprovalTool(desk)];
}
