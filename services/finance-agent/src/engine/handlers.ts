import type { ToolResult } from '@switchboard/agent-kit';
import type { Expense, ExpenseStatus } from '../domain/model.js';
import { isoDay, ReceiptThresholdUsd } from '../domain/rules.js';
import { vendorMatches } from '../tools/invoice-status.js';
import {
  type Answer,
  type BudgetOutput,
  departmentsText,
  type ExpenseOutput,
  type Figures,
  type InvoiceOutput,
  type InvoiceView,
  type ListOutput,
  type PolicyOutput,
  refusalText,
} from './answers.js';
import type { Extraction } from './extract.js';
import { capitalize, expenseLine, invoiceLine, usd } from './format.js';
import { answerHandbook } from './handbook.js';

/** What a handler gets: the message, what was extracted from it, and a way to call tools. */
export interface TurnScope {
  text: string;
  /** Lower-cased text. */
  t: string;
  x: Extraction;
  userId: string | undefined;
  now: Date;
  call(tool: string, input: Record<string, unknown>): Promise<ToolResult>;
}

/** At most this many items are listed in a reply. */
const MAX_LISTED = 10;

// Reply data is stored with every turn of the session (capped in size): keep it to what a client
// needs to show the answer, never whole tool outputs of unbounded length.
const expenseData = (e: Expense) => ({
  id: e.id,
  amount: e.amount,
  currency: e.currency,
  amountUsd: e.amountUsd,
  category: e.category,
  date: e.date,
  status: e.status,
});
const invoiceData = (i: InvoiceView) => ({
  id: i.id,
  vendor: i.vendor,
  amount: i.amount,
  currency: i.currency,
  dueDate: i.dueDate,
  status: i.status,
  overdue: i.overdue,
});

function figuresLine(f: Figures): string {
  return `${usd(f.allocated)} allocated, ${usd(f.spent)} spent, ${usd(f.committed)} committed, ${usd(f.remaining)} remaining`;
}

function budgetText(t: string, b: BudgetOutput, quarterAsked: boolean): string {
  const name = capitalize(b.department);
  const f = b.figures;
  const lines: string[] = [];
  if (/\bover budget\b|\bunder budget\b|\bwithin budget\b/.test(t)) {
    lines.push(
      f.overBudget
        ? `Yes: ${b.department} is over budget for ${b.period} by ${usd(-f.remaining)}.`
        : `No: ${b.department} is within budget for ${b.period}, with ${usd(f.remaining)} remaining.`,
    );
  } else if (/\bcommitted\b/.test(t)) {
    lines.push(`${name} has ${usd(f.committed)} committed for ${b.period}.`);
  } else if (/\b(spent|spend|spending)\b/.test(t)) {
    lines.push(`${name} has spent ${usd(f.spent)} in ${b.period}, of ${usd(f.allocated)} allocated.`);
  } else if (f.overBudget) {
    lines.push(`${name} has nothing left for ${b.period}: it is over budget by ${usd(-f.remaining)}.`);
  } else {
    lines.push(`${name} has ${usd(f.remaining)} remaining for ${b.period}.`);
  }
  lines.push(`${name} budget ${b.period}: ${figuresLine(f)}.`);
  const current = b.byQuarter.find((q) => q.quarter === b.currentQuarter);
  if (!quarterAsked && current) {
    const over = current.overBudget ? ` — over budget by ${usd(-current.remaining)}` : '';
    lines.push(`This quarter (${current.quarter}): ${figuresLine(current)}${over}.`);
  }
  return lines.join('\n');
}

export async function answerBudget(s: TurnScope): Promise<Answer> {
  if (s.x.unknownDepartment) {
    return {
      text: `I don't know a department called "${s.x.unknownDepartment}". The departments with a budget are ${departmentsText()}.`,
    };
  }
  const departments = s.x.ownDepartment || s.x.departments.length === 0 ? [undefined] : s.x.departments;
  const texts: string[] = [];
  const results: BudgetOutput[] = [];
  for (const department of departments) {
    const input: Record<string, unknown> = {};
    if (department) input.department = department;
    if (s.x.year) input.year = s.x.year;
    if (s.x.quarter) input.quarter = s.x.quarter;
    const r = await s.call('budget_status', input);
    if (!r.ok) {
      texts.push(refusalText(r));
      continue;
    }
    const out = r.output as BudgetOutput;
    results.push(out);
    texts.push(budgetText(s.t, out, Boolean(s.x.quarter)));
  }
  const data = results.map((b) => ({ department: b.department, period: b.period, ...b.figures }));
  return {
    text: texts.join('\n\n'),
    data: { tool: 'budget_status', result: data.length === 1 ? data[0] : data },
  };
}

