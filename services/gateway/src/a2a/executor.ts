import { randomUUID } from 'node:crypto';
import { type Message, type Part, Role, type Task, TaskState } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import { type AskReply, ErrorCodes, errorReply } from '@switchboard/contracts';

/** Who sent an A2A request, set on the call context by the route (`context.state`). */
export interface A2aCaller {
  /** Open mode: the `Switchboard-User` header; secure mode: the token's user. */
  userId?: string | undefined;
  /** The caller's bearer token, passed on to the router like `POST /v1/ask` does. */
  token?: string | undefined;
  requestId: string;
  traceparent: string;
}

export const callerKey = 'switchboard.caller';

/** One turn on `agents.ask` (target undefined) or `agents.<target>.ask`; throws like the NATS client. */
export type AskTurn = (
  target: string | undefined,
  body: { text: string; sessionId?: string; userId?: string },
  caller: A2aCaller,
) => Promise<AskReply>;

/**
 * The A2A contexts this gateway has seen: `<owner> <contextId>` to the Switchboard session it runs
 * in. In memory, like the SDK's task store: a gateway restart forgets them (the sessions stay in KV).
 */
export type ContextSessions = Map<string, string>;

function textPart(text: string): Part {
  return {
    content: { $case: 'text', value: text },
    metadata: undefined,
    filename: '',
    mediaType: 'text/plain',
  };
}

function agentMessage(taskId: string, contextId: string, text: string): Message {
  return {
    messageId: randomUUID(),
    contextId,
    taskId,
    role: Role.ROLE_AGENT,
    parts: [textPart(text)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

/** The text of the user's message: its text parts, joined. */
export function textOf(message: Message): string {
  return message.parts
    .flatMap((p) => (p.content?.$case === 'text' ? [p.content.value] : []))
    .join('\n')
    .trim();
}

/** The A2A state of a Switchboard reply (docs/a2a.md, "Task states"). */
export function stateOf(reply: AskReply): TaskState {
  if (!reply.ok) {
    const status = ErrorCodes[reply.error.code].httpStatus;
    // The request was refused (bad input, not allowed, over budget): rejected; else the system failed.
    return status >= 400 && status < 500 && status !== 429
      ? TaskState.TASK_STATE_REJECTED
      : TaskState.TASK_STATE_FAILED;
  }
  if (reply.status === 'queued') return TaskState.TASK_STATE_SUBMITTED;
  // The router asks which agent is meant, or the agent asks a question back (a pending flow).
  if (reply.status === 'clarify' || reply.data?.awaitingAnswer === true)
    return TaskState.TASK_STATE_INPUT_REQUIRED;
  return TaskState.TASK_STATE_COMPLETED;
}

/** An `AgentExecutor` whose agent is a Switchboard session: each A2A message is one turn. */
export class SwitchboardExecutor implements AgentExecutor {
  constructor(
    private readonly target: string | undefined,
    private readonly ask: AskTurn,
    private readonly sessions: ContextSessions,
  ) {}

  /** The tasks between turns (`input-required`, `submitted`), with their context. */
  private readonly waiting = new Map<string, string>();

  async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const caller = ctx.context.state.get(callerKey) as A2aCaller;
    const { taskId, contextId } = ctx;
    const task: Task = ctx.task ?? {
      id: taskId,
      contextId,
      status: {
        state: TaskState.TASK_STATE_SUBMITTED,
        timestamp: new Date().toISOString(),
        message: undefined,
      },
      artifacts: [],
      history: [ctx.userMessage],
      metadata: {},
    };
    bus.publish(AgentEvent.task(task));
    const key = `${ctx.context.user?.userName ?? ''} ${contextId}`;
    const sessionId = this.sessions.get(key);
    const reply = await this.ask(
      this.target,
      {
        text: textOf(ctx.userMessage),
        ...(sessionId ? { sessionId } : {}),
        ...(caller.userId ? { userId: caller.userId } : {}),
      },
      caller,
    ).catch((err: unknown) => errorReply(err) as AskReply);
    // A `clarify` reply opens no session: the context's next message starts one.
    if (reply.ok && reply.status !== 'clarify') this.sessions.set(key, reply.sessionId);
    const text = reply.ok ? reply.text : `${reply.error.code}: ${reply.error.message}`;
    const state = stateOf(reply);
    if (state === TaskState.TASK_STATE_INPUT_REQUIRED || state === TaskState.TASK_STATE_SUBMITTED)
      this.waiting.set(taskId, contextId);
    else this.waiting.delete(taskId);
    if (state === TaskState.TASK_STATE_COMPLETED) {
      bus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: {
            artifactId: randomUUID(),
            name: 'answer',
            description: '',
            parts: [textPart(text)],
            metadata: undefined,
            extensions: [],
          },
          append: false,
          lastChunk: true,
          metadata: undefined,
        }),
      );
    }
    const metadata = reply.ok
      ? { sessionId: reply.sessionId, agent: reply.agent, status: reply.status }
      : { error: reply.error };
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: {
          state,
          timestamp: new Date().toISOString(),
          message: agentMessage(taskId, contextId, text),
        },
        metadata: { switchboard: metadata },
      }),
    );
  }

  /**
   * Cancelling a task between turns (`input-required`, `submitted`): the task ends `canceled`; the
   * Switchboard session stays as it is (a turn the router took is not taken back).
   */
  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId: this.waiting.get(taskId) ?? '',
        status: {
          state: TaskState.TASK_STATE_CANCELED,
          timestamp: new Date().toISOString(),
          message: undefined,
        },
        metadata: undefined,
      }),
    );
    this.waiting.delete(taskId);
  }
}
