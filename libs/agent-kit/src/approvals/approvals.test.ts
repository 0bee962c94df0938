import type { KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Session } from '@switchboard/contracts';
import {
  createLogger,
  createMetrics,
  createSessionStore,
  ensureBuckets,
  type SessionStore,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../engine.js';
import { createToolExecutor } from '../tools/executor.js';
import { decideApproval, markShown } from './decide.js';
import { type ApprovalAsk, amendApproval, createApprovalDesk, withdrawApproval } from './desk.js';
import { sweepApprovals } from './owner.js';
import { type ApprovalRecord, approvalDigest, approvalIdFor, canonicalJson } from './record.js';
import { settleApproval } from './settle.js';
import { asksForApprovals, parseDecision } from './text.js';
import { approvalTools } from './tools.js';

const log = createLogger({ service: 'test', level: 'silent' });

describe('digest and ids', () => {
  it('writes canonical JSON whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"x":0,"y":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('changes the digest when anything the approver sees changes, and only then', () => {
    const base = {
      kind: 'expense' as const,
      subjectId: 'EXP-1',
      requester: 'alice',
      request: { summary: '640 USD', details: { amount: 640, currency: 'USD' } },
    };
    const same = { ...base, request: { details: { currency: 'USD', amount: 640 }, summary: '640 USD' } };
    expect(approvalDigest(base)).toBe(approvalDigest(same));
    expect(approvalDigest(base)).toMatch(/^[0-9a-f]{64}$/);
    const changed = { ...base, request: { ...base.request, details: { amount: 700, currency: 'USD' } } };
    expect(approvalDigest(changed)).not.toBe(approvalDigest(base));
  });

  it('derives the approval id from the task id', () => {
    expect(approvalIdFor('task-1')).toBe(approvalIdFor('task-1'));
    expect(approvalIdFor('task-1')).not.toBe(approvalIdFor('task-2'));
    expect(approvalIdFor('task-1')).toMatch(/^AP-[0-9A-F]{12}$/);
  });
});

describe('plain words', () => {
  it.each([
    'what do I need to approve?',
    'Which requests are waiting for my approval?',
    'do I have any pending approvals?',
    'anything for me to approve today?',
    'approvals',
  ])('"%s" asks for the approvals', (t) => expect(asksForApprovals(t)).toBe(true));

  it.each([
    'do I need approval for a 600 dollar hotel?',
    'who needs to approve a 5000 dollar purchase?',
    'what is the approval threshold for purchases?',
    'is my leave request approved?',
  ])('"%s" is not about the caller\'s approvals', (t) => {
    expect(asksForApprovals(t)).toBe(false);
    expect(parseDecision(t)).toBeUndefined();
  });

  it('reads decisions with what they point at', () => {
    expect(parseDecision("approve alice's expense")).toMatchObject({
      decision: 'approved',
      kind: 'expense',
      words: expect.arrayContaining(['alice']),
    });
    expect(parseDecision('approve 1')).toMatchObject({ decision: 'approved', ref: 1 });
    expect(parseDecision('reject the leave request from alice')).toMatchObject({
      decision: 'rejected',
      kind: 'leave',
      words: expect.arrayContaining(['alice']),
    });
    expect(parseDecision('yes approve it')).toMatchObject({ decision: 'approved' });
    expect(parseDecision('decline #2')).toMatchObject({ decision: 'rejected', ref: 2 });
    expect(parseDecision('ok')).toBeUndefined();
  });
});

