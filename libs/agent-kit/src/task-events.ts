import type { JetStreamClient } from '@nats-io/jetstream';
import { encodeJson, Subjects, type SwitchboardEvent, type Task } from '@switchboard/contracts';
import type { TurnOutcome } from './turn.js';

const NOTHING: Promise<unknown> = Promise.resolve([]);

/**
 * Publishes the engine's domain events of one answered turn (e.g. `hr.leave_requested`), on
 * `events.<agent>.<kind>`. Most turns change no data and have none: then nothing is written and the
 * promise is already resolved. The turn itself is not published: its session write is the event
 * (see `watchTurns` in `@switchboard/runtime`). Each event id derives from the task id, so a rerun
 * of the turn publishes nothing new (the stream drops the duplicates).
 */
export function publishEvents(
  js: JetStreamClient,
  agent: string,
  task: Task,
  outcome: TurnOutcome,
): Promise<unknown> {
  const events = outcome.events ?? [];
  if (events.length === 0) return NOTHING;
  const at = new Date().toISOString();
  const common = {
    at,
    agent,
    sessionId: task.sessionId,
    taskId: task.taskId,
    ...(task.userId ? { userId: task.userId } : {}),
  };
  return Promise.all(
    events.map((e, i) => {
      const type = `${agent}.${e.kind}`;
      // Indexed: two changes of one kind in one turn are two events; a rerun of the turn repeats both ids.
      const ev: SwitchboardEvent = { eventId: `${task.taskId}.${type}.${i}`, type, ...common, data: e.data };
      return js.publish(Subjects.event(agent, e.kind), encodeJson(ev), { msgID: ev.eventId });
    }),
  );
}
