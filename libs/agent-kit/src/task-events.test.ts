import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Names, parseEvent, type Task } from '@switchboard/contracts';
import { ensureStreams } from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvents } from './task-events.js';
import type { TurnOutcome } from './turn.js';

let server: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

const task: Task = {
  taskId: 'task-1',
  requestId: 'r1',
  sessionId: 's1',
  agent: 'hr',
  text: 'book two days',
  newSession: false,
  createdAt: '2026-11-21T10:00:00.000Z',
  userId: 'alice',
};
const outcome = (events: TurnOutcome['events']): TurnOutcome => ({
  reply: { ok: true, status: 'answered', sessionId: 's1', agent: 'hr', text: 'ok', data: {} },
  duplicate: false,
  opened: false,
  events,
});

async function stored() {
  const { state } = await jsm.streams.info(Names.eventsStream);
  const out = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(Names.eventsStream, { seq });
    if (m) out.push({ subject: m.subject, event: parseEvent(m.json()) });
  }
  return out;
}

describe('publishEvents', () => {
  it('writes nothing for a turn without domain events (the session write records the turn)', async () => {
    await publishEvents(js, 'hr', task, outcome([]));
    await publishEvents(js, 'hr', task, outcome(undefined));
    expect(await stored()).toEqual([]);
  });

  it("publishes each domain event once, on the agent's subject, with an id from the task", async () => {
    // A kind without a data contract in EventData: checked by its envelope only.
    const events = [
      { kind: 'reminder_set', data: { days: 2 } },
      { kind: 'reminder_set', data: { days: 1 } },
    ];
    await publishEvents(js, 'hr', task, outcome(events));
    // A rerun of the turn publishes the same ids: the stream keeps one of each.
    await publishEvents(js, 'hr', task, outcome(events));
    const got = await stored();
    expect(got.map((e) => [e.subject, e.event.eventId, e.event.data])).toEqual([
      ['events.hr.reminder_set', 'task-1.hr.reminder_set.0', { days: 2 }],
      ['events.hr.reminder_set', 'task-1.hr.reminder_set.1', { days: 1 }],
    ]);
    expect(got[0]?.event).toMatchObject({
      type: 'hr.reminder_set',
      agent: 'hr',
      sessionId: 's1',
      taskId: 'task-1',
      userId: 'alice',
    });
  });
});
