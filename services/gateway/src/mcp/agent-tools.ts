import {
  type NatsConnection,
  NoRespondersError,
  headers as natsHeaders,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
import {
  decodeJson,
  encodeJson,
  HeaderNames,
  Subjects,
  SwitchboardError,
  type ToolCallResult,
  type ToolDescription,
  ToolsCallReply,
  ToolsListReply,
  ToolsReply,
  type ToolsRequest,
  writeContext,
} from '@switchboard/contracts';
import type { Logger } from '@switchboard/runtime';

/** Who an MCP request is for, and how to reach the agents on its behalf. */
export interface AgentToolsCaller {
  nc: NatsConnection;
  /** The caller's `Authorization` value (`Bearer <token>`), passed on for the agent to verify. */
  authorization?: string | undefined;
  /** Open mode: the user the request names (`Switchboard-User`); secure mode: the token's user. */
  userId?: string | undefined;
  requestId: string;
  traceparent: string;
  timeoutMs: number;
  log: Logger;
}

/** An agent that did not answer `agents.<agent>.tools`: not running, or too slow. */
export class AgentNotAnswering extends Error {
  constructor(
    readonly agent: string,
    readonly reason: 'no_responders' | 'timeout',
  ) {
    super(
      reason === 'no_responders' ? `agent ${agent} is not running` : `agent ${agent} did not answer in time`,
    );
  }
}

/** One request on `agents.<agent>.tools`, its reply checked against the contract; refusals thrown typed. */
async function requestTools(
  caller: AgentToolsCaller,
  agent: string,
  body: ToolsRequest,
): Promise<Exclude<ToolsReply, { ok: false }>> {
  const h = natsHeaders();
  writeContext(h, {
    requestId: caller.requestId,
    traceparent: caller.traceparent,
    deadline: Date.now() + caller.timeoutMs,
  });
  if (caller.authorization) h.set(HeaderNames.authorization, caller.authorization);
  const payload = caller.userId ? { ...body, userId: caller.userId } : body;
  const msg = await caller.nc
    .request(Subjects.agentTools(agent), encodeJson(payload), { timeout: caller.timeoutMs, headers: h })
    .catch((err: unknown) => {
      if (err instanceof NoRespondersError || (err instanceof RequestError && err.isNoResponders()))
        throw new AgentNotAnswering(agent, 'no_responders');
      if (err instanceof TimeoutError) throw new AgentNotAnswering(agent, 'timeout');
      throw err;
    });
  const reply = ToolsReply.safeParse(decodeJson(msg.data, 'tools reply'));
  if (!reply.success)
    throw new SwitchboardError('internal', `agent ${agent}: the tools reply did not match the contract`);
  if (!reply.data.ok) {
    const { code, message, details } = reply.data.error;
    throw new SwitchboardError(code, message, details === undefined ? {} : { details });
  }
  return reply.data;
}

/** One agent's tools (`op: list`). */
export async function listAgentTools(caller: AgentToolsCaller, agent: string): Promise<ToolDescription[]> {
  const reply = await requestTools(caller, agent, { op: 'list' });
  const list = ToolsListReply.safeParse(reply);
  if (!list.success) throw new SwitchboardError('internal', `agent ${agent} did not answer a tool list`);
  return list.data.tools;
}

/** Calls one of an agent's tools (`op: call`): the tool's output or its typed error. */
export async function callAgentTool(
  caller: AgentToolsCaller,
  agent: string,
  name: string,
  args: Record<string, unknown>,
): Promise<ToolCallResult> {
  const reply = await requestTools(caller, agent, { op: 'call', name, arguments: args });
  const call = ToolsCallReply.safeParse(reply);
  if (!call.success) throw new SwitchboardError('internal', `agent ${agent} did not answer a tool call`);
  return call.data.result;
}
