import { type DomainEvent, type Engine, type ToolExecutor, toolContext } from '@switchboard/agent-kit';
import type { Expense } from '../domain/model.js';

const AMEND =
  /\b(change|amend|update|correct|lower|raise|reduce|increase|fix)\b.*\b(expense|claim)\b.*\bto\s+(?:\$|usd\s*|eur\s*|€|£)?(\d+(?:\.\d{1,2})?)\b/i;
const ID = /\bEXP-[0-9A-F]{4,16}\b/i;

/** "change the amount of my expense EXP-1A2B3C4D5E to 650": the id (optional) and the new amount. */
export function parseAmend(text: string): { expenseId?: string; amount: number } | undefined {
  const m = AMEND.exec(text);
  if (!m) return undefined;
  const id = ID.exec(text)?.[0]?.toUpperCase();
  return { amount: Number(m[3]), ...(id ? { expenseId: id } : {}) };
}

/**
 * Puts "change my pending expense to <amount>" in front of the Finance engine (offline and Claude
 * alike): it calls `amend_expense` as the asker and says what happens next.
 */
export function withExpenseAmend(engine: Engine, executor: ToolExecutor): Engine {
  return {
    async respond(input, ctx) {
      const ask = parseAmend(input.text);
      if (!ask) return engine.respond(input, ctx);
      const events: DomainEvent[] = [];
      const r = await executor.execute('amend_expense', ask, toolContext(input, ctx, events));
      const data = { engine: 'offline', intent: 'amend_expense' };
      if (!r.ok)
        return { text: `${r.error.message} Nothing was changed.`, data: { ...data, error: r.error.code } };
      const {
        expense: e,
        approvalId,
        version,
      } = r.output as { expense: Expense; approvalId: string; version: number };
      return {
        text: `Changed: your expense ${e.id} is now ${e.amount} ${e.currency} for ${e.category} on ${e.date}. It waits for your manager's approval of the new amount (version ${version}).`,
        data: { ...data, expenseId: e.id, approvalId, version, amount: e.amount },
      };
    },
  };
}
