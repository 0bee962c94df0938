import { type ErrorCode, isSwitchboardError, issuesOf } from '@switchboard/contracts';
import type { Guard, Logger, Metrics } from '@switchboard/runtime';
import type { Tool, ToolContext } from './types.js';

/** A tool's result: its validated output, or a typed error the engine can show or send to the LLM. */
export type ToolResult =
  | { ok: true; tool: string; output: unknown }
  | {
      ok: false;
      tool: string;
      error: {
        code: ErrorCode | 'unknown_tool' | 'tool_failed' | 'tool_timeout';
        message: string;
        details?: unknown;
      };
    };

/** How many outputs of each tool are checked against its schema: `all`, or a `sample`. */
export type OutputChecks = 'all' | 'sample';
/** In `sample` mode, every output of a tool's first calls is checked… */
export const SAMPLE_FIRST = 100;
/** …and then one in this many. */
export const SAMPLE_EVERY = 100;

/** Keys whose values are personal and never logged as they are. */
const PERSONAL = new Set([
  'userId',
  'employee',
  'employeeId',
  'reason',
  'note',
  'description',
  'email',
  'phone',
]);

function redact(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, PERSONAL.has(k) ? '[redacted]' : v]));
}

/**
 * Runs tools by name: validates input with the tool's zod schema first, runs with a timeout,
 * validates the output, and turns every failure into a {@link ToolResult} error: an unknown tool,
 * invalid input or a throwing tool never kills the task. Every call is logged and counted.
 */
export function createToolExecutor(opts: {
  agent: string;
  tools: readonly Tool[];
  metrics?: Metrics | undefined;
  timeoutMs?: number;
  /**
   * The breaker in front of the tools' backend (the agent's domain store): its timeout replaces
   * `timeoutMs`, and while it is open tools fail fast with `agent_unavailable`.
   */
  guard?: Guard | undefined;
  /**
   * The agent's logger, to check the level before building a debug line: reading `ctx.log` builds
   * the per-task child logger, and the redacted copy of the input costs even when not logged.
   */
  log?: Logger | undefined;
  /**
   * Which outputs are checked against the tool's output schema. `all` (the default): every one.
   * `sample`: the first {@link SAMPLE_FIRST} calls of each tool, then one in {@link SAMPLE_EVERY}.
   * A tool's output is built by typed code from records that were validated when they were read,
   * so checking it again on every call re-validates what was validated; the sample still catches
   * a tool whose output has drifted from its schema, and any failed check fails that call.
   */
  outputChecks?: OutputChecks | undefined;
}) {
  const debug = () => opts.log?.isLevelEnabled('debug') ?? true;
  const byName = new Map(opts.tools.map((t) => [t.name, t]));
  const timeoutMs = opts.timeoutMs ?? 5000;
  const checkAll = (opts.outputChecks ?? 'all') === 'all';
  const calls = new Map<string, number>();
  /** Whether this call's output is checked (counts the tool's calls in `sample` mode). */
  const checkOutput = (name: string): boolean => {
    if (checkAll) return true;
    const n = (calls.get(name) ?? 0) + 1;
    calls.set(name, n);
    return n <= SAMPLE_FIRST || n % SAMPLE_EVERY === 0;
  };
  const count = (tool: string, outcome: string) =>
    opts.metrics?.toolCalls.inc({ agent: opts.agent, tool, outcome });

  return {
    tools: opts.tools,
    get(name: string): Tool | undefined {
      return byName.get(name);
    },
    async execute(name: string, rawInput: unknown, ctx: ToolContext): Promise<ToolResult> {
      const tool = byName.get(name);
      if (!tool) {
        count('unknown', 'unknown_tool');
        return { ok: false, tool: name, error: { code: 'unknown_tool', message: `no tool named ${name}` } };
      }
      const parsed = tool.input.safeParse(rawInput);
      if (!parsed.success) {
        count(name, 'invalid_request');
        ctx.log.info({ tool: name, input: redact(rawInput) }, 'tool input refused');
        return {
          ok: false,
          tool: name,
          error: {
            code: 'invalid_request',
            message: `invalid input for ${name}`,
            details: issuesOf(parsed.error),
          },
        };
      }
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        const output = opts.guard
          ? await opts.guard.execute(() => tool.run(parsed.data, ctx))
          : await Promise.race([
              tool.run(parsed.data, ctx),
              new Promise<never>((_, reject) => {
                timer = setTimeout(() => reject(new ToolTimeout(name, timeoutMs)), timeoutMs);
              }),
            ]);
        if (checkOutput(name)) {
          const checked = tool.output.safeParse(output);
          if (!checked.success) throw new Error(`${name} returned output that does not match its schema`);
          // Unchecked outputs go out as they are, so no output may rely on the parse dropping keys.
          const extra = extraKey(output, checked.data);
          if (extra) throw new Error(`${name} returned ${extra}, which its output schema does not have`);
        }
        count(name, 'ok');
        if (debug())
          ctx.log.debug({ tool: name, input: redact(parsed.data), ms: Date.now() - started }, 'tool called');
        return { ok: true, tool: name, output };
      } catch (err) {
        if (err instanceof ToolTimeout) {
          count(name, 'timeout');
          return { ok: false, tool: name, error: { code: 'tool_timeout', message: err.message } };
        }
        if (isSwitchboardError(err) && err.code === 'timeout' && opts.guard) {
          count(name, 'timeout');
          return { ok: false, tool: name, error: { code: 'tool_timeout', message: err.message } };
        }
        if (isSwitchboardError(err)) {
          count(name, err.code);
          ctx.log.info({ tool: name, code: err.code }, 'tool refused');
          const error: { code: ErrorCode; message: string; details?: unknown } = {
            code: err.code,
            message: err.message,
          };
          if (err.details !== undefined) error.details = err.details;
          return { ok: false, tool: name, error };
        }
        count(name, 'error');
        ctx.log.error({ err, tool: name }, 'tool failed');
        return { ok: false, tool: name, error: { code: 'tool_failed', message: `${name} failed` } };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
export type ToolExecutor = ReturnType<typeof createToolExecutor>;

/**
 * The path of the first key of `raw` that a schema parse dropped (it is not in `parsed`), or
 * `undefined`. Only plain objects and arrays are walked.
 */
export function extraKey(raw: unknown, parsed: unknown, path = 'output'): string | undefined {
  if (Array.isArray(raw)) {
    if (!Array.isArray(parsed)) return undefined;
    for (let i = 0; i < raw.length; i++) {
      const found = extraKey(raw[i], parsed[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || typeof parsed !== 'object' || parsed === null)
    return undefined;
  if (Object.getPrototypeOf(raw) !== Object.prototype) return undefined;
  for (const [k, v] of Object.entries(raw)) {
    if (!Object.hasOwn(parsed, k)) {
      // An optional field set to undefined is dropped by the parse and by JSON alike.
      if (v === undefined) continue;
      return `${path}.${k}`;
    }
    const found = extraKey(v, (parsed as Record<string, unknown>)[k], `${path}.${k}`);
    if (found) return found;
  }
  return undefined;
}

class ToolTimeout extends Error {
  constructor(tool: string, ms: number) {
    super(`${tool} did not finish within ${ms} ms`);
  }
}
