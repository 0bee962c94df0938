import {
  type Engine,
  type EngineResult,
  type HandbookOverride,
  handbookWins,
  isWeakIntent,
  type ToolExecutor,
} from '@switchboard/agent-kit';
import { policies } from '../data/policies.js';
import { formatRange } from '../domain/calendar.js';
import { answerOnboarding, parseOnboarding } from '../onboarding/flow.js';
import { parseDates } from './date-parser.js';
import { mentionedPeople, unknownName } from './entities.js';
import { bookLeave, confirmBooking } from './flows/booking.js';
import { cancelLeave, confirmCancel } from './flows/cancelling.js';
import {
  answerBalance,
  answerDirectory,
  answerHolidays,
  answerList,
  answerPolicy,
  lookUpHandbook,
} from './flows/info.js';
import { detectIntent, type Intent, isNo, isYes } from './intents.js';
import { explainError, helpText } from './replies.js';
import { createTurn, type HrTurn, Pending } from './turn.js';

/** Dependencies of the offline HR engine. */
export interface OfflineHrEngineDeps {
  /** The HR tools; the engine does everything through them, as the asker. */
  executor: ToolExecutor;
  /** Today's date, `YYYY-MM-DD` (the company's calendar day). */
  today: () => string;
}

/**
 * The employee a text is about, when it names someone other than the asker: their id, or an error
 * reply (an unknown asker, say). Names come from the directory; the tools decide on access.
 */
async function subject(turn: HrTurn, intent: Intent): Promise<{ employee?: string; error?: EngineResult }> {
  const dir = await turn.people();
  if (!dir.ok) {
    // The directory refuses unknown askers; public answers do not need it.
    return ['policy', 'holidays', 'help', 'thanks'].includes(intent)
      ? {}
      : { error: turn.reply(explainError(dir.error, turn.today), intent) };
  }
  const other = mentionedPeople(turn.text, dir.people).find((p) => p.id !== turn.selfId);
  if (other) return { employee: other.id };
  const unknown = ['policy', 'holidays'].includes(intent) ? undefined : unknownName(turn.text, dir.people);
  if (unknown) {
    return {
      error: turn.reply(
        `I couldn't find anyone called "${unknown}" in the directory, so I haven't looked anything up or changed anything.`,
        intent,
      ),
    };
  }
  return {};
}

/**
 * When the HR handbook answers instead of a detected intent: below score 4 an intent is not clearly
 * an action on leave or the directory, and a policy that fits at least 0.7 answers instead, unless
 * a leave intent meets a leave policy ("how many sick days can I take?" stays a balance question).
 * Calibrated on the tune split of `eval/handbook/questions.jsonl`.
 */
const leavePolicies = new Set(policies.map((p) => p.id));
const hrHandbookOverride: HandbookOverride<Intent> = {
  weakBelow: 4,
  overrideAt: 0.7,
  sameArea: Object.fromEntries(
    (['balance', 'request_leave', 'sick', 'list_leave', 'cancel_leave'] as const).map((i) => [
      i,
      leavePolicies,
    ]),
  ),
};

async function answer(turn: HrTurn, detected: ReturnType<typeof detectIntent>): Promise<EngineResult> {
  const intent = detected?.intent;
  if (!intent) return answerPolicy(turn, undefined, { unplaced: true });
  if (intent !== 'policy' && intent !== 'thanks' && isWeakIntent(hrHandbookOverride, detected.score)) {
    const found = await lookUpHandbook(turn);
    const top = found?.answered ? found.matches[0] : undefined;
    if (handbookWins(hrHandbookOverride, intent, top)) return answerPolicy(turn, found);
  }
  if (intent === 'help')
    return turn.reply(helpText('Hi! I am the HR assistant. I can help you with:'), 'help');
  if (intent === 'thanks') return turn.reply("You're welcome! Anything else I can help with?", 'thanks');
  if (intent === 'holidays') return answerHolidays(turn);
  if (intent === 'policy') return answerPolicy(turn);
  const who = await subject(turn, intent);
  if (who.error) return who.error;
  switch (intent) {
    case 'balance':
      return answerBalance(turn, who.employee);
    case 'list_leave':
      return answerList(turn, who.employee);
    case 'directory':
      return answerDirectory(turn, who.employee);
    case 'cancel_leave':
      return cancelLeave(turn, { employee: who.employee });
    case 'sick':
    case 'request_leave':
      return bookLeave(turn, {
        type: intent === 'sick' || /\bsick\b/i.test(turn.text) ? 'sick' : 'vacation',
        ...(who.employee ? { employee: who.employee } : {}),
        ...(turn.dates.start ? { start: turn.dates.start } : {}),
        ...(turn.dates.end ? { end: turn.dates.end } : {}),
        ...(turn.dates.durationDays ? { durationDays: turn.dates.durationDays } : {}),
      });
  }
}