/** The employee whose expenses are asked about: a name in the possessive or after for/of, else self. */
export function targetPerson(s: TurnScope): string | undefined {
  const others = s.x.people.filter((p) => p !== s.userId);
  const marked = others.find((p) => new RegExp(String.raw`\b${p}'s\b|\b(for|of|by|from) ${p}\b`).test(s.t));
  return marked ?? others[0];
}

async function listExpenses(s: TurnScope, filtered: boolean): Promise<{ answer: Answer; out?: ListOutput }> {
  const employee = targetPerson(s);
  const input: Record<string, unknown> = {};
  if (employee) input.employee = employee;
  if (filtered && s.x.statuses) input.status = s.x.statuses;
  if (filtered && s.x.since) input.since = s.x.since;
  const r = await s.call('list_expenses', input);
  if (!r.ok) return { answer: { text: refusalText(r), data: { tool: 'list_expenses' } } };
  const out = r.output as ListOutput;
  const whose = employee ? `${employee} has` : 'You have';
  const matching = filtered && (s.x.statuses || s.x.since) ? ' matching that' : '';
  const shown = out.expenses.slice(0, MAX_LISTED);
  const data = {
    tool: 'list_expenses',
    result: {
      employee: out.employee,
      count: out.count,
      totalUsd: out.totalUsd,
      expenses: shown.map(expenseData),
    },
  };
  if (out.count === 0) return { answer: { text: `${whose} no expenses${matching}.`, data }, out };
  const more = out.count > shown.length ? `\n…and ${out.count - shown.length} more.` : '';
  const lines = shown.map((e) => `• ${expenseLine(e)}`).join('\n');
  const plural = out.count === 1 ? '' : 's';
  return {
    answer: {
      text: `${whose} ${out.count} expense${plural}${matching} (total ${usd(out.totalUsd)}):\n${lines}${more}`,
      data,
    },
    out,
  };
}

export async function answerList(s: TurnScope): Promise<Answer> {
  return (await listExpenses(s, true)).answer;
}

const summaryOrder: [ExpenseStatus, string][] = [
  ['paid', 'paid'],
  ['approved', 'approved and waiting for payout'],
  ['pending_approval', 'waiting for approval'],
  ['submitted', 'submitted'],
  ['rejected', 'rejected'],
];

export async function answerExpenseStatus(s: TurnScope): Promise<Answer> {
  if (!s.x.expenseId) {
    const { answer, out } = await listExpenses(s, false);
    if (!out || out.count === 0) return answer;
    const counts = summaryOrder
      .map(([status, words]) => [out.expenses.filter((e) => e.status === status).length, words] as const)
      .filter(([n]) => n > 0)
      .map(([n, words]) => `${n} ${words}`);
    const timing = /\bwhen\b|\bpaid out\b|\bbeen paid\b/.test(s.t)
      ? '\nApproved expenses are paid in the next expense payment run (Tuesdays and Thursdays), usually within 5 business days of approval.'
      : '';
    const hint = '\nAsk about one by its id (like "status of EXP-1002") for details.';
    return { ...answer, text: `Status: ${counts.join(', ')}.\n${answer.text}${timing}${hint}` };
  }
  const r = await s.call('expense_status', { expenseId: s.x.expenseId });
  if (!r.ok) return { text: refusalText(r), data: { tool: 'expense_status' } };
  const out = r.output as ExpenseOutput;
  const waiting = out.approver ? ` It is waiting for ${out.approver}'s approval.` : '';
  const owner = out.expense.employee === s.userId ? '' : ` (${out.expense.employee}'s)`;
  const decide = /\b(approve|reject|decline|pay)\b/.test(s.t)
    ? 'I can only look expenses up; approving, rejecting and paying them happens in the expense system. '
    : '';
  return {
    text: `${decide}${expenseLine(out.expense)}${owner}.${waiting}`,
    data: { tool: 'expense_status', result: { ...expenseData(out.expense), employee: out.expense.employee } },
  };
}

