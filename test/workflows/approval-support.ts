// Helpers of the approval tests: conversations over NATS against real services, and reads of the
// approvals, sessions and agents' data buckets.
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { expect } from 'vitest';
import { ask, asOk, type OkReply, waitFor } from '../e2e/harness.js';

/** One user's conversation: the first message through `agents.ask`, then follow-ups to the owning agent. */
export class Talk {
  sessionId: string | undefined;
  agent: string | undefined;
  constructor(
    private readonly nc: NatsConnection,
    readonly userId: string,
  ) {}

  async say(text: string): Promise<OkReply> {
    const subject = this.agent ? `agents.${this.agent}.ask` : 'agents.ask';
    const body = { text, userId: this.userId, ...(this.sessionId ? { sessionId: this.sessionId } : {}) };
    const r = asOk(await ask(this.nc, subject, body, 20_000));
    expect(r.status).toBe('answered');
    this.sessionId = r.sessionId;
    this.agent = r.agent ?? undefined;
    return r;
  }
}

/** Alice's over-limit expense: 640 USD of hotel yesterday (the approval limit is 500 USD). */
export async function submitBigExpense(nc: NatsConnection): Promise<{ talk: Talk; approvalId: string }> {
  const talk = new Talk(nc, 'alice');
  const first = await talk.say('Please file my hotel: $640 yesterday, I have the receipt');
  expect(talk.agent).toBe('finance');
  expect(first.text).toMatch(/wait for your manager's approval/);
  const done = await talk.say('yes');
  expect(done.text).toMatch(/waiting for approval by bob/);
  const result = (done.data as { result: { approvalId: string; expense: { status: string } } }).result;
  expect(result.expense.status).toBe('pending_approval');
  return { talk, approvalId: result.approvalId };
}

/** Alice's long vacation: 1-16 March 2027, 12 working days (more than ten: the manager approves). */
export async function requestLongLeave(nc: NatsConnection): Promise<{ talk: Talk; approvalId: string }> {
  const talk = new Talk(nc, 'alice');
  const preview = await talk.say('book vacation from 2027-03-01 to 2027-03-16');
  expect(talk.agent).toBe('hr');
  expect(preview.text).toMatch(/12 working days/);
  const done = await talk.say('yes');
  expect(done.text).toMatch(/waits for bob's approval/);
  expect(done.data).toMatchObject({ status: 'pending_approval', approver: 'bob' });
  return { talk, approvalId: String(done.data?.approvalId) };
}

/** The approval record as stored. */
export async function approval(nc: NatsConnection, approvalId: string): Promise<Record<string, unknown>> {
  const kv = await new Kvm(nc).open('approvals');
  const e = await kv.get(approvalId);
  if (e?.operation !== 'PUT') throw new Error(`no approval ${approvalId}`);
  return e.json<Record<string, unknown>>();
}

/** The texts of a session's agent turns. */
export async function sessionTexts(nc: NatsConnection, sessionId: string): Promise<string[]> {
  const kv = await new Kvm(nc).open('sessions');
  const e = await kv.get(sessionId);
  if (e?.operation !== 'PUT') return [];
  const s = e.json<{ turns: { role: string; text: string }[] }>();
  return s.turns.filter((t) => t.role === 'agent').map((t) => t.text);
}

/** Waits until a session has an agent turn matching `pattern` (a notice), and returns it. */
export function noticeIn(
  nc: NatsConnection,
  sessionId: string,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<string> {
  return waitFor(
    `a notice ${pattern} in session ${sessionId}`,
    async () => (await sessionTexts(nc, sessionId)).find((t) => pattern.test(t)),
    { timeoutMs, intervalMs: 200 },
  );
}

/** Waits until the approval has been applied by its owner, and returns it. */
export function applied(
  nc: NatsConnection,
  approvalId: string,
  timeoutMs = 20_000,
): Promise<Record<string, unknown>> {
  return waitFor(
    `approval ${approvalId} applied`,
    async () => {
      const r = await approval(nc, approvalId);
      return r.applied === true ? r : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** An expense of alice in `finance_data`. */
export async function aliceExpense(nc: NatsConnection, expenseId: string): Promise<Record<string, unknown>> {
  const kv = await new Kvm(nc).open('finance_data');
  const e = await kv.get(`expense.alice.${expenseId}`);
  if (e?.operation !== 'PUT') throw new Error(`no expense ${expenseId}`);
  return e.json<Record<string, unknown>>();
}

/** One of alice's leave requests in `hr_data`. */
export async function aliceLeave(nc: NatsConnection, requestId: string): Promise<Record<string, unknown>> {
  const kv = await new Kvm(nc).open('hr_data');
  const e = await kv.get('leave.alice');
  if (e?.operation !== 'PUT') throw new Error('no leave record of alice');
  const found = e.json<{ requests: Record<string, unknown>[] }>().requests.find((r) => r.id === requestId);
  if (!found) throw new Error(`no leave request ${requestId}`);
  return found;
}

/** The value of one sample of a Prometheus text exposition (0 when absent). */
export function sample(metrics: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (want.every((w) => line.includes(w))) return Number(line.split(' ').pop());
  }
  return 0;
}

/** The engineering budget's committed USD for the quarter of `date` (`YYYY-MM-DD`). */
export async function committed(nc: NatsConnection, date: string): Promise<number> {
  const kv = await new Kvm(nc).open('finance_data');
  const e = await kv.get('budget.engineering');
  if (e?.operation !== 'PUT') throw new Error('no engineering budget');
  const quarter = `Q${Math.ceil(Number(date.slice(5, 7)) / 3)}`;
  const b = e.json<{ years: Record<string, Record<string, { committed: number }>> }>();
  return b.years[date.slice(0, 4)]?.[quarter]?.committed ?? Number.NaN;
}

/** Yesterday, `YYYY-MM-DD` (UTC): the date of the test expenses. */
export function yesterday(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}
