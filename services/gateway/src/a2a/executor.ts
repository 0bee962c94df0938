import { randomUUID } from 'node:crypto';
import { type Message, type Part, Role, type Task, TaskState } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import { type AskReply, ErrorCodes, errorReply } from '@switchboard/contracts';
import { newStreamId } from '../chunk-source.js';
import { type OpenChunks, relayChunks } from './chunk-events.js';

/** Who sent an A2A request, set on the call context by the route (`context.state`). */
export interface A2aCaller {
  /** Open mode: the `Switchboard-User` header; secure mode: the token's user. */
  userId?: string | undefined;
  /** The caller's bearer token, passed on to the router like `POST /v1/ask` does. */
  token?: string | undefined;
  requestId: string;
  traceparent: string;
  /** A streaming method (`SendStreamingMessage`): the answer's chunks become artifact updates. */
  streaming?: boolean | undefined;
}

export const callerKey = 'switchboard.caller';

/** One turn on `agents.ask` (target undefined) or `agents.<target>.ask`; throws like the NATS client. */
export type AskTurn = (
  target: string | undefined,
  body: { text: string; sessionId?: string; userId?: string },
  caller: A2aCaller,
  /** `streamId`: have the answer streamed to `chunks.<streamId>` too (docs/streaming.md). */
  opts?: { streamId?: string },
) => Promise<AskReply>;

/**
 * The A2A contexts: `<owner> <contextId>` to the Switchboard session it runs in. Kept in the
 * `a2a_tasks` bucket (`kvContextSessions`), so every gateway knows them, and after a restart.
 */
export interface ContextSessions {
  get(key: string): Promise<string | undefined>;
  set(key: string, sessionId: string): Promise<void>;
}

export function textPart(text: string): Part {
  return {
    content: { $case: 'text', value: text },
    metadata: undefined,
    filename: '',
    mediaType: 'text/plain',
  };
}

export function agentMessage(taskId: string, contextId: string, text: string): Message {
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

/** The `answer` artifact: one text part. Chunks of a streamed answer update it under the same id. */
function answerArtifact(artifactId: string, text: string) {
  return {
    artifactId,
    name: 'answer',
    description: '',
    parts: [textPart(text)],
    metadata: undefined,
    extensions: [],
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
    /** With it, a streaming caller gets the answer's chunks as `artifact-update` events. */
    private readonly chunks?: OpenChunks,
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
    const sessionId = await this.sessions.get(key);
    const answerId = randomUUID();
    const streamId = caller.streaming && this.chunks ? newStreamId() : undefined;
    // Opened before the request, so no chunk is missed; without it the turn is answered unstreamed.
    const source = streamId ? await this.chunks?.(streamId).catch(() => undefined) : undefined;
    const asking = this.ask(
      this.target,
      {
        text: textOf(ctx.userMessage),
        ...(sessionId ? { sessionId } : {}),
        ...(caller.userId ? { userId: caller.userId } : {}),
      },
      caller,
      source && streamId ? { streamId } : {},
    ).catch((err: unknown) => errorReply(err) as AskReply);
    if (source) {
      await relayChunks(source, asking, (text, append) =>
        bus.publish(
          AgentEvent.artifactUpdate({
            taskId,
            contextId,
            artifact: answerArtifact(answerId, text),
            append,
            lastChunk: false,
            metadata: undefined,
          }),
        ),
      );
    }
    const reply = await asking;
    // A `clarify` reply opens no session: the context's next message starts one.
    if (reply.ok && reply.status !== 'clarify') await this.sessions.set(key, reply.sessionId);
    const text = reply.ok ? reply.text : `${reply.error.code}: ${reply.error.message}`;
    const state = stateOf(reply);
    if (state === TaskState.TASK_STATE_INPUT_REQUIRED || state === TaskState.TASK_STATE_SUBMITTED)
      this.waiting.set(taskId, contextId);
    else this.waiting.delete(taskId);
    if (state === TaskState.TASK_STATE_COMPLETED) {
      // The whole answer replaces what chunks streamed (the reply is authoritative).
      bus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: answerArtifact(answerId, text),
          append: false,
          lastChunk: true,
          metadata: undefined,
        }),
      );
    }
    const metadata = reply.ok
      ? {
          sessionId: reply.sessionId,
          agent: reply.agent,
          status: reply.status,
          // A queued turn's task: its answer in the session settles the A2A task (`settleQueued`).
          ...(reply.status === 'queued' && typeof reply.data?.taskId === 'string'
            ? { taskId: reply.data.taskId }
            : {}),
        }
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