export async function answerPolicy(s: TurnScope): Promise<Answer> {
  const r = await s.call('spending_policy', { question: s.text.slice(0, 500) });
  if (!r.ok) return { text: refusalText(r) };
  const out = r.output as PolicyOutput;
  const data = { tool: 'spending_policy', result: { matches: out.matches.map((m) => m.id) } };
  const [top, second] = out.matches;
  // Not in the spending policy: the handbook covers the rest (card, petty cash, VAT, purchasing...).
  if (!top) return answerHandbook(s);
  const related = second ? `\n(See also: ${second.title.toLowerCase()}.)` : '';
  const offer = /\b(reimburs|claim|expense|submit|file)/.test(s.t)
    ? '\nWant me to file it? Say "submit an expense" and I will ask for the details.'
    : '';
  return { text: `${top.title}: ${top.text}${related}${offer}`, data };
}

const notVendor = new Set([
  'The',
  'Our',
  'Supplier',
  'Vendor',
  'This',
  'That',
  'Which',
  'What',
  'An',
  'A',
  'Any',
]);

export async function answerInvoice(s: TurnScope): Promise<Answer> {
  if (s.x.invoiceId) {
    const r = await s.call('invoice_status', { invoiceId: s.x.invoiceId });
    if (!r.ok) return { text: refusalText(r), data: { tool: 'invoice_status' } };
    const out = r.output as InvoiceOutput;
    return {
      text: out.invoices.map(invoiceLine).join('\n'),
      data: { tool: 'invoice_status', result: out.invoices.map(invoiceData) },
    };
  }
  const dueThisMonth = /\bdue this month\b/.test(s.t);
  const status = /\boverdue|late\b/.test(s.t)
    ? 'overdue'
    : dueThisMonth || /\b(unpaid|outstanding|open|not (yet )?paid|still due)\b/.test(s.t)
      ? 'unpaid'
      : undefined;
  const r = await s.call('invoice_status', status ? { status } : {});
  if (!r.ok) return { text: refusalText(r), data: { tool: 'invoice_status' } };
  const all = (r.output as InvoiceOutput).invoices;
  const month = isoDay(s.now).slice(0, 7);
  const candidates = dueThisMonth ? all.filter((i) => i.dueDate.startsWith(month)) : all;
  const byVendor = candidates.filter((i) => vendorMatches(i.vendor, s.text));
  const shown = (byVendor.length > 0 ? byVendor : candidates).slice(0, MAX_LISTED);
  const data = { tool: 'invoice_status', result: shown.map(invoiceData) };
  const named =
    /\b([A-Z][A-Za-z]+) invoice\b/.exec(s.text)?.[1] ??
    /\binvoices? from ([A-Z][A-Za-z]+)\b/.exec(s.text)?.[1];
  if (byVendor.length === 0 && named && !notVendor.has(named)) {
    const vendors = [...new Set(all.map((i) => i.vendor))].join(', ');
    return {
      text: `I can't find an invoice from ${named}.${vendors ? ` Vendors with invoices: ${vendors}.` : ''}`,
      data,
    };
  }
  if (shown.length === 0) {
    const none =
      status === 'overdue'
        ? 'No invoices are overdue.'
        : dueThisMonth
          ? 'No unpaid invoices are due this month.'
          : 'There are no unpaid invoices.';
    return { text: none, data };
  }
  const n = shown.length;
  const are = n === 1 ? ' is' : 's are';
  const lead =
    byVendor.length > 0
      ? ''
      : dueThisMonth
        ? `${n} unpaid invoice${are} due this month:\n`
        : status === 'overdue'
          ? `${n} invoice${are} overdue:\n`
          : status === 'unpaid'
            ? `${n} invoice${are} unpaid:\n`
            : 'Here are the current invoices (give me an id like INV-1001 for one):\n';
  const list =
    byVendor.length > 0
      ? shown.map(invoiceLine).join('\n')
      : shown.map((i) => `• ${invoiceLine(i)}`).join('\n');
  return { text: `${lead}${list}`, data };
}

/** Receipts text for a refusal in the expense flow. */
export const missingReceiptText = `A receipt is required for expenses above ${ReceiptThresholdUsd} USD, so I can't file this one. If the receipt is lost, a missing-receipt declaration signed by your manager replaces it (at most twice a year). Nothing was submitted.`;
