// Read-backs for the onboarding saga's end-to-end and chaos tests: the saga record, the events of
// one saga in AGENT_EVENTS, the HR directory, Finance's entries and budget, the requester's session,
// and whether the two workflow consumers have settled (nothing pending, nothing unacked).
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  Names,
  type Saga,
  type Session,
  WorkflowConsumers,
  workflowConsumerName,
} from '@switchboard/contracts';
import { listEntries } from '@switchboard/runtime';

/** Reads one KV value as JSON, or undefined. */
async function readJson<T>(nc: NatsConnection, bucket: string, key: string): Promise<T | undefined> {
  const kv = await new Kvm(nc).open(bucket);
  const e = await kv.get(key);
  return e?.operation === 'PUT' && e.value.length > 0 ? (e.json() as T) : undefined;
}

/** The saga whose new hire is called `name`, if one exists. */
export async function sagaOfHire(nc: NatsConnection, name: string): Promise<Saga | undefined> {
  const kv = await new Kvm(nc).open(Names.sagasBucket);
  for (const e of await listEntries(kv)) {
    const saga = e.value.length > 0 ? (e.json() as Saga) : undefined;
    if (saga?.subject.name === name) return saga;
  }
  return undefined;
}

export async function readSaga(nc: NatsConnection, sagaId: string): Promise<Saga | undefined> {
  return readJson<Saga>(nc, Names.sagasBucket, sagaId);
}

/** How many events of each type in AGENT_EVENTS carry `data.sagaId === sagaId`. */
export async function sagaEventCounts(nc: NatsConnection, sagaId: string): Promise<Record<string, number>> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(Names.eventsStream);
  const counts: Record<string, number> = {};
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(Names.eventsStream, { seq }).catch(() => null);
    if (!m) continue;
    const ev = m.json<{ type: string; data?: { sagaId?: string } }>();
    if (ev.data?.sagaId === sagaId) counts[ev.type] = (counts[ev.type] ?? 0) + 1;
  }
  return counts;
}

/** The HR directory records this saga created (0 or 1 expected), with their status. */
export async function hireRecords(nc: NatsConnection, sagaId: string) {
  const dir = await readJson<{ employees: { id: string; sagaId?: string; status?: string }[] }>(
    nc,
    Names.agentDataBucket('hr'),
    'directory',
  );
  return (dir?.employees ?? []).filter((e) => e.sagaId === sagaId);
}

/** Finance's side: the saga's cost-centre entries and how often its id was committed to the budget. */
export async function financeEffects(nc: NatsConnection, sagaId: string, department: string) {
  const kv = await new Kvm(nc).open(Names.agentDataBucket('finance'));
  const entries: string[] = [];
  for (const e of await listEntries(kv, 'onboarding.>')) {
    if (e.value.length > 0 && e.json<{ sagaId: string }>().sagaId === sagaId) entries.push(e.key);
  }
  const budget = await readJson<{ applied: string[] }>(
    nc,
    Names.agentDataBucket('finance'),
    `budget.${department}`,
  );
  return { entries: entries.length, commits: (budget?.applied ?? []).filter((id) => id === sagaId).length };
}

/** The requester's session: the onboarding answers and outcome notices of this saga. */
export async function sessionTurnsOf(nc: NatsConnection, saga: Saga) {
  const session = await readJson<Session>(nc, Names.sessionsBucket, saga.sessionId);
  const turns = session?.turns ?? [];
  const ofSaga = turns.filter((t) => (t.data as { sagaId?: string } | undefined)?.sagaId === saga.sagaId);
  return {
    answers: ofSaga.filter((t) => !(t.data as { notice?: boolean }).notice).length,
    notices: ofSaga.filter((t) => (t.data as { notice?: boolean }).notice).map((t) => t.text),
  };
}

/** True when both onboarding consumers have delivered and acknowledged everything. */
export async function consumersSettled(nc: NatsConnection): Promise<boolean> {
  const jsm = await jetstreamManager(nc);
  for (const c of WorkflowConsumers.filter((w) => w.flow === 'onboarding')) {
    const info = await jsm.consumers.info(Names.eventsStream, workflowConsumerName(c));
    if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
  }
  return true;
}

/** What each onboarding consumer holds now: pending, unacked, redelivered, pull requests waiting. */
export async function consumerStates(nc: NatsConnection): Promise<string> {
  const jsm = await jetstreamManager(nc);
  const out: string[] = [];
  for (const c of WorkflowConsumers.filter((w) => w.flow === 'onboarding')) {
    const i = await jsm.consumers.info(Names.eventsStream, workflowConsumerName(c));
    out.push(
      `${i.name} pending=${i.num_pending} ack_pending=${i.num_ack_pending} redelivered=${i.num_redelivered} waiting=${i.num_waiting}`,
    );
  }
  return out.join('; ');
}

/** A day `days` ahead of today, `YYYY-MM-DD`. */
export function daysAhead(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
