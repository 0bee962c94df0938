import { budgetLeft, noSpend } from '@switchboard/contracts';
import type { Engine } from '../engine.js';

/**
 * An engine that makes no LLM call (the offline engines), reporting so: `data.spend` is zero, with
 * the whole budget left when the request carries one.
 */
export function withZeroSpend(engine: Engine): Engine {
  return {
    async respond(input, ctx) {
      const r = await engine.respond(input, ctx);
      const spend = noSpend();
      const left = budgetLeft(ctx.message?.budget, spend);
      return { ...r, data: { ...(r.data ?? {}), spend: left ? { ...spend, left } : spend } };
    },
  };
}
