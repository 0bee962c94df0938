import { type Budget, formatBudget, type Spend, SwitchboardError } from '@switchboard/contracts';
import {
  type BudgetMeter,
  type CallPlan,
  createBudgetMeter,
  type PriceTable,
  type Usage,
} from '@switchboard/llm';
import type { Metrics } from '@switchboard/runtime';

/** What one tool call found, for a partial answer. */
export interface Finding {
  tool: string;
  ok: boolean;
  output: unknown;
}

/**
 * One turn's budget: the request's budget (`ctx.message.budget`, absent = unlimited), the spend of
 * its LLM calls against it, and the spend metrics by agent. One per turn: a redelivered turn starts
 * from the budget on the task again (nothing of a failed delivery's spend is answered).
 */
export class TurnBudget {
  private readonly meter: BudgetMeter;
  private readonly started = Date.now();

  constructor(
    private readonly budget: Budget | undefined,
    model: string,
    private readonly opts: { agent: string; metrics?: Metrics | undefined; prices?: PriceTable | undefined },
  ) {
    this.meter = createBudgetMeter({ budget, model, prices: opts.prices });
  }

  /** The plan of the next call: its `max_tokens`, or why it may not be made. */
  plan(request: Parameters<BudgetMeter['plan']>[0]): CallPlan {
    return this.meter.plan(request);
  }

  /** Deducts a call's real usage and counts it in the spend metrics. */
  record(usage: Usage | null | undefined): void {
    const before = this.meter.spend();
    this.meter.record(usage);
    const after = this.meter.spend();
    const m = this.opts.metrics;
    if (!m) return;
    const agent = this.opts.agent;
    m.llmSpendTokens.inc({ agent, kind: 'input' }, after.inputTokens - before.inputTokens);
    m.llmSpendTokens.inc({ agent, kind: 'output' }, after.outputTokens - before.outputTokens);
    m.llmSpendUsd.inc({ agent }, Math.max(0, after.usd - before.usd));
  }

  spend(): Spend {
    return this.meter.spend();
  }

  /** Counts how a turn with a budget ended (`switchboard_workflows_total{flow="budget"}`). */
  ended(outcome: 'completed' | 'exceeded'): void {
    const m = this.opts.metrics;
    if (!m || !this.budget) return;
    m.workflows.inc({ flow: 'budget', outcome });
    m.workflowDuration.observe({ flow: 'budget', outcome }, (Date.now() - this.started) / 1000);
  }

  /** The typed error of a turn stopped before anything was answered. */
  exceeded(plan: Extract<CallPlan, { ok: false }>): SwitchboardError {
    this.ended('exceeded');
    const need = `about ${plan.need.tokens} tokens, $${plan.need.usd.toFixed(6)}`;
    const left = Object.keys(plan.left).length ? formatBudget(plan.left) : 'nothing';
    return new SwitchboardError(
      'budget_exceeded',
      `the request's budget cannot pay for the next LLM call (${need}; left: ${left})`,
      { details: { budget: this.budget, need: plan.need, spend: this.spend() } },
    );
  }
}

const MAX_FINDING_CHARS = 300;

/**
 * The answer of a turn whose budget ran out after a tool round: what the model said so far and what
 * the tools found, and that the budget ran out before a full answer.
 */
export function partialAnswer(said: readonly string[], findings: readonly Finding[]): string {
  const lines = ['The budget of this request ran out before I could finish, so this answer is partial.'];
  if (said.length) lines.push(...said);
  if (findings.length) {
    lines.push('What I found so far:');
    for (const f of findings) {
      const json = JSON.stringify(f.output) ?? '';
      const shown = json.length > MAX_FINDING_CHARS ? `${json.slice(0, MAX_FINDING_CHARS)}…` : json;
      lines.push(`- ${f.tool}${f.ok ? '' : ' (failed)'}: ${shown}`);
    }
  }
  return lines.join('\n');
}
