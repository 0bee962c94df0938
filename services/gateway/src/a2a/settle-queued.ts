import { randomUUID } from 'node:crypto';
import { type Task, TaskState } from '@a2a-js/sdk';
import type { ServerCallContext } from '@a2a-js/sdk/server';
import type { StoredSession } from '@switchboard/runtime';
import { agentMessage, textPart } from './executor.js';

/** What the executor keeps of a queued reply in `metadata.switchboard`. */
interface QueuedMeta {
  sessionId?: unknown;
  status?: unknown;
  taskId?: unknown;
}

/**
 * A task left `submitted` by a `queued` reply (no live agent instance) is settled when it is read:
 * once the agent's answer to that Switchboard task is in the session (an agent turn carrying its
 * task id), the A2A task gets the answer as artifact and status, `completed` (or `input-required`
 * when the agent asked back). Returns the updated task, or undefined when nothing changed.
 */
export function settleQueued(readSession: (sessionId: string) => Promise<StoredSession | null>) {
  return async (task: Task, _context: ServerCallContext): Promise<Task | undefined> => {
    if (task.status?.state !== TaskState.TASK_STATE_SUBMITTED) return undefined;
    const meta = (task.metadata?.switchboard ?? {}) as QueuedMeta;
    if (meta.status !== 'queued' || typeof meta.sessionId !== 'string' || typeof meta.taskId !== 'string')
      return undefined;
    const stored = await readSession(meta.sessionId);
    const turn = stored?.session.turns.find((t) => t.role === 'agent' && t.taskId === meta.taskId);
    if (!turn) return undefined;
    const state =
      turn.data?.awaitingAnswer === true
        ? TaskState.TASK_STATE_INPUT_REQUIRED
        : TaskState.TASK_STATE_COMPLETED;
    const artifact = {
      artifactId: randomUUID(),
      name: 'answer',
      description: '',
      parts: [textPart(turn.text)],
      metadata: undefined,
      extensions: [],
    };
    return {
      ...task,
      status: { state, timestamp: turn.at, message: agentMessage(task.id, task.contextId, turn.text) },
      artifacts: state === TaskState.TASK_STATE_COMPLETED ? [...task.artifacts, artifact] : task.artifacts,
      metadata: {
        ...task.metadata,
        switchboard: { ...meta, status: turn.status ?? 'answered', agent: stored?.session.agent },
      },
    };
  };
}
