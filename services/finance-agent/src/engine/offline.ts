import {
  type DomainEvent,
  type Engine,
  type EngineInput,
  handbookWins,
  isWeakIntent,
  type ToolExecutor,
  toolContext,
} from '@switchboard/agent-kit';
import { ApprovalThresholdUsd, isoDay, needsReceipt, toUsd } from '../domain/rules.js';
import { type Answer, helpText, refusalReason, refusalText, type SubmitOutput } from './answers.js';
import { type Extraction, extract } from './extract.js';
import { statusWords } from './format.js';
import { answerHandbook, financeHandbookOverride, lookUpHandbook } from './handbook.js';
import {
  answerBudget,
  answerExpenseStatus,
  answerInvoice,
  answerList,
  answerPolicy,
  missingReceiptText,
  type TurnScope,
} from './handlers.js';
import { detectIntent, type Intent } from './intents.js';
import {
  ack,
  ask,
  type Draft,
  fillDraft,
  nextSlot,
  parsePending,
  readyDraft,
  type SubmitPending,
  summary,
} from './submit-flow.js';

/** What the offline engine is built from. */
export interface OfflineEngineDeps {
  executor: ToolExecutor;
  now: () => Date;
  /** Employee ids the engine recognises in text ("show alice's expenses"). */
  knownPeople: readonly string[];
}

const handlers: Partial<Record<Intent, (s: TurnScope) => Promise<Answer>>> = {
  budget_status: answerBudget,
  list_expenses: answerList,
  expense_status: answerExpenseStatus,
  spending_policy: answerPolicy,
  invoice_status: answerInvoice,
};

/** Someone other than the asker the expense would be for ("for carol", "carol's expense"). */
function submitTarget(s: TurnScope): string | undefined {
  return s.x.people
    .filter((p) => p !== s.userId)
    .find((p) => new RegExp(String.raw`\b(for|on behalf of|as|to) ${p}\b|\b${p}'s\b`).test(s.t));
}

function pendingOf(awaiting: SubmitPending['awaiting'], draft: Draft): Record<string, unknown> {
  return { flow: 'submit_expense', awaiting, draft } satisfies SubmitPending;
}

/** Asks for what is missing, or refuses when the receipt is needed and missing. */
function advance(draft: Draft, problems: string[], acknowledge = false): Answer {
  const ready = readyDraft(draft);
  if (
    ready &&
    ready.receipt === false &&
    draft.receipt === false &&
    needsReceipt(toUsd(ready.amount, ready.currency))
  ) {
    return {
      text: [...problems, missingReceiptText].join(' '),
      data: { flow: 'submit_expense', cancelled: true },
    };
  }
  const slot = nextSlot(draft);
  const lead = problems.length > 0 ? problems : acknowledge && slot !== 'confirm' ? [ack(draft)] : [];
  const text = [...lead, ask(slot, draft)].filter(Boolean).join(' ');
  return { text, pending: pendingOf(slot, draft), data: { flow: 'submit_expense', awaiting: slot } };
}

async function submit(s: TurnScope, draft: Draft): Promise<Answer> {
  const ready = readyDraft(draft);
  if (!ready) return advance(draft, []);
  const r = await s.call('submit_expense', { ...ready });
  if (!r.ok) {
    return {
      text: `I couldn't submit it: ${refusalText(r)} Nothing was recorded.`,
      data: { flow: 'submit_expense', tool: 'submit_expense', refused: refusalReason(r) ?? r.error.code },
    };
  }
  const out = r.output as SubmitOutput;
  const e = out.expense;
  const status =
    e.status === 'pending_approval'
      ? `As it is over ${ApprovalThresholdUsd} USD, it is waiting for approval by ${out.approver ?? 'Finance'}.`
      : `Status: ${statusWords[e.status]}.`;
  return {
    text: `Done: expense ${e.id} is recorded — ${summary(ready)}. ${status}`,
    data: { flow: 'submit_expense', tool: 'submit_expense', result: out, amountUsd: e.amountUsd },
  };
}

/** The first turn of filing an expense. */
async function startSubmit(s: TurnScope, today: string): Promise<Answer> {
  if (!s.userId)
    return { text: 'I need to know who you are to file an expense: send the request with your userId.' };
  const other = submitTarget(s);
  if (other) {
    return {
      text: `I can only file expenses for you (${s.userId}). ${other} has to submit their own expenses; nothing was submitted.`,
      data: { refused: 'other_employee' },
    };
  }
  const { draft, problems } = fillDraft({}, s.x, undefined, today);
  return advance(draft, problems, true);
}

/** A later turn of filing an expense. */
async function continueSubmit(
  s: TurnScope,
  pending: SubmitPending,
  today: string,
  side: { strong: boolean; answer: () => Promise<Answer | undefined> },
): Promise<Answer> {
  if (side.strong && !answersSlot(s.x, pending.awaiting)) return sideTrack(pending, side.answer);
  if (s.x.cancel || (pending.awaiting === 'confirm' && s.x.no && !hasSlotValues(s.x))) {
    return {
      text: 'OK, I cancelled it; nothing was submitted.',
      data: { flow: 'submit_expense', cancelled: true },
    };
  }
  const { draft, problems, changed } = fillDraft(pending.draft, s.x, pending.awaiting, today);
  if (pending.awaiting === 'confirm' && !changed && s.x.yes) return submit(s, draft);
  if (!changed) return sideTrack(pending, side.answer);
  return advance(draft, problems, true);
}

