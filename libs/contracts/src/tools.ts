import { z } from 'zod';
import { ErrorBody } from './ask.js';
import { AgentName, UserId } from './ids.js';

/** A tool's name as an agent defines it (`leave_balance`). */
export const ToolName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a tool name is lower-case letters, digits and _');

/**
 * A request on `agents.<agent>.tools` (core request/reply, the agent's queue group): list the
 * agent's tools, or call one. The caller is identified like on `agents.<agent>.ask`: its token in
 * the `Authorization` header (secure mode), or the `userId` given here (open mode only).
 */
export const ToolsRequest = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('list'), userId: UserId.optional() }),
  z.strictObject({
    op: z.literal('call'),
    name: ToolName,
    /** The tool's input; checked against the tool's own schema by the agent. */
    arguments: z.record(z.string(), z.unknown()).optional(),
    userId: UserId.optional(),
  }),
]);
export type ToolsRequest = z.infer<typeof ToolsRequest>;

/** One tool as `op: list` describes it: its input schema is JSON Schema (draft 2020-12, an object). */
export const ToolDescription = z.strictObject({
  name: ToolName,
  description: z.string(),
  inputSchema: z.record(z.string(), z.unknown()),
});
export type ToolDescription = z.infer<typeof ToolDescription>;

/** The reply to `op: list`. */
export const ToolsListReply = z.strictObject({
  ok: z.literal(true),
  agent: AgentName,
  tools: z.array(ToolDescription),
});
export type ToolsListReply = z.infer<typeof ToolsListReply>;

/**
 * The outcome of one tool call: its output, or the tool's typed error. Besides the error catalogue's
 * codes, a tool answers `unknown_tool`, `tool_failed` (a bug, message kept short) or `tool_timeout`.
 */
export const ToolCallResult = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), tool: z.string(), output: z.unknown() }),
  z.strictObject({
    ok: z.literal(false),
    tool: z.string(),
    error: ErrorBody.extend({
      code: z.union([ErrorBody.shape.code, z.enum(['unknown_tool', 'tool_failed', 'tool_timeout'])]),
    }),
  }),
]);
export type ToolCallResult = z.infer<typeof ToolCallResult>;

/** The reply to `op: call`: the request was served; `result` says how the tool call went. */
export const ToolsCallReply = z.strictObject({
  ok: z.literal(true),
  agent: AgentName,
  result: ToolCallResult,
});
export type ToolsCallReply = z.infer<typeof ToolsCallReply>;

/** Every reply on `agents.<agent>.tools`: a list, a call's result, or a refusal of the request. */
export const ToolsReply = z.union([
  ToolsListReply,
  ToolsCallReply,
  z.strictObject({ ok: z.literal(false), error: ErrorBody }),
]);
export type ToolsReply = z.infer<typeof ToolsReply>;