describe('approvals in the bucket (real nats-server)', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let kv: KV;
  let sessions: SessionStore;
  let n = 0;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    const buckets = await ensureBuckets(nc);
    kv = buckets.approvals;
    sessions = createSessionStore(buckets.sessions);
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  const desk = (opts: { ttlMs?: number; metrics?: ReturnType<typeof createMetrics> } = {}) =>
    createApprovalDesk({
      agent: 'finance',
      kv,
      log,
      metrics: opts.metrics,
      settings: { ttlMs: opts.ttlMs ?? 60_000, sweepMs: 100 },
    });

  async function session(userId: string): Promise<string> {
    const sessionId = `s${++n}${'0'.repeat(20)}`;
    const now = new Date().toISOString();
    const s: Session = {
      sessionId,
      userId,
      agent: 'finance',
      status: 'open',
      createdAt: now,
      updatedAt: now,
      turns: [{ role: 'user', text: 'hello', at: now, taskId: `t${n}` }],
    };
    await sessions.create(s);
    return sessionId;
  }

  async function ask(amount = 640): Promise<ApprovalAsk> {
    return {
      kind: 'expense',
      subjectId: `EXP-${++n}`,
      requester: 'alice',
      approver: 'bob',
      request: { summary: `${amount} USD`, details: { amount } },
      sessionId: await session('alice'),
      taskId: `task-${++n}`,
    };
  }

  const started = async (m: ReturnType<typeof createMetrics>, outcome = 'started') =>
    (await m.workflows.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

  it('opens one pending approval per task, counted once', async () => {
    const metrics = createMetrics('test');
    const d = desk({ metrics });
    const a = await ask();
    const first = await d.open(a);
    const again = await d.open(a);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({
      created: false,
      record: { approvalId: first.record.approvalId, status: 'pending' },
    });
    expect(await started(metrics)).toBe(1);
  });

  it('lets exactly one of many concurrent decisions win; others see it closed', async () => {
    const d = desk();
    const { record } = await d.open(await ask());
    const tries = Array.from({ length: 8 }, (_, i) =>
      decideApproval(d, {
        approvalId: record.approvalId,
        userId: 'bob',
        decision: i % 2 ? 'approved' : 'rejected',
        seenDigest: record.digest,
        taskId: `decide-${i}`,
      }),
    );
    const outcomes = (await Promise.all(tries)).map((o) => o.outcome);
    expect(outcomes.filter((o) => o === 'decided')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'closed')).toHaveLength(7);
  });

  it('refuses anyone but the approver and writes nothing', async () => {
    const d = desk();
    const { record } = await d.open(await ask());
    const before = await kv.get(record.approvalId);
    for (const userId of ['carol', 'alice']) {
      const out = await decideApproval(d, {
        approvalId: record.approvalId,
        userId,
        decision: 'approved',
        seenDigest: record.digest,
        taskId: 't',
      });
      expect(out.outcome).toBe('forbidden');
    }
    expect((await kv.get(record.approvalId))?.revision).toBe(before?.revision);
  });

  it('does not apply a decision on a version that changed, then takes one on the new version', async () => {
    const d = desk();
    const { record } = await d.open(await ask(640));
    const amended = await amendApproval(d, record.approvalId, {
      summary: '700 USD',
      details: { amount: 700 },
    });
    expect(amended).toMatchObject({ ok: true, record: { version: 2 } });
    const decide = (seenDigest: string) =>
      decideApproval(d, {
        approvalId: record.approvalId,
        userId: 'bob',
        decision: 'approved',
        seenDigest,
        taskId: 'd1',
      });
    const stale = await decide(record.digest);
    expect(stale).toMatchObject({
      outcome: 'changed',
      record: { status: 'pending', request: { summary: '700 USD' } },
    });
    const fresh = await decide(stale.outcome === 'changed' ? stale.record.digest : '');
    expect(fresh).toMatchObject({ outcome: 'decided', record: { status: 'approved', version: 2 } });
    expect(await decide(fresh.outcome === 'decided' ? fresh.record.digest : '')).toMatchObject({
      outcome: 'decided',
    });
    expect(await amendApproval(d, record.approvalId, { summary: '1 USD', details: {} })).toMatchObject({
      ok: false,
      why: 'not_pending',
    });
  });

  it('settles a decision once across two owner instances: applied, told, counted once', async () => {
    const [m1, m2] = [createMetrics('test'), createMetrics('test')];
    const [d1, d2] = [desk({ metrics: m1 }), desk({ metrics: m2 })];
    const a = await ask();
    const { record } = await d1.open(a);
    await decideApproval(d1, {
      approvalId: record.approvalId,
      userId: 'bob',
      decision: 'approved',
      seenDigest: record.digest,
      taskId: 'x',
    });
    const applied: string[] = [];
    const apply = async (r: ApprovalRecord) => void applied.push(r.status);
    await Promise.all([
      settleApproval({ desk: d1, sessions, apply }, record.approvalId),
      settleApproval({ desk: d2, sessions, apply }, record.approvalId),
      settleApproval({ desk: d1, sessions, apply }, record.approvalId),
    ]);
    expect(applied.length).toBeGreaterThanOrEqual(1);
    expect(new Set(applied)).toEqual(new Set(['approved']));
    expect((await started(m1, 'approved')) + (await started(m2, 'approved'))).toBe(1);
    const turns = (await sessions.get(a.sessionId!))?.session.turns ?? [];
    expect(turns.filter((t) => /was approved by bob/.test(t.text))).toHaveLength(1);
    expect((await d1.store.get(record.approvalId))?.record.applied).toBe(true);
  });

  it('expires an overdue approval in a sweep and tells the requester and the approver where he saw it', async () => {
    const metrics = createMetrics('test');
    const d = desk({ ttlMs: 300, metrics });
    const a = await ask();
    const { record } = await d.open(a);
    const bobSession = await session('bob');
    await markShown(d, record.approvalId, bobSession, record.digest);
    const applied: string[] = [];
    await new Promise((r) => setTimeout(r, 400));
    // The sweep also settles what earlier cases decided and left unapplied: only this one is looked at.
    const apply = async (r: ApprovalRecord) =>
      void (r.approvalId === record.approvalId && applied.push(r.status));
    await sweepApprovals({ desk: d, sessions, apply });
    expect((await d.store.get(record.approvalId))?.record).toMatchObject({
      status: 'expired',
      applied: true,
    });
    expect(applied).toEqual(['expired']);
    const told = async (s: string) => (await sessions.get(s))?.session.turns.map((t) => t.text).join('\n');
    expect(await told(a.sessionId!)).toMatch(/expired at .* without a decision from bob/);
    expect(await told(bobSession)).toMatch(/expired at .* before a decision/);
    expect(await started(metrics, 'expired')).toBe(1);
    const late = await decideApproval(d, {
      approvalId: record.approvalId,
      userId: 'bob',
      decision: 'approved',
      seenDigest: record.digest,
      taskId: 'late',
    });
    expect(late).toMatchObject({ outcome: 'closed', record: { status: 'expired' } });
  });

  it('offers the same rules as tools: decide only what list_approvals showed in this session', async () => {
    const d = desk();
    const { record } = await d.open(await ask());
    const executor = createToolExecutor({ agent: 'finance', tools: approvalTools(d) });
    const events: DomainEvent[] = [];
    const ctx = (userId: string, sessionId: string) => ({
      userId,
      sessionId,
      taskId: `tool-${++n}`,
      log,
      signal: new AbortController().signal,
      emit: (e: DomainEvent) => events.push(e),
    });
    const decide = { approvalId: record.approvalId, decision: 'approved' };
    const unseen = await executor.execute('decide_approval', decide, ctx('bob', 'bob-1'));
    expect(unseen).toMatchObject({ ok: true, output: { outcome: 'not_shown' } });
    const listed = await executor.execute('list_approvals', {}, ctx('bob', 'bob-1'));
    expect(
      listed.ok && (listed.output as { pending: { approvalId: string }[] }).pending.map((a) => a.approvalId),
    ).toContain(record.approvalId);
    const carol = await executor.execute('list_approvals', {}, ctx('carol', 'carol-1'));
    expect(carol.ok && (carol.output as { pending: unknown[] }).pending).toEqual([]);
    const done = await executor.execute('decide_approval', decide, ctx('bob', 'bob-1'));
    expect(done).toMatchObject({ ok: true, output: { outcome: 'decided', status: 'approved' } });
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'approval_decided',
        data: expect.objectContaining({ approvalId: record.approvalId, decidedBy: 'bob' }),
      }),
    ]);
  });

  it('withdraws a pending approval when the employee cancels: nothing left to decide', async () => {
    const metrics = createMetrics('test');
    const d = desk({ metrics });
    const { record } = await d.open(await ask());
    expect(await withdrawApproval(d, record.approvalId, 'alice')).toBe(true);
    // Withdrawn twice (a redelivered cancel): one end of the flow, counted once.
    expect(await withdrawApproval(d, record.approvalId, 'alice')).toBe(true);
    expect(await started(metrics, 'withdrawn')).toBe(1);
    const durations = (await metrics.workflowDuration.get()).values.filter(
      (v) => v.labels.outcome === 'withdrawn' && v.metricName?.endsWith('_count'),
    );
    expect(durations.map((v) => v.value)).toEqual([1]);
    const out = await decideApproval(d, {
      approvalId: record.approvalId,
      userId: 'bob',
      decision: 'approved',
      seenDigest: record.digest,
      taskId: 'w',
    });
    expect(out).toMatchObject({ outcome: 'closed', record: { status: 'withdrawn', applied: true } });
  });
});
