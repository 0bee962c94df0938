// Issue #4: over NATS, alice books leave with the hr agent and files an expense with the finance
// agent, each in a multi-turn conversation against the real services; then the `AGENT_EVENTS`
// stream holds exactly one domain event of each, tied to the right session and task, and nothing
// else of these sessions; the change feed of the `sessions` bucket records every turn exactly once
// (issue #14: the session write is the turn event), both to a reader that follows it live and to
// one that comes later; and the gateway shows both conversations whole.
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { parseEvent, SwitchboardError, type SwitchboardEvent, TurnRecorded } from '@switchboard/contracts';
import { readTurns, type TurnWatch, watchTurns } from '@switchboard/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, asOk, http, type OkReply, useStack, waitFor } from './harness.js';

const stack = useStack();
let nc: NatsConnection;
/** A reader of the change feed started before the conversations: it sees each write as it happens. */
let live: TurnWatch;
const liveTurns: TurnRecorded[] = [];

beforeAll(async () => {
  nc = await stack.current.connect();
  live = await watchTurns(nc, { onTurn: (t) => liveTurns.push(TurnRecorded.parse(t)) });
  await live.caughtUp;
});
afterAll(() => live?.stop());

const DAY_MS = 24 * 60 * 60 * 1000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Could `d` be one of the demo company's holidays (or too close to the year's end)? */
function nearHoliday(d: Date): boolean {
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  const monday = d.getUTCDay() === 1;
  return (
    (month === 12 && day >= 20) || // Christmas Eve and Day, New Year observed on 31 Dec
    (month === 1 && day <= 2) ||
    (month === 5 && day >= 25 && monday) || // Memorial Day
    (month === 7 && day >= 3 && day <= 5) || // Independence Day, observed
    (month === 9 && day <= 7 && monday) // Labor Day
  );
}

/**
 * A Monday-to-Wednesday a few weeks ahead (the services count days in UTC): three working days,
 * clear of company holidays and inside one calendar year.
 */
function leaveDates(now = new Date()): { start: string; end: string } {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + 21 * DAY_MS);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  const days = () => [0, 1, 2].map((i) => new Date(d.getTime() + i * DAY_MS));
  while (days().some(nearHoliday)) d.setUTCDate(d.getUTCDate() + 7);
  return { start: isoDay(d), end: isoDay(new Date(d.getTime() + 2 * DAY_MS)) };
}

/** A stored session as the agents keep it (with task ids, which the gateway view leaves out). */
interface StoredSession {
  sessionId: string;
  agent: string;
  userId?: string;
  turns: { role: 'user' | 'agent'; text: string; taskId?: string }[];
  /** The KV revision read. */
  revision: number;
}

async function storedSession(id: string): Promise<StoredSession> {
  const kv = await new Kvm(nc).open('sessions');
  const e = await kv.get(id);
  if (e?.operation !== 'PUT') throw new Error(`session ${id} is not in the sessions bucket`);
  return { ...e.json<Omit<StoredSession, 'revision'>>(), revision: e.revision };
}

/** Every turn in the change feed, read by a new watch up to where the bucket stood when it began. */
async function lateTurns(): Promise<TurnRecorded[]> {
  return (await readTurns(nc)).map((t) => TurnRecorded.parse(t));
}

/** The task id of the agent turn that answered `text`. */
function taskOfAnswer(s: StoredSession, text: string): string {
  const turn = s.turns.find((t) => t.role === 'agent' && t.text === text);
  if (!turn?.taskId) throw new Error(`no agent turn "${text.slice(0, 60)}" in session ${s.sessionId}`);
  return turn.taskId;
}

interface StoredEvent {
  subject: string;
  seq: number;
  event: SwitchboardEvent;
}

/** The event of a stream message, checked with `parseEvent`: the envelope, and the data of a known type. */
function checkedEvent(subject: string, seq: number, value: unknown): SwitchboardEvent {
  try {
    return parseEvent(value);
  } catch (err) {
    const details = err instanceof SwitchboardError ? ` ${JSON.stringify(err.details)}` : '';
    throw new Error(`event ${seq} on ${subject} breaks its contract: ${String(err)}${details}`);
  }
}

/**
 * Every event in `AGENT_EVENTS` on `subjects` (on any subject when not given), oldest first. Read
 * message by message through the stream API: the stream is small here, and a multi-filter consumer
 * needs nats-server 2.10. Every message read, on `subjects` or not, must meet its event contract.
 */
async function readEvents(subjects?: string[]): Promise<StoredEvent[]> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info('AGENT_EVENTS');
  const out: StoredEvent[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const m = await jsm.streams.getMessage('AGENT_EVENTS', { seq });
    if (!m) continue;
    const event = checkedEvent(m.subject, m.seq, m.json());
    if (subjects && !subjects.includes(m.subject)) continue;
    out.push({ subject: m.subject, seq: m.seq, event });
  }
  return out;
}

