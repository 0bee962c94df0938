import { type EngineResult, type HandbookLookupOutput, handbookAnswer } from '@switchboard/agent-kit';
import { formatDay, yearOf } from '../../domain/calendar.js';
import type { CompanyHolidaysOutput } from '../../tools/company-holidays.js';
import type { DirectoryEntry, EmployeeDirectoryOutput } from '../../tools/employee-directory.js';
import type { LeaveBalanceOutput } from '../../tools/leave-balance.js';
import type { ListLeaveOutput } from '../../tools/list-leave.js';
import { mentionedDepartment, mentionedYear } from '../entities.js';
import { balanceText, explainError, helpText, requestLine } from '../replies.js';
import type { HrTurn } from '../turn.js';

export async function answerBalance(turn: HrTurn, employee: string | undefined): Promise<EngineResult> {
  const year = mentionedYear(turn.text, yearOf(turn.today));
  const r = await turn.tool('leave_balance', {
    ...(employee ? { employee } : {}),
    ...(year ? { year } : {}),
  });
  if (!r.ok) return turn.reply(explainError(r.error, turn.today), 'balance');
  const b = r.output as LeaveBalanceOutput;
  const s = turn.text.toLowerCase();
  const focus = /\bsick\b/.test(s) ? 'sick' : /\b(vacation|pto|annual)\b/.test(s) ? 'vacation' : 'both';
  return turn.reply(balanceText(b, turn.selfId, focus), 'balance', { data: { balance: b } });
}

export async function answerList(turn: HrTurn, employee: string | undefined): Promise<EngineResult> {
  const includeCancelled = /\bcancell?ed\b/i.test(turn.text);
  const upcomingOnly = /\b(upcoming|next|future|coming)\b/i.test(turn.text);
  const r = await turn.tool('list_leave', {
    includeCancelled,
    upcomingOnly,
    ...(employee ? { employee } : {}),
  });
  if (!r.ok) return turn.reply(explainError(r.error, turn.today), 'list_leave');
  const o = r.output as ListLeaveOutput;
  const self = o.employee.id === turn.selfId;
  if (o.requests.length === 0) {
    const none = `${self ? 'You have' : `${o.employee.name} has`} no ${upcomingOnly ? 'upcoming ' : ''}leave requests.`;
    return turn.reply(`${none}${self ? ' Say "book leave" to request some.' : ''}`, 'list_leave', {
      data: { requests: [] },
    });
  }
  const title = `${self ? 'Your' : `${o.employee.name}'s`} ${upcomingOnly ? 'upcoming ' : ''}leave:`;
  return turn.reply(`${title}\n${o.requests.map((x) => `• ${requestLine(x)}`).join('\n')}`, 'list_leave', {
    data: { requests: o.requests },
  });
}

const NAMED_HOLIDAYS: [RegExp, string][] = [
  [/christmas eve|xmas eve/, 'Christmas Eve'],
  [/christmas|xmas/, 'Christmas Day'],
  [/new year/, "New Year's Day"],
  [/good friday|easter/, 'Good Friday'],
  [/day after thanksgiving|black friday/, 'Day after Thanksgiving'],
  [/thanksgiving/, 'Thanksgiving Day'],
  [/independence|july 4|4th of july|fourth of july/, 'Independence Day'],
  [/labou?r day/, 'Labor Day'],
  [/memorial day/, 'Memorial Day'],
];

export async function answerHolidays(turn: HrTurn): Promise<EngineResult> {
  const s = turn.text.toLowerCase();
  const named = NAMED_HOLIDAYS.find(([re]) => re.test(s))?.[1];
  const askedDate = !named && turn.dates.start ? turn.dates.start : undefined;
  const year = mentionedYear(s, yearOf(turn.today)) ?? (askedDate ? yearOf(askedDate) : yearOf(turn.today));
  const r = await turn.tool('company_holidays', { year });
  if (!r.ok) return turn.reply(explainError(r.error, turn.today), 'holidays');
  const o = r.output as CompanyHolidaysOutput;
  if (named) {
    const h = o.holidays.find((x) => x.name === named);
    const easter = /easter/.test(s) ? ' Easter Monday is not a company holiday.' : '';
    const text = h
      ? `Yes — ${h.name} is a company holiday: ${formatDay(h.date, true)}. The office is closed that day and it isn't counted as leave.${easter}`
      : `${named} is not a company holiday in ${year}.`;
    return turn.reply(text, 'holidays', { data: { holiday: h ?? null } });
  }
  if (askedDate) {
    const h = o.holidays.find((x) => x.date === askedDate);
    const day = formatDay(askedDate, true);
    const weekend = [0, 6].includes(new Date(`${askedDate}T00:00:00Z`).getUTCDay());
    const text = h
      ? `Yes — ${day} is ${h.name}, a company holiday; the office is closed.`
      : `No, ${day} is not a company holiday${weekend ? ' (it is a weekend day)' : ''}.`;
    return turn.reply(text, 'holidays', { data: { date: askedDate, holiday: h ?? null } });
  }
  const lines = o.holidays.map((h) => `• ${formatDay(h.date)} — ${h.name}`).join('\n');
  const next = o.next ? `\nThe next one is ${o.next.name} on ${formatDay(o.next.date, true)}.` : '';
  return turn.reply(
    `Company holidays in ${o.year} (the office is closed; they don't count as leave):\n${lines}${next}`,
    'holidays',
    {
      data: { year: o.year, holidays: o.holidays },
    },
  );
}

