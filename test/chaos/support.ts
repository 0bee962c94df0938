// Shared parts of the process-level chaos tests (agent kill, server restart, rolling restart):
// sizes, a request tracker that sees every reply, read-backs of sessions and dead letters, and the
// one JSON line of figures each test prints. The services are the real built processes, started
// with the e2e harness.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, nuid, type Subscription } from '@nats-io/transport-node';
import { Names } from '@switchboard/contracts';
import { type ServiceProcess, type Stack, sleep } from '../e2e/harness.js';

/** True with `CHAOS_FULL=1` (`npm run chaos`): the full-size runs. */
export const chaosFull = process.env.CHAOS_FULL === '1';

/** `ci` in the test suite, `full` with `CHAOS_FULL=1`. */
export function scaled<T>(ci: T, full: T): T {
  return chaosFull ? full : ci;
}

/** Prints one JSON line of figures (`CHAOS {...}`), easy to grep from the test output. */
export function printFigures(figures: Record<string, unknown>): void {
  process.stdout.write(`CHAOS ${JSON.stringify({ ...figures, size: chaosFull ? 'full' : 'ci' })}\n`);
}

/** A test connection that rides out a server restart (reconnects every 250 ms, forever). */
export function connectTest(url: string): Promise<NatsConnection> {
  return connect({
    servers: url,
    name: 'chaos-test',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    noAsyncTraces: true,
  });
}

/** Resolves once `nc` round-trips to the server again (after a restart). */
export async function connected(nc: NatsConnection, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await nc.flush();
      await (await jetstreamManager(nc)).getAccountInfo();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(100);
    }
  }
}

/** A deterministic HR question: the built-in engine answers it with alice's leave balance. */
export const HR_QUESTION = { text: 'how many vacation days do I have?', userId: 'alice' };

/** A reply as seen on a request's own inbox. */
export interface SeenReply {
  at: number;
  ok: boolean;
  status?: string;
  sessionId?: string;
  taskId?: string;
  code?: string;
}

const enc = new TextEncoder();

/**
 * Sends requests with a reply subject of its own per request (`<prefix>.<n>`) and keeps every
 * reply, so a second answer to one request is seen (a plain `request()` keeps only the first).
 */
export class AskTracker {
  readonly #nc: NatsConnection;
  readonly #prefix = `_INBOX.chaos_${nuid.next()}`;
  readonly #replies = new Map<number, SeenReply[]>();
  readonly #sentAt: number[] = [];
  #sent = 0;
  #sub: Subscription | undefined;

  constructor(nc: NatsConnection) {
    this.#nc = nc;
  }

  async start(): Promise<void> {
    this.#sub = this.#nc.subscribe(`${this.#prefix}.*`, {
      callback: (err, msg) => {
        if (err) return;
        const n = Number(msg.subject.slice(this.#prefix.length + 1));
        let body: Record<string, unknown> = {};
        try {
          body = msg.json<Record<string, unknown>>();
        } catch {
          // a status message (no responders): counted as a reply that is not ok
        }
        const data = (body.data ?? {}) as Record<string, unknown>;
        const error = (body.error ?? {}) as Record<string, unknown>;
        const seen: SeenReply = { at: Date.now(), ok: body.ok === true };
        if (typeof body.status === 'string') seen.status = body.status;
        if (typeof body.sessionId === 'string') seen.sessionId = body.sessionId;
        if (typeof data.taskId === 'string') seen.taskId = data.taskId;
        if (typeof error.code === 'string') seen.code = error.code;
        const list = this.#replies.get(n) ?? [];
        list.push(seen);
        this.#replies.set(n, list);
      },
    });
    await this.#nc.flush();
  }

  /** Publishes one request to `subject`; returns its number. */
  send(subject: string, payload: unknown): number {
    const n = this.#sent++;
    this.#sentAt[n] = Date.now();
    this.#nc.publish(subject, enc.encode(JSON.stringify(payload)), { reply: `${this.#prefix}.${n}` });
    return n;
  }

  get sent(): number {
    return this.#sent;
  }

  replies(n: number): SeenReply[] {
    return this.#replies.get(n) ?? [];
  }

  /** The first reply of every request that got one. */
  firsts(): SeenReply[] {
    const out: SeenReply[] = [];
    for (let n = 0; n < this.#sent; n++) {
      const r = this.replies(n)[0];
      if (r) out.push(r);
    }
    return out;
  }