/** A turn while the engine waits for something (dates, a choice, a yes or no). */
async function continuePending(
  turn: HrTurn,
  pending: Pending,
  detected: ReturnType<typeof detectIntent>,
): Promise<EngineResult | undefined> {
  const hasDates = Boolean(turn.dates.start || turn.dates.durationDays);
  const strongOther = (...same: Intent[]) =>
    detected && !same.includes(detected.intent) && detected.score >= 3;
  if (pending.flow === 'book') {
    if (pending.step === 'confirm' && isYes(turn.text)) return confirmBooking(turn, pending);
    if (isNo(turn.text) && !hasDates)
      return turn.reply("OK, I haven't booked anything. Anything else?", 'dropped');
    if (hasDates && !strongOther('request_leave', 'sick')) {
      // New dates for the same request; a new person or leave type in the text takes over.
      const who = await subject(turn, 'request_leave');
      if (who.error) return who.error;
      const s = turn.text.toLowerCase();
      const type =
        detected?.intent === 'sick' || /\bsick\b/.test(s)
          ? 'sick'
          : /\b(vacation|pto|holiday|annual leave)\b/.test(s)
            ? 'vacation'
            : pending.type;
      const employee = who.employee ?? pending.employee;
      return bookLeave(turn, {
        type,
        ...(employee ? { employee } : {}),
        ...(turn.dates.start ? { start: turn.dates.start } : {}),
        ...(turn.dates.end ? { end: turn.dates.end } : {}),
        ...(turn.dates.durationDays
          ? { durationDays: turn.dates.durationDays }
          : pending.durationDays
            ? { durationDays: pending.durationDays }
            : {}),
      });
    }
    if (strongOther('request_leave', 'sick')) return undefined;
    if (pending.step === 'confirm' && pending.start && pending.end) {
      return turn.reply(
        `Please reply yes to book ${formatRange(pending.start, pending.end, true)}, no to drop it, or give other dates.`,
        'request_leave',
        { pending },
      );
    }
    return turn.reply(
      'I need the dates to book. For example "Dec 3-5", "next Monday", "tomorrow" or "2026-12-03 to 2026-12-05". Say "never mind" to stop.',
      'request_leave',
      { pending },
    );
  }
  if (pending.step === 'confirm' && isYes(turn.text)) return confirmCancel(turn, pending);
  if (isNo(turn.text)) return turn.reply("OK, I haven't cancelled anything.", 'dropped');
  if (strongOther('cancel_leave')) return undefined;
  return cancelLeave(turn, { employee: pending.employee, options: pending.options });
}

/**
 * The deterministic HR engine: finds what the user wants by intent patterns and keyword scores,
 * pulls out dates, people, years and topics, and asks for what is missing across turns
 * (`pending`). It never calls the network; all data comes through the HR tools, as the asker.
 */
export function createOfflineHrEngine(deps: OfflineHrEngineDeps): Engine {
  return {
    async respond(input, ctx) {
      const today = deps.today();
      const dates = parseDates(input.text, today);
      const turn = createTurn({ input, ctx, executor: deps.executor, today, dates });
      const onboarding = parseOnboarding(turn.text);
      if (onboarding) return answerOnboarding(turn, onboarding);
      const detected = detectIntent(turn.text, { hasDate: Boolean(dates.start) });
      const parsed = input.pending ? Pending.safeParse(input.pending) : undefined;
      if (parsed?.success) {
        const r = await continuePending(turn, parsed.data, detected);
        if (r) return r;
      } else if (parsed) {
        ctx.log.warn({ issues: parsed.error.issues.length }, 'ignoring unreadable pending state');
      }
      return answer(turn, detected);
    },
  };
}
