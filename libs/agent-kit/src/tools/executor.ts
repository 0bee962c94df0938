import { type ErrorCode, isFailure, isSwitchboardError, issuesOf, wireCode } from '@switchboard/contracts';
import type { Guard, Logger, Metrics } from '@switchboard/runtime';
import type { z } from 'zod';
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

/** Settings of {@link createToolExecutor}. */
interface ToolExecutorOptions {
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
}

/** How an executor runs each call and accounts for it: what every step of a call shares. */
interface CallSettings {
  /** Runs the tool when set (its timeout then applies); else the call is bounded by `timeoutMs`. */
  guard: Guard | undefined;
  timeoutMs: number;
  /** Whether this call's output is checked against the tool's output schema. */
  checksOutput(tool: string): boolean;
  /** Counts a call in `switchboard_tool_calls_total`. */
  count(tool: string, outcome: string): void;
  debugEnabled(): boolean;
}

/**
 * Runs tools by name: validates input with the tool's zod schema first, runs with a timeout,
 * validates the output, and turns every failure into a {@link ToolResult} error: an unknown tool,
 * invalid input or a throwing tool never kills the task. Every call is logged and counted.
 */
export function createToolExecutor(opts: ToolExecutorOptions) {
  const byName = new Map(opts.tools.map((t) => [t.name, t]));
  const call: CallSettings = {
    guard: opts.guard,
    timeoutMs: opts.timeoutMs ?? 5000,
    checksOutput: outputSampler(opts.outputChecks),
    count: (tool, outcome) => opts.metrics?.toolCalls.inc({ agent: opts.agent, tool, outcome }),
    // Without the agent's logger the level is unknown: build the line and let `ctx.log` decide.
    debugEnabled: () => opts.log?.isLevelEnabled('debug') ?? true,
  };

  return {
    tools: opts.tools,
    get(name: string): Tool | undefined {
      return byName.get(name);
    },
    async execute(name: string, rawInput: unknown, ctx: ToolContext): Promise<ToolResult> {
      const tool = byName.get(name);
      if (!tool) {
        call.count('unknown', 'unknown_tool');
        return { ok: false, tool: name, error: { code: 'unknown_tool', message: `no tool named ${name}` } };
      }
      const parsed = tool.input.safeParse(rawInput);
      if (!parsed.success) return refuseInput(name, rawInput, parsed.error, ctx, call);
      return runTool(tool, parsed.data, ctx, call);
    },
  };
}
export type ToolExecutor = ReturnType<typeof createToolExecutor>;

/**
 * Which calls have their output checked: every one in `all` mode; in `sample` mode, counted per
 * tool, the first {@link SAMPLE_FIRST} and then one in {@link SAMPLE_EVERY}.
 */
function outputSampler(mode: OutputChecks = 'all'): (tool: string) => boolean {
  if (mode === 'all') return () => true;
  const calls = new Map<string, number>();
  return (tool) => {
    const n = (calls.get(tool) ?? 0) + 1;
    calls.set(tool, n);
    return n <= SAMPLE_FIRST || n % SAMPLE_EVERY === 0;
  };
}

/** The result of a call whose input does not match the tool's input schema: the LLM may fix it. */
function refuseInput(
  name: string,
  rawInput: unknown,
  error: z.ZodError,
  ctx: ToolContext,
  call: CallSettings,
): ToolResult {
  call.count(name, 'invalid_request');
  ctx.log.info({ tool: name, input: redact(rawInput) }, 'tool input refused');
  return {
    ok: false,
    tool: name,
    error: { code: 'invalid_request', message: `invalid input for ${name}`, details: issuesOf(error) },
  };
}

/** Runs a tool on its validated input, checks its output, and turns any failure into a result. */
async function runTool(
  tool: Tool,
  input: unknown,
  ctx: ToolContext,
  call: CallSettings,
): Promise<ToolResult> {
  const { name } = tool;
  const started = Date.now();
  try {
    const output = await runBounded(tool, input, ctx, call);
    if (call.checksOutput(name)) checkOutput(tool, output);
    call.count(name, 'ok');
    if (call.debugEnabled())
      ctx.log.debug({ tool: name, input: redact(input), ms: Date.now() - started }, 'tool called');
    return { ok: true, tool: name, output };
  } catch (err) {
    return failedCall(name, err, ctx, call);
  }
}

/** Runs the tool behind the guard (its timeout and breaker apply), or else within `timeoutMs`. */
async function runBounded(
  tool: Tool,
  input: unknown,
  ctx: ToolContext,
  call: CallSettings,
): Promise<unknown> {
  if (call.guard) return call.guard.execute(() => tool.run(input, ctx));
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      tool.run(input, ctx),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ToolTimeout(tool.name, call.timeoutMs)), call.timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Throws when `output` does not match the tool's output schema or has a key the schema lacks. */
function checkOutput(tool: Tool, output: unknown): void {
  const checked = tool.output.safeParse(output);
  if (!checked.success) throw new Error(`${tool.name} returned output that does not match its schema`);
  // Unchecked outputs go out as they are, so no output may rely on the parse dropping keys.
  const extra = extraKey(output, checked.data);
  if (extra) throw new Error(`${tool.name} returned ${extra}, which its output schema does not have`);
}

/**
 * The result of a call that threw: a timeout (the executor's own, or the guard's), a transient
 * failure of a dependency (`Failure`, shown with its wire code), a refusal the tool meant (a `SwitchboardError` keeps its code and details), or a bug (`tool_failed`,
 * logged as an error, its message kept from the LLM).
 */
function failedCall(name: string, err: unknown, ctx: ToolContext, call: CallSettings): ToolResult {
  if (err instanceof ToolTimeout || isFailure(err, 'dependency_timeout')) {
    call.count(name, 'timeout');
    return { ok: false, tool: name, error: { code: 'tool_timeout', message: err.message } };
  }
  if (isFailure(err)) {
    // A transient failure of what the tool depends on (circuit open, data not loaded, contention).
    const code = wireCode(err.kind);
    call.count(name, code);
    ctx.log.warn({ tool: name, kind: err.kind }, 'tool could not run now');
    return { ok: false, tool: name, error: { code, message: err.message } };
  }
  if (isSwitchboardError(err)) {
    call.count(name, err.code);
    ctx.log.info({ tool: name, code: err.code }, 'tool refused');
    const error: { code: ErrorCode; message: string; details?: unknown } = {
      code: err.code,
      message: err.message,
    };
    if (err.details !== undefined) error.details = err.details;
    return { ok: false, tool: name, error };
  }
  call.count(name, 'error');
  ctx.log.error({ err, tool: name }, 'tool failed');
  return { ok: false, tool: name, error: { code: 'tool_failed', message: `${name} failed` } };
}

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