/** Answers a question asked in the middle of the flow, or asks again; the draft is kept either way. */
async function sideTrack(pending: SubmitPending, answer: () => Promise<Answer | undefined>): Promise<Answer> {
  const question = ask(pending.awaiting, pending.draft);
  const keep = pendingOf(pending.awaiting, pending.draft);
  const side = await answer();
  if (side)
    return { ...side, text: `${side.text}\n\n(Still filing your expense: ${question})`, pending: keep };
  const sorry =
    pending.awaiting === 'confirm'
      ? 'Please answer yes to submit it or no to cancel.'
      : "Sorry, I didn't get that.";
  return {
    text: `${sorry} ${question}`,
    pending: keep,
    data: { flow: 'submit_expense', awaiting: pending.awaiting },
  };
}

/** Does the message give the value the flow is waiting for? */
function answersSlot(x: Extraction, slot: SubmitPending['awaiting']): boolean {
  switch (slot) {
    case 'amount':
      return x.amount !== undefined || x.unsupportedCurrency !== undefined;
    case 'category':
      return x.category !== undefined;
    case 'date':
      return x.date !== undefined;
    case 'receipt':
      return x.yes || x.no || x.receipt !== undefined;
    case 'confirm':
      return x.yes || x.no || x.cancel;
  }
}

function hasSlotValues(x: Extraction): boolean {
  return (
    x.amount !== undefined || x.category !== undefined || x.date !== undefined || x.currency !== undefined
  );
}

/** Intents never second-guessed by the handbook. */
const clearIntents = new Set<Intent>(['thanks', 'greeting']);

/** The answer to a detected intent (no pending flow). */
async function answerIntent(s: TurnScope, intent: Intent, today: string): Promise<Answer> {
  if (intent === 'submit_expense') return startSubmit(s, today);
  const handler = handlers[intent];
  if (handler) return handler(s);
  if (intent === 'thanks') return { text: "You're welcome! Anything else? Say END when you're done." };
  return { text: helpText("Hi, I'm the Finance assistant.") };
}

/**
 * The deterministic Finance engine: finds the intent with patterns and keyword scores, extracts the
 * details, calls the same tools as the Claude engine through the executor, and fills an expense
 * across turns (amount → category → date → receipt → confirm) with `pending`.
 */
export function createOfflineFinanceEngine(deps: OfflineEngineDeps): Engine {
  return {
    async respond(input: EngineInput, ctx) {
      const events: DomainEvent[] = [];
      const toolCtx = toolContext(input, ctx, events);
      const now = deps.now();
      const today = isoDay(now);
      const pending = parsePending(input.pending);
      const calls: string[] = [];
      const baseScope = (x: Extraction): TurnScope => ({
        text: input.text,
        t: input.text.toLowerCase().replace(/[’‘]/g, "'"),
        x,
        userId: input.userId,
        now,
        call: (tool, args) => {
          calls.push(tool);
          return deps.executor.execute(tool, args, toolCtx);
        },
      });
      const plain = extract(input.text, now, { knownPeople: deps.knownPeople });
      const { intent, score } = detectIntent(input.text, plain);
      const bare = pending?.awaiting === 'amount' || (!pending && intent === 'submit_expense');
      const s = baseScope(
        bare ? extract(input.text, now, { knownPeople: deps.knownPeople, bareAmount: true }) : plain,
      );

      let answer: Answer;
      if (s.x.injection) {
        const other = submitTarget(s);
        const forOther = other
          ? ` I only act for you (${input.userId ?? 'unknown user'}): ${other} has to file their own expenses.`
          : '';
        answer = {
          text: `I can't set aside my rules or act outside your own permissions.${forOther} Nothing was changed.`,
          data: { refused: 'instructions_override' },
          ...(pending ? { pending: pending as Record<string, unknown> } : {}),
        };
      } else if (pending) {
        const handler = intent && intent !== 'submit_expense' ? handlers[intent] : undefined;
        answer = await continueSubmit(s, pending, today, {
          strong: Boolean(handler) && score >= 3,
          answer: async () => (handler ? handler(s) : undefined),
        });
      } else if (!intent || (isWeakIntent(financeHandbookOverride, score) && !clearIntents.has(intent))) {
        // Not clearly an action on an expense, budget or invoice: the handbook may answer it.
        const found = await lookUpHandbook(s);
        const top = found?.answered ? found.matches[0] : undefined;
        answer = handbookWins(financeHandbookOverride, intent, top)
          ? await answerHandbook(s, found, { unplaced: !intent })
          : await answerIntent(s, intent!, today);
      } else {
        answer = await answerIntent(s, intent, today);
      }
      return {
        text: answer.text,
        data: { engine: 'offline', intent: intent ?? 'unknown', calls, ...answer.data },
        ...(answer.pending ? { pending: answer.pending } : {}),
        ...(events.length > 0 ? { events } : {}),
      };
    },
  };
}
