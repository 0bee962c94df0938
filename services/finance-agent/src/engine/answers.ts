import type { ToolResult } from '@switchboard/agent-kit';
import { SwitchboardError } from '@switchboard/contracts';
import type { Department, Expense, Invoice, Quarter } from '../domain/model.js';
import { listWords } from './format.js';

/** Results a turn can hand back: the text, what to keep for the next turn, structured data. */
export interface Answer {
  text: string;
  pending?: Record<string, unknown>;
  data?: Record<string, unknown>;
}

/** The outputs of the tools, as the engine reads them (validated by the executor already). */
export interface BudgetOutput {
  department: Department;
  year: number;
  period: string;
  figures: Figures;
  byQuarter: (Figures & { quarter: Quarter })[];
  currentQuarter: Quarter | null;
}
export interface Figures {
  allocated: number;
  spent: number;
  committed: number;
  remaining: number;
  overBudget: boolean;
}
export interface SubmitOutput {
  expense: Expense;
  created: boolean;
  approver?: string;
  budgetUpdated: boolean;
}
export interface ExpenseOutput {
  expense: Expense;
  approver?: string;
}
export interface ListOutput {
  employee: string;
  expenses: Expense[];
  count: number;
  totalUsd: number;
}
export interface PolicyOutput {
  matches: { id: string; title: string; text: string }[];
  topics: { id: string; title: string }[];
}
export type InvoiceView = Invoice & { overdue: boolean; daysUntilDue: number };
export interface InvoiceOutput {
  invoices: InvoiceView[];
  count: number;
}

const RETRYABLE = new Set(['internal', 'tool_failed', 'tool_timeout', 'timeout', 'agent_unavailable']);

/**
 * The text for a refused tool call. Failures that may pass (a busy bucket, a timeout) are thrown as
 * retryable errors instead: the task is redelivered, and as every change is keyed by the task id,
 * the rerun finishes the job without doing anything twice.
 */
export function refusalText(result: Extract<ToolResult, { ok: false }>): string {
  if (RETRYABLE.has(result.error.code)) {
    throw new SwitchboardError('internal', `${result.tool} failed: ${result.error.message}`, {
      retryable: true,
    });
  }
  if (result.error.code === 'invalid_request' && Array.isArray(result.error.details)) {
    return "Sorry, I couldn't use those details. Could you rephrase it?";
  }
  return result.error.message;
}

export function refusalReason(result: ToolResult): string | undefined {
  if (result.ok) return undefined;
  const details = result.error.details as { reason?: unknown } | undefined;
  return typeof details?.reason === 'string' ? details.reason : undefined;
}

export const capabilities = [
  'check a department budget — "how much budget is left for engineering?"',
  'file an expense — "I want to submit an expense" or "submit a $30 lunch from yesterday"',
  'look up an expense — "what is the status of EXP-1002?"',
  'list your expenses — "list my expenses" or "show my pending expenses"',
  'answer spending-policy questions — "what is the hotel limit per night?"',
  'check an invoice — "has INV-1001 been paid?" or "which invoices are unpaid?"',
  'answer from the finance handbook — corporate card, petty cash, VAT, purchase approvals, reimbursement times, vendor payments',
];

export function helpText(lead: string): string {
  return `${lead} I can:\n${capabilities.map((c) => `• ${c}`).join('\n')}`;
}

export function departmentsText(): string {
  return listWords(['engineering', 'marketing', 'finance']);
}
