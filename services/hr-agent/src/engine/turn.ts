import {
  type DomainEvent,
  type EngineContext,
  type EngineInput,
  type EngineResult,
  type ToolExecutor,
  type ToolResult,
  toolContext,
} from '@switchboard/agent-kit';
import { z } from 'zod';
import type { EmployeeDirectoryOutput } from '../tools/employee-directory.js';
import type { DateMention } from './date-parser.js';
import type { Person } from './entities.js';
import type { Intent } from './intents.js';

/** What the offline engine keeps between turns (slot filling), parsed back on the next turn. */
export const Pending = z.discriminatedUnion('flow', [
  z.object({
    flow: z.literal('book'),
    step: z.enum(['dates', 'confirm']),
    type: z.enum(['vacation', 'sick']),
    /** The employee the leave is for, when not the asker. */
    employee: z.string().optional(),
    start: z.string().optional(),
    end: z.string().optional(),
    durationDays: z.number().int().positive().optional(),
  }),
  z.object({
    flow: z.literal('cancel'),
    step: z.enum(['choose', 'confirm']),
    employee: z.string().optional(),
    /** Request ids offered to choose from, in the order shown. */
    options: z.array(z.string()),
    requestId: z.string().optional(),
  }),
]);
export type Pending = z.infer<typeof Pending>;
export type BookPending = Extract<Pending, { flow: 'book' }>;
export type CancelPending = Extract<Pending, { flow: 'cancel' }>;

/** One turn being answered: the input, the parsed text and a way to call tools as the asker. */
export interface HrTurn {
  input: EngineInput;
  text: string;
  today: string;
  dates: DateMention;
  selfId: string | undefined;
  /** Calls a tool through the executor, always as `input.userId`. */
  tool(name: string, args: Record<string, unknown>): Promise<ToolResult>;
  /** The directory (id and name of everyone), read once per turn; an error result when refused. */
  people(): Promise<{ ok: true; people: Person[] } | Extract<ToolResult, { ok: false }>>;
  /** Builds the result: events recorded by tools so far are attached. */
  reply(
    text: string,
    intent: Intent | 'fallback' | 'dropped' | 'onboard',
    extra?: { data?: Record<string, unknown>; pending?: Pending },
  ): EngineResult;
}

export function createTurn(opts: {
  input: EngineInput;
  ctx: EngineContext;
  executor: ToolExecutor;
  today: string;
  dates: DateMention;
}): HrTurn {
  const { input, ctx, executor } = opts;
  const events: DomainEvent[] = [];
  const toolCtx = toolContext(input, ctx, events);
  let directory: Awaited<ReturnType<HrTurn['people']>> | undefined;
  const tool = (name: string, args: Record<string, unknown>) => executor.execute(name, args, toolCtx);
  return {
    input,
    text: input.text.trim(),
    today: opts.today,
    dates: opts.dates,
    selfId: input.userId,
    tool,
    async people() {
      if (!directory) {
        const r = await tool('employee_directory', { list: true });
        directory = r.ok
          ? {
              ok: true,
              people: (r.output as EmployeeDirectoryOutput).matches.map((e) => ({ id: e.id, name: e.name })),
            }
          : r;
      }
      return directory;
    },
    reply(text, intent, extra = {}) {
      const result: EngineResult = { text, data: { engine: 'offline', intent, ...(extra.data ?? {}) } };
      if (extra.pending) result.pending = extra.pending;
      if (events.length > 0) result.events = [...events];
      return result;
    },
  };
}
