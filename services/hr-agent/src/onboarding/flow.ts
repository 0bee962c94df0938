import type { EngineResult } from '@switchboard/agent-kit';
import { formatDay } from '../domain/calendar.js';
import { explainError } from '../engine/replies.js';
import type { HrTurn } from '../engine/turn.js';
import type { StartOnboardingOutput } from './tool.js';

/** What an onboarding request names; each part may be missing. */
export interface OnboardingAsk {
  name?: string;
  department?: 'engineering' | 'marketing' | 'finance';
}

const VERB = /\b(?:onboard|start onboarding(?: for| of)?|set up onboarding for)\b/i;
/** The name after the verb: one to four capitalised words ("Dana Reyes", "Mary-Jane O'Neil"). */
const NAME = /\b(?:onboard|onboarding(?: for| of)?)\s+(\p{Lu}[\p{L}'.-]*(?:\s+\p{Lu}[\p{L}'.-]*){0,3})/u;
const DEPARTMENT = /\b(engineering|marketing|finance)\b/i;

/**
 * An onboarding request ("onboard Dana Reyes to marketing starting 2027-01-04"), or `undefined`
 * when the text is not one: it starts with the verb, or the verb is followed by a capitalised name
 * (so "how does onboarding work?" stays a handbook question).
 */
export function parseOnboarding(text: string): OnboardingAsk | undefined {
  const trimmed = text.trim().replace(/^(?:please|pls|can you|could you)\s+/i, '');
  const name = NAME.exec(trimmed)?.[1]?.trim();
  if (!name && !/^(?:onboard|start onboarding|set up onboarding)\b/i.test(trimmed)) return undefined;
  if (!VERB.test(trimmed)) return undefined;
  const department = DEPARTMENT.exec(trimmed)?.[1]?.toLowerCase() as OnboardingAsk['department'];
  return { ...(name ? { name } : {}), ...(department ? { department } : {}) };
}

/** Answers an onboarding request: starts the saga through the tool, or says what is missing. */
export async function answerOnboarding(turn: HrTurn, ask: OnboardingAsk): Promise<EngineResult> {
  const startDate = turn.dates.start;
  const missing = [
    ask.name ? undefined : 'the full name',
    ask.department ? undefined : 'the department (engineering, marketing or finance)',
    startDate ? undefined : 'the start date',
  ].filter(Boolean);
  if (missing.length > 0) {
    return turn.reply(
      `To start an onboarding I need ${missing.join(', ')}. For example: "onboard Dana Reyes to marketing starting 2027-01-04". Nothing was created.`,
      'onboard',
    );
  }
  const r = await turn.tool('start_onboarding', { name: ask.name, department: ask.department, startDate });
  if (!r.ok) {
    const reason = (r.error.details as { reason?: string } | undefined)?.reason;
    const why =
      reason === 'past_start'
        ? `the start date ${formatDay(String(startDate), true)} is not in the future`
        : reason === 'not_permitted' || r.error.code === 'invalid_request'
          ? r.error.message
          : explainError(r.error, turn.today).replace(/\.$/, '');
    return turn.reply(`I can't start that onboarding: ${why}. Nothing was created.`, 'onboard', {
      data: { error: r.error.code, ...(reason ? { reason } : {}) },
    });
  }
  const o = r.output as StartOnboardingOutput;
  const state =
    o.status === 'started'
      ? "Finance is opening a cost centre and an equipment budget; you'll be told the outcome here."
      : `It is ${o.status} already.`;
  return turn.reply(
    `Onboarding of ${o.name} started (saga ${o.sagaId}): employee record ${o.employeeId} in ${o.department}, starting ${formatDay(o.startDate, true)}. ${state}`,
    'onboard',
    { data: { sagaId: o.sagaId, employeeId: o.employeeId, sagaStatus: o.status } },
  );
}