  /** Latency of every first reply, ms, sorted. */
  latencies(): number[] {
    const out: number[] = [];
    for (let n = 0; n < this.#sent; n++) {
      const r = this.replies(n)[0];
      if (r) out.push(r.at - (this.#sentAt[n] ?? r.at));
    }
    return out.sort((a, b) => a - b);
  }

  /** The `p`-quantile (0..1) of first-reply latency, ms. */
  latency(p: number): number {
    const l = this.latencies();
    return l.length === 0 ? 0 : l[Math.min(l.length - 1, Math.floor(p * l.length))]!;
  }

  unanswered(): number {
    let missing = 0;
    for (let n = 0; n < this.#sent; n++) if (this.replies(n).length === 0) missing++;
    return missing;
  }

  /** Requests answered more than once. */
  duplicated(): number {
    let dup = 0;
    for (let n = 0; n < this.#sent; n++) if (this.replies(n).length > 1) dup++;
    return dup;
  }

  /** Waits until every request has a reply, or `timeoutMs`; then `graceMs` more to catch duplicates. */
  async settle(timeoutMs: number, graceMs = 2000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.unanswered() > 0 && Date.now() < until) await sleep(100);
    await sleep(graceMs);
  }

  /** Counts of first replies by kind. */
  tally(): { answered: number; queued: number; errors: number } {
    const t = { answered: 0, queued: 0, errors: 0 };
    for (const r of this.firsts()) {
      if (!r.ok) t.errors++;
      else if (r.status === 'queued') t.queued++;
      else t.answered++;
    }
    return t;
  }

  stop(): void {
    this.#sub?.unsubscribe();
  }
}

/** What the sessions bucket says about one session: its agent turns, by task id. */
export interface SessionTurns {
  exists: boolean;
  agentTurns: number;
  byTask: Map<string, number>;
}

/** Reads a session straight from the `KV_sessions` stream (latest value of its key). */
export async function readSession(nc: NatsConnection, sessionId: string): Promise<SessionTurns> {
  const jsm = await jetstreamManager(nc);
  const m = await jsm.streams
    .getMessage(`KV_${Names.sessionsBucket}`, { last_by_subj: `$KV.${Names.sessionsBucket}.${sessionId}` })
    .catch(() => null);
  const out: SessionTurns = { exists: false, agentTurns: 0, byTask: new Map() };
  if (!m || m.data.length === 0) return out;
  const s = m.json<{ turns: { role: string; taskId?: string }[] }>();
  out.exists = true;
  for (const t of s.turns) {
    if (t.role !== 'agent') continue;
    out.agentTurns++;
    const id = t.taskId ?? '?';
    out.byTask.set(id, (out.byTask.get(id) ?? 0) + 1);
  }
  return out;
}

/** Sessions whose agent turns are not exactly `expected` (one per task), by reading each one. */
export async function sessionsWithWrongTurns(
  nc: NatsConnection,
  sessionIds: readonly string[],
  expected = 1,
): Promise<{ missing: number; extra: number }> {
  let missing = 0;
  let extra = 0;
  for (const id of sessionIds) {
    const s = await readSession(nc, id);
    if (s.agentTurns < expected) missing++;
    else if (s.agentTurns > expected || [...s.byTask.values()].some((n) => n > 1)) extra++;
  }
  return { missing, extra };
}

/** Messages in the dead-letter stream. */
export async function deadLetterCount(nc: NatsConnection): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const si = await jsm.streams.info(Names.deadLetterStream).catch(() => null);
  return si?.state.messages ?? 0;
}

/**
 * What the requests of `tracker` came to after a fault: first replies by kind, dead letters,
 * requests never answered or answered twice, and the sessions whose agent turns are wrong (`kv`).
 */
export async function outcomeFigures(nc: NatsConnection, tracker: AskTracker) {
  const tally = tracker.tally();
  const sessions = tracker.firsts().flatMap((r) => (r.ok && r.sessionId ? [r.sessionId] : []));
  const kv = await sessionsWithWrongTurns(nc, sessions);
  return {
    answered: tally.answered,
    queued: tally.queued,
    errors: tally.errors,
    dead_lettered: await deadLetterCount(nc),
    lost: tracker.unanswered(),
    duplicated: tracker.duplicated(),
    sessions_missing_turn: kv.missing,
    sessions_extra_turns: kv.extra,
    kv,
  };
}

/** SIGTERMs a service and measures how long it takes to exit. */
export async function timedStop(
  p: ServiceProcess,
): Promise<{ ms: number; code: number | null; signal: string | null }> {
  const started = Date.now();
  const info = await p.stop('SIGTERM', 15_000);
  return { ms: Date.now() - started, code: info.code, signal: info.signal };
}

/** Starts one more instance of the hr agent (its own INSTANCE_ID and ops port). */
export function startHr(stack: Stack, env: Record<string, string> = {}): Promise<ServiceProcess> {
  return stack.start('hr-agent', env);
}
