import { defineTool } from '@switchboard/agent-kit';
import { z } from 'zod';
import { Department, Quarter, type QuarterBudget } from '../domain/model.js';
import { canSeeBudgetOf } from '../domain/permissions.js';
import { isoDay, quarterOf, roundMoney } from '../domain/rules.js';
import { type FinanceToolDeps, refuse, requireCaller } from './common.js';

const Figures = z.object({
  allocated: z.number(),
  spent: z.number(),
  committed: z.number(),
  /** allocated − spent − committed; negative when over budget. */
  remaining: z.number(),
  overBudget: z.boolean(),
});

function figures(parts: QuarterBudget[]): z.infer<typeof Figures> {
  const sum = (f: (q: QuarterBudget) => number) => roundMoney(parts.reduce((n, q) => n + f(q), 0));
  const allocated = sum((q) => q.allocated);
  const spent = sum((q) => q.spent);
  const committed = sum((q) => q.committed);
  const remaining = roundMoney(allocated - spent - committed);
  return { allocated, spent, committed, remaining, overBudget: remaining < 0 };
}

/** Budget of a department for a year or a quarter: allocated, spent, committed, remaining, by quarter. */
export function budgetStatusTool(deps: FinanceToolDeps) {
  return defineTool({
    name: 'budget_status',
    description:
      "Budget status of a department (engineering, marketing or finance) in USD: allocated, spent, committed and remaining, for the fiscal year and by quarter. Without a department, the asking employee's own department. Employees may see their own department; managers and finance staff any department.",
    input: z.strictObject({
      department: Department.optional().describe("Department; omit for the asking employee's own"),
      year: z
        .number()
        .int()
        .min(2000)
        .max(2100)
        .optional()
        .describe('Fiscal (calendar) year; default the current year'),
      quarter: Quarter.optional().describe('One quarter; omit for the whole year'),
    }),
    output: z.object({
      department: Department,
      year: z.number(),
      /** The period the top-level figures cover: `2026` or `Q3 2026`. */
      period: z.string(),
      currency: z.literal('USD'),
      figures: Figures,
      byQuarter: z.array(Figures.extend({ quarter: Quarter })),
      /** The current quarter when `year` is the current year, else null. */
      currentQuarter: Quarter.nullable(),
    }),
    async run(input, ctx) {
      const me = await requireCaller(deps.store, ctx);
      const department = input.department ?? me.department;
      if (!canSeeBudgetOf(me, department)) {
        throw refuse(
          'unauthorized',
          'forbidden',
          `You can see the ${me.department} budget; other departments' budgets are for managers and finance staff.`,
        );
      }
      const today = quarterOf(isoDay(deps.now()));
      const year = input.year ?? Number(today.year);
      const budget = await deps.store.getBudget(department);
      const quarters = budget?.years[String(year)];
      if (!quarters)
        throw refuse('invalid_request', 'not_found', `There is no ${department} budget for ${year}.`);
      const byQuarter = Quarter.options.map((q) => ({ quarter: q, ...figures([quarters[q]]) }));
      return {
        department,
        year,
        period: input.quarter ? `${input.quarter} ${year}` : String(year),
        currency: 'USD' as const,
        figures: figures(input.quarter ? [quarters[input.quarter]] : Object.values(quarters)),
        byQuarter,
        currentQuarter: String(year) === today.year ? today.quarter : null,
      };
    },
  });
}
