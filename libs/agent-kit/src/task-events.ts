import type { JetStreamClient } from '@nats-io/jetstream';
import {
  encodeJson,
  type SessionEndedData,
  Subjects,
  type SwitchboardEvent,
  type Task,
  type TaskAnsweredData,
} from '@switchboard/contracts';
import type { TurnOutcome } from './turn.js';

/**
 * Publishes the events of one answered turn: `task.answered` (or `session.ended`) and the engine's
 * domain events. Each event id derives from the task id, so a rerun of the turn publishes nothing
 * new (the stream drops the duplicates).
 */
export function publishEvents(
  js: JetStreamClient,
  agent: string,
  task: Task,
  outcome: TurnOutcome,
): Promise<unknown> {
  const at = new Date().toISOString();
  const common = {
    at,
    agent,
    sessionId: task.sessionId,
    taskId: task.taskId,
    ...(task.userId ? { userId: task.userId } : {}),
  };
  const list: [string, SwitchboardEvent][] = [];
  const answered = outcome.reply.status === 'ended' ? 'session.ended' : 'task.answered';
  // Either type: the data must meet both contracts.
  const data = { opened: outcome.opened } satisfies TaskAnsweredData & SessionEndedData;
  list.push([answered, { eventId: `${task.taskId}.${answered}`, type: answered, ...common, data }]);
  (outcome.events ?? []).forEach((e, i) => {
    const type = `${agent}.${e.kind}`;
    // Indexed: two changes of one kind in one turn are two events; a rerun of the turn repeats both ids.
    list.push([type, { eventId: `${task.taskId}.${type}.${i}`, type, ...common, data: e.data }]);
  });
  return Promise.all(
    list.map(([type, ev]) => {
      const [domain, kind] = type.split('.') as [string, string];
      return js.publish(Subjects.event(domain, kind), encodeJson(ev), { msgID: ev.eventId });
    }),
  );
}