/** Looks the turn's text up in the HR handbook; undefined when the lookup itself failed. */
export async function lookUpHandbook(turn: HrTurn): Promise<HandbookLookupOutput | undefined> {
  const r = await turn.tool('handbook_lookup', { question: turn.text.slice(0, 500) });
  return r.ok ? (r.output as HandbookLookupOutput) : undefined;
}

/**
 * Answers from the HR handbook: the best policy, cited by id, with who to contact; or, when no
 * policy fits, says so and names the contact (plus what else the assistant does, for a question it
 * could not place at all).
 */
export async function answerPolicy(
  turn: HrTurn,
  found?: HandbookLookupOutput,
  opts: { unplaced?: boolean } = {},
): Promise<EngineResult> {
  const out = found ?? (await lookUpHandbook(turn));
  if (!out) {
    return turn.reply(helpText("I'm not sure I understood that. I can help you with:"), 'fallback');
  }
  const a = handbookAnswer('HR', out);
  if (a.policy) return turn.reply(a.text, 'policy', { data: { policy: a.policy } });
  const more = opts.unplaced ? `\n\n${helpText('I can also help you with:')}` : '';
  return turn.reply(`${a.text}${more}`, opts.unplaced ? 'fallback' : 'policy', { data: { policy: null } });
}

const name = (p: { name: string } | undefined) => p?.name ?? 'nobody (top of the organisation)';

export async function answerDirectory(turn: HrTurn, employee: string | undefined): Promise<EngineResult> {
  const s = turn.text.toLowerCase();
  const dept = mentionedDepartment(s);
  const lookup = async (args: Record<string, unknown>) => {
    const r = await turn.tool('employee_directory', args);
    return r.ok
      ? { ok: true as const, o: r.output as EmployeeDirectoryOutput }
      : { ok: false as const, text: explainError(r.error, turn.today) };
  };
  if (
    !employee &&
    dept &&
    /\b(who (manages|leads|runs|heads|is in charge of)|head of|lead of|manager of|in charge of)\b/.test(s)
  ) {
    const r = await lookup({ department: dept });
    if (!r.ok) return turn.reply(r.text, 'directory');
    const ids = new Set(r.o.matches.map((e) => e.id));
    const leads = r.o.matches.filter((e) => !e.manager || !ids.has(e.manager.id));
    return turn.reply(
      `${leads.map((e) => `${e.name} (${e.title})`).join(' and ')} ${leads.length > 1 ? 'lead' : 'leads'} ${dept}.`,
      'directory',
      {
        data: { department: dept, leads: leads.map((e) => e.id) },
      },
    );
  }
  if (!employee && dept && /\bwho\b|\blist\b|\bmembers?\b|\bpeople\b/.test(s)) {
    const r = await lookup({ department: dept });
    if (!r.ok) return turn.reply(r.text, 'directory');
    return turn.reply(
      `People in ${dept}:\n${r.o.matches.map((e) => `• ${e.name} — ${e.title}`).join('\n')}`,
      'directory',
      {
        data: { department: dept, people: r.o.matches.map((e) => e.id) },
      },
    );
  }
  const r = await lookup(employee ? { query: employee } : {});
  if (!r.ok) return turn.reply(r.text, 'directory');
  const e = r.o.matches[0] as DirectoryEntry;
  const self = e.id === turn.selfId;
  const subj = self ? 'Your' : `${e.name}'s`;
  const data = { data: { employee: e.id } };
  if (/\b(hr (business )?partner|hrbp|\bhr\b|human resources|people partner)\b/.test(s)) {
    const p = e.hrPartner;
    const contact = p ? await lookup({ query: p.id }) : undefined;
    const email = contact?.ok && contact.o.matches[0] ? ` (${contact.o.matches[0].email})` : '';
    return turn.reply(`${subj} HR business partner is ${name(p)}${email}.`, 'directory', data);
  }
  if (/\b(direct reports?|reports to me|my team|team members|who reports to|reporting to me)\b/.test(s)) {
    const list = e.directReports.map((x) => x.name);
    return turn.reply(
      list.length
        ? `${self ? 'Your' : `${e.name}'s`} direct reports: ${list.join(', ')}.`
        : `${self ? 'You have' : `${e.name} has`} no direct reports.`,
      'directory',
      data,
    );
  }
  if (/\b(manager|boss|reports? to|report into|supervisor|line manager)\b/.test(s)) {
    return turn.reply(`${subj} manager is ${name(e.manager)}.`, 'directory', data);
  }
  if (/\b(e-?mail|contact|reach)\b/.test(s))
    return turn.reply(`${subj} email is ${e.email}.`, 'directory', data);
  if (/\b(department|team|dept)\b/.test(s)) {
    return turn.reply(
      `${self ? 'You are' : `${e.name} is`} in ${e.department} (${e.title}).`,
      'directory',
      data,
    );
  }
  const reports = e.directReports.length
    ? ` Direct reports: ${e.directReports.map((x) => x.name).join(', ')}.`
    : '';
  return turn.reply(
    `${self ? `You are ${e.name}` : e.name}, ${e.title} in ${e.department}, based in ${e.location}. Manager: ${name(e.manager)}. HR partner: ${name(e.hrPartner)}. Email: ${e.email}.${reports}`,
    'directory',
    data,
  );
}
