import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool as McpTool,
} from '@modelcontextprotocol/sdk/types.js';
import { isSwitchboardError, type ToolCallResult } from '@switchboard/contracts';
import { AgentNotAnswering, type AgentToolsCaller, callAgentTool, listAgentTools } from './agent-tools.js';

/** The MCP name of an agent's tool: `<agent>_<tool>`, e.g. `hr_leave_balance`. */
export function mcpToolName(agent: string, tool: string): string {
  return `${agent}_${tool}`;
}

/** The agent and tool an MCP tool name stands for, or `undefined` when no agent's prefix fits. */
export function splitToolName(
  agents: readonly string[],
  name: string,
): { agent: string; tool: string } | undefined {
  const agent = agents.find((a) => name.startsWith(`${a}_`) && name.length > a.length + 1);
  return agent === undefined ? undefined : { agent, tool: name.slice(agent.length + 1) };
}

/**
 * The MCP server of one HTTP request (stateless: built per request, closed after it). `tools/list`
 * asks every agent type on `agents.<agent>.tools` at once and lists the tools of those that answer;
 * `tools/call` forwards the call to the agent the name's prefix names, as the caller.
 */
export function createMcpServer(caller: AgentToolsCaller, agents: readonly string[]): McpServer {
  const mcp = new McpServer(
    { name: 'switchboard', version: '0.1.0' },
    {
      capabilities: { tools: { listChanged: false } },
      instructions:
        'The tools of the Switchboard agents, named <agent>_<tool>. Each runs as the calling user; a tool that changes data changes it once per call.',
    },
  );
  mcp.server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: await listTools(caller, agents),
  }));
  mcp.server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const target = splitToolName(agents, req.params.name);
    if (!target) throw new McpError(ErrorCode.InvalidParams, `unknown tool: ${req.params.name}`);
    let result: ToolCallResult;
    try {
      result = await callAgentTool(caller, target.agent, target.tool, req.params.arguments ?? {});
    } catch (err) {
      return refusal(err);
    }
    if (!result.ok && result.error.code === 'unknown_tool') {
      throw new McpError(ErrorCode.InvalidParams, `unknown tool: ${req.params.name}`);
    }
    return toCallResult(result);
  });
  return mcp;
}

/** Every live agent's tools; an agent that is not running (or too slow) is left out and logged. */
async function listTools(caller: AgentToolsCaller, agents: readonly string[]): Promise<McpTool[]> {
  const lists = await Promise.all(
    agents.map((agent) =>
      listAgentTools(caller, agent).then(
        (tools) => tools.map((t) => ({ ...t, name: mcpToolName(agent, t.name) }) as McpTool),
        (err: unknown) => {
          if (!(err instanceof AgentNotAnswering)) throw toMcpError(err);
          caller.log.info({ agent, reason: err.reason }, 'agent left out of the MCP tool list');
          return [];
        },
      ),
    ),
  );
  return lists.flat();
}

/** A call the agent could not take: an agent not running is a tool error (retry later); others are protocol errors. */
function refusal(err: unknown): CallToolResult {
  if (err instanceof AgentNotAnswering) {
    return errorResult({ code: 'agent_unavailable', message: err.message });
  }
  throw toMcpError(err);
}

/** A Switchboard refusal (unauthorized, forbidden, invalid_request...) as an MCP protocol error. */
function toMcpError(err: unknown): McpError {
  if (isSwitchboardError(err)) {
    const code = err.code === 'invalid_request' ? ErrorCode.InvalidParams : ErrorCode.InvalidRequest;
    return new McpError(code, `${err.code}: ${err.message}`, { code: err.code, details: err.details });
  }
  return new McpError(ErrorCode.InternalError, 'the tool call failed');
}

/** A tool's outcome as an MCP result: its output as JSON text (and structured, when an object), or its error. */
function toCallResult(result: ToolCallResult): CallToolResult {
  if (!result.ok) return errorResult(result.error);
  const { output } = result;
  const structured =
    typeof output === 'object' && output !== null && !Array.isArray(output)
      ? { structuredContent: output as Record<string, unknown> }
      : {};
  return { content: [{ type: 'text', text: JSON.stringify(output) }], ...structured };
}

/** A tool error as an MCP result with `isError`: the client (or its model) may correct and retry. */
function errorResult(error: { code: string; message: string; details?: unknown }): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(error) }] };
}