interface SessionView {
  sessionId: string;
  agent: string;
  status: string;
  turns: { role: string; text: string; at: string }[];
}

async function sessionView(id: string): Promise<SessionView> {
  const r = await http<SessionView>(`${stack.current.gatewayUrl}/v1/sessions/${id}`);
  expect(r.status, r.text).toBe(200);
  return r.body;
}

/** One conversation: the turns sent and the replies got, in order. */
interface Conversation {
  sessionId: string;
  exchanges: { text: string; reply: OkReply }[];
}

const leave = leaveDates();
const now = new Date();
const yesterday = isoDay(new Date(now.getTime() - DAY_MS));
let hr: Conversation;
let finance: Conversation;

describe('alice books leave and files an expense', () => {
  it('books leave in a conversation with the hr agent', async () => {
    const say = async (text: string, sessionId?: string) => {
      const subject = sessionId ? 'agents.hr.ask' : 'agents.ask';
      const reply = asOk(
        await ask(nc, subject, { text, userId: 'alice', ...(sessionId ? { sessionId } : {}) }),
      );
      expect(reply).toMatchObject({ status: 'answered', agent: 'hr' });
      return reply;
    };
    const first = await say('I want to take leave');
    expect(first.text).toMatch(/Which dates would you like to book/);
    const sessionId = first.sessionId;

    const datesText = `from ${leave.start} to ${leave.end}`;
    const preview = await say(datesText, sessionId);
    expect(preview.sessionId).toBe(sessionId);
    expect(preview.text).toMatch(
      /^Shall I book your vacation for .*3 working days.*Please reply yes or no\./,
    );

    const done = await say('yes', sessionId);
    expect(done.text).toMatch(/^Done: your vacation for .* is booked \(3 working days, request \S+\)/);
    expect(done.data).toMatchObject({
      employee: 'alice',
      type: 'vacation',
      start: leave.start,
      end: leave.end,
      days: 3,
    });
    hr = {
      sessionId,
      exchanges: [
        { text: 'I want to take leave', reply: first },
        { text: datesText, reply: preview },
        { text: 'yes', reply: done },
      ],
    };
  });

  it('submits an expense in a conversation with the finance agent', async () => {
    // Follow-ups go through the router with the session id this time (session affinity).
    const say = async (text: string, sessionId?: string) => {
      const reply = asOk(
        await ask(nc, 'agents.ask', { text, userId: 'alice', ...(sessionId ? { sessionId } : {}) }),
      );
      expect(reply).toMatchObject({ status: 'answered', agent: 'finance' });
      return reply;
    };
    const turns: { text: string; expect: RegExp }[] = [
      { text: '42 USD', expect: /What kind of expense is it/ },
      { text: 'taxi', expect: /When did you pay it/ },
      { text: 'yesterday', expect: /Do you have a receipt/ },
      {
        text: 'yes',
        expect: /^Please confirm this expense: \$42 for taxi on \d{4}-\d{2}-\d{2}, receipt: yes\./,
      },
      { text: 'yes', expect: /^Done: expense EXP-[0-9A-F]{10} is recorded/ },
    ];
    const first = await say('I want to submit an expense');
    expect(first.text).toMatch(/How much was it/);
    const sessionId = first.sessionId;
    const exchanges = [{ text: 'I want to submit an expense', reply: first }];
    for (const t of turns) {
      const reply = await say(t.text, sessionId);
      expect(reply.sessionId).toBe(sessionId);
      expect(reply.text).toMatch(t.expect);
      exchanges.push({ text: t.text, reply });
    }
    const confirm = exchanges.at(-2)!.reply;
    expect(confirm.text).toContain(`on ${yesterday},`);
    expect(exchanges.at(-1)!.reply.data).toMatchObject({
      flow: 'submit_expense',
      tool: 'submit_expense',
      result: {
        created: true,
        expense: { employee: 'alice', amount: 42, category: 'taxi', date: yesterday },
      },
    });
    finance = { sessionId, exchanges };
  });

  it('records exactly one leave_requested and one expense_submitted event, for the right task', async () => {
    expect(hr && finance, 'the conversations above must have run').toBeTruthy();
    const hrStored = await storedSession(hr.sessionId);
    const financeStored = await storedSession(finance.sessionId);
    const bookingTask = taskOfAnswer(hrStored, hr.exchanges.at(-1)!.reply.text);
    const submitTask = taskOfAnswer(financeStored, finance.exchanges.at(-1)!.reply.text);

    const domain = await waitFor('the domain events', async () => {
      const list = await readEvents(['events.hr.leave_requested', 'events.finance.expense_submitted']);
      return list.length >= 2 ? list : undefined;
    });
    const leaveEvents = domain.filter((e) => e.subject === 'events.hr.leave_requested');
    const expenseEvents = domain.filter((e) => e.subject === 'events.finance.expense_submitted');
    expect(leaveEvents).toHaveLength(1);
    expect(expenseEvents).toHaveLength(1);

    const booked = hr.exchanges.at(-1)!.reply.data as { requestId: string; days: number };
    expect(leaveEvents[0]!.event).toMatchObject({
      eventId: `${bookingTask}.hr.leave_requested.0`,
      type: 'hr.leave_requested',
      agent: 'hr',
      sessionId: hr.sessionId,
      taskId: bookingTask,
      userId: 'alice',
      data: {
        requestId: booked.requestId,
        employeeId: 'alice',
        requestedBy: 'alice',
        type: 'vacation',
        start: leave.start,
        end: leave.end,
        days: 3,
      },
    });

    const submitted = finance.exchanges.at(-1)!.reply.data as { result: { expense: { id: string } } };
    expect(expenseEvents[0]!.event).toMatchObject({
      eventId: `${submitTask}.finance.expense_submitted.0`,
      type: 'finance.expense_submitted',
      agent: 'finance',
      sessionId: finance.sessionId,
      taskId: submitTask,
      userId: 'alice',
      data: {
        expenseId: submitted.result.expense.id,
        employee: 'alice',
        department: 'engineering',
        amount: 42,
        currency: 'USD',
        amountUsd: 42,
        category: 'taxi',
        date: yesterday,
        status: 'submitted',
      },
    });
    for (const e of [...leaveEvents, ...expenseEvents])
      expect(Number.isFinite(Date.parse(e.event.at))).toBe(true);
  });

  it('publishes no other event for these sessions: a turn is recorded by its session write', async () => {
    const all = (await readEvents()).filter(
      (e) => e.event.sessionId === hr.sessionId || e.event.sessionId === finance.sessionId,
    );
    expect(all.map((e) => [e.subject, e.event.sessionId])).toEqual([
      ['events.hr.leave_requested', hr.sessionId],
      ['events.finance.expense_submitted', finance.sessionId],
    ]);
  });

  it('records every turn of both conversations exactly once in the change feed of the sessions bucket', async () => {
    const late = await lateTurns();
    for (const conv of [hr, finance]) {
      const stored = await storedSession(conv.sessionId);
      const agentTasks = stored.turns.filter((t) => t.role === 'agent').map((t) => t.taskId);
      expect(agentTasks).toHaveLength(conv.exchanges.length);
      expect(new Set(agentTasks).size).toBe(agentTasks.length);
      const followed = await waitFor(`the turns of ${conv.sessionId} in the live feed`, () => {
        const list = liveTurns.filter((t) => t.sessionId === conv.sessionId);
        return list.length >= conv.exchanges.length ? list : undefined;
      });
      const later = late.filter((t) => t.sessionId === conv.sessionId);
      for (const [reader, list] of [
        ['live', followed],
        ['late', later],
      ] as const) {
        // In turn order, one per task, the first one opening the session.
        expect(
          list.map((t) => t.taskId),
          reader,
        ).toEqual(agentTasks);
        expect(
          list.map((t) => t.opened),
          reader,
        ).toEqual(conv.exchanges.map((_, i) => i === 0));
        expect(
          list.map((t) => t.turns.map((x) => [x.role, x.text])),
          reader,
        ).toEqual(
          conv.exchanges.map((x) => [
            ['user', x.text],
            ['agent', x.reply.text],
          ]),
        );
        for (const t of list) {
          expect(t, reader).toMatchObject({ agent: stored.agent, userId: 'alice', status: 'answered' });
        }
      }
      // Live, each turn was its own write, in order; the late reader found them all in the latest.
      const revisions = followed.map((t) => t.revision);
      expect([...revisions].sort((a, b) => a - b)).toEqual(revisions);
      expect(new Set(revisions).size).toBe(revisions.length);
      expect(revisions.at(-1)).toBe(stored.revision);
      expect(later.every((t) => t.revision === stored.revision)).toBe(true);
    }
    // Nothing came twice to the live reader meanwhile.
    const seen = liveTurns.filter((t) => t.sessionId === hr.sessionId || t.sessionId === finance.sessionId);
    expect(seen).toHaveLength(hr.exchanges.length + finance.exchanges.length);
  });

  it('shows both whole conversations on the gateway', async () => {
    for (const conv of [hr, finance]) {
      const view = await sessionView(conv.sessionId);
      expect(view).toMatchObject({
        sessionId: conv.sessionId,
        agent: conv === hr ? 'hr' : 'finance',
        status: 'open',
      });
      expect(view.turns.map((t) => [t.role, t.text])).toEqual(
        conv.exchanges.flatMap((x) => [
          ['user', x.text],
          ['agent', x.reply.text],
        ]),
      );
      const times = view.turns.map((t) => Date.parse(t.at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
  });
});
