import type { EngineResult } from '@switchboard/agent-kit';
import { formatRange, overlaps } from '../../domain/calendar.js';
import type { CancelLeaveOutput } from '../../tools/cancel-leave.js';
import type { ListLeaveOutput } from '../../tools/list-leave.js';
import type { RequestOut } from '../../tools/shared.js';
import { mentionedChoice, mentionedRequestId } from '../entities.js';
import { daysWord, explainError, requestLine, whose } from '../replies.js';
import type { CancelPending, HrTurn } from '../turn.js';

function confirmText(turn: HrTurn, r: RequestOut, owner: { id: string; name: string }): string {
  return `Cancel ${whose(owner, turn.selfId)} ${r.type} ${formatRange(r.start, r.end, true)} (${daysWord(r.days)}, ${r.id})? Please reply yes or no.`;
}

function choose(turn: HrTurn, list: RequestOut[], employee: string | undefined, intro: string): EngineResult {
  const lines = list.map((r, i) => `${i + 1}) ${requestLine(r)}`).join('\n');
  return turn.reply(`${intro}\n${lines}\nReply with the number or the date.`, 'cancel_leave', {
    pending: {
      flow: 'cancel',
      step: 'choose',
      options: list.map((r) => r.id),
      ...(employee ? { employee } : {}),
    },
  });
}

/**
 * Cancelling leave: finds the upcoming requests (of the asker, or of a direct report), narrows them
 * by the id or dates in the text or by a choice from a numbered list, and cancels after a yes.
 */
export async function cancelLeave(
  turn: HrTurn,
  state: { employee?: string | undefined; options?: string[] | undefined },
): Promise<EngineResult> {
  const who = state.employee ? { employee: state.employee } : {};
  const listed = await turn.tool('list_leave', { upcomingOnly: true, ...who });
  if (!listed.ok) return turn.reply(explainError(listed.error, turn.today), 'cancel_leave');
  const out = listed.output as ListLeaveOutput;
  const upcoming = out.requests.filter((r) => r.state === 'upcoming' || r.state === 'awaiting_approval');
  const owner = out.employee;
  if (upcoming.length === 0) {
    const inProgress = out.requests.some((r) => r.state === 'in_progress');
    const extra = inProgress
      ? ' Leave that has already started can only be corrected by your HR partner.'
      : '';
    return turn.reply(
      `${owner.id === turn.selfId ? 'You have' : `${owner.name} has`} no upcoming leave to cancel.${extra}`,
      'cancel_leave',
    );
  }
  const offered = state.options ? upcoming.filter((r) => state.options?.includes(r.id)) : upcoming;
  let picked: RequestOut[] = offered;
  const id = mentionedRequestId(turn.text);
  const choice = state.options ? mentionedChoice(turn.text, offered.length) : undefined;
  if (id) picked = upcoming.filter((r) => r.id.toLowerCase() === id.toLowerCase());
  else if (choice) picked = [offered[choice - 1]!];
  else if (turn.dates.start) {
    const range = { start: turn.dates.start, end: turn.dates.end ?? turn.dates.start };
    picked = upcoming.filter((r) => overlaps(r, range));
    if (picked.length === 0) {
      return choose(
        turn,
        upcoming,
        state.employee,
        `I couldn't find upcoming leave on ${formatRange(range.start, range.end, true)}. Which of these should I cancel?`,
      );
    }
  }
  if (picked.length === 1) {
    const r = picked[0]!;
    return turn.reply(confirmText(turn, r, owner), 'cancel_leave', {
      pending: { flow: 'cancel', step: 'confirm', options: [r.id], requestId: r.id, ...who },
    });
  }
  if (picked.length === 0)
    return choose(
      turn,
      upcoming,
      state.employee,
      `I couldn't find request ${id ?? ''}. Which of these should I cancel?`,
    );
  return choose(turn, picked, state.employee, 'Which one should I cancel?');
}

/** The user said yes: cancel the chosen request. */
export async function confirmCancel(turn: HrTurn, state: CancelPending): Promise<EngineResult> {
  const r = await turn.tool('cancel_leave', {
    requestId: state.requestId,
    ...(state.employee ? { employee: state.employee } : {}),
  });
  if (!r.ok) return turn.reply(`${explainError(r.error, turn.today)} Nothing was cancelled.`, 'cancel_leave');
  const o = r.output as CancelLeaveOutput;
  const range = formatRange(o.request.start, o.request.end, true);
  const subject = whose(o.employee, turn.selfId);
  if (o.alreadyCancelled)
    return turn.reply(`${subject} ${o.request.type} ${range} was already cancelled.`, 'cancel_leave');
  const has = o.employee.id === turn.selfId ? 'you now have' : `${o.employee.name} now has`;
  return turn.reply(
    `Cancelled ${subject} ${o.request.type} ${range} (${o.request.id}). The ${daysWord(o.request.days)} ${o.request.days === 1 ? 'is' : 'are'} back: ${has} ${o.remaining} ${o.request.type} days left.`,
    'cancel_leave',
    { data: { requestId: o.request.id, employee: o.employee.id, days: o.request.days } },
  );
}
