// The four real services, each with its own identity from `npm run secure:init` (nkey, TLS, its own
// inbox prefix, token verification, provisioning left to admin), on a nats-server running the
// generated configuration: they answer over NATS and HTTP without a single permission violation.
// Callers who name a reply subject that is not an inbox (a stream, a session's key, a task
// subject) get nothing sent there. No seed, key or token appears in any log of the run.
import { readFileSync } from 'node:fs';
import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { Names } from '@switchboard/contracts';
import { DeployedAgents, provisionAll } from '@switchboard/runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { allServices, type OkReply, type Reply, Stack, waitFor } from '../e2e/harness.js';
import { type IdentityConnection, type SecureNats, startSecureNats } from './harness.js';

let secure: SecureNats;
let stack: Stack;
let client: IdentityConnection;
let gateway: IdentityConnection;
let jsm: JetStreamManager;
let sessions: KV;
const token: Record<string, string> = {};

beforeAll(async () => {
  secure = await startSecureNats();
  for (const [user, file] of Object.entries(secure.init.tokens.tokenFiles)) {
    token[user] = readFileSync(file, 'utf8').trim();
  }
  // The privileged step first: the services only check their streams and buckets.
  const admin = await secure.connectAs('admin');
  jsm = await jetstreamManager(admin.nc);
  await provisionAll(admin.nc, jsm, { agents: DeployedAgents });
  sessions = await new Kvm(admin.nc).open(Names.sessionsBucket);
  stack = new Stack(secure.server);
  await Promise.all(allServices.map((s) => stack.start(s, { ...secure.env(s), LOG_LEVEL: 'debug' })));
  client = await secure.connectAs('client');
  gateway = await secure.connectAs('gateway');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await secure?.stop();
}, 60_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    if (stack) process.stderr.write(`\n${stack.diagnostics()}\n`);
  });
});

/** A request as `user` (its demo token in the `Authorization` header). */
async function ask(
  nc: NatsConnection,
  subject: string,
  body: Record<string, unknown>,
  user = 'alice',
): Promise<Reply> {
  const h = headers();
  h.set('Authorization', `Bearer ${token[user]}`);
  return (await nc.request(subject, JSON.stringify(body), { timeout: 20_000, headers: h })).json<Reply>();
}

function ok(r: Reply): OkReply {
  if (!r.ok) throw new Error(`expected an answer, got ${JSON.stringify(r)}`);
  return r;
}

/** Every permission violation the server logged so far (`Publish Violation - Nkey ...`). */
function serverViolations(): string[] {
  return secure.server
    .output()
    .split('\n')
    .filter((l) => /(Publish|Subscription) Violation|Permissions Violation/i.test(l));
}

describe('services running as their own identities', () => {
  it('answer agents.ask over NATS and follow-ups on the agent endpoint, as the client identity', async () => {
    const first = ok(
      await ask(client.nc, 'agents.ask', { text: 'how many vacation days do I have?', userId: 'alice' }),
    );
    expect(first).toMatchObject({ status: 'answered', agent: 'hr' });
    const next = ok(
      await ask(client.nc, 'agents.hr.ask', {
        text: 'I want to take leave',
        sessionId: first.sessionId,
        userId: 'alice',
      }),
    );
    expect(next).toMatchObject({ agent: 'hr', sessionId: first.sessionId });
    const finance = ok(
      await ask(
        client.nc,
        'agents.ask',
        { text: 'what is the remaining budget of engineering?', userId: 'carol' },
        'carol',
      ),
    );
    expect(finance).toMatchObject({ status: 'answered', agent: 'finance' });
    expect(client.violations).toEqual([]);
  });

  it('answer over HTTP through the gateway', async () => {
    const base = stack.gatewayUrl;
    const auth = { authorization: `Bearer ${token.alice}`, 'content-type': 'application/json' };
    const r = await fetch(`${base}/v1/ask`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ text: 'how many vacation days do I have?', userId: 'alice' }),
    });
    const body = (await r.json()) as OkReply;
    expect(r.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ ok: true, agent: 'hr' });
    const read = await fetch(`${base}/v1/sessions/${body.sessionId}`, { headers: auth });
    expect(read.status).toBe(200);
  });

  it("list and call the agents' tools over MCP through the gateway (agents.<agent>.tools)", async () => {
    const mcp = (user: string | undefined, body: Record<string, unknown>) =>
      fetch(`${stack.gatewayUrl}/mcp`, {
        method: 'POST',
        headers: {
          ...(user ? { authorization: `Bearer ${token[user]}` } : {}),
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, ...body }),
      });
    expect((await mcp(undefined, { method: 'tools/list' })).status).toBe(401);
    const list = (await (await mcp('alice', { method: 'tools/list' })).json()) as {
      result: { tools: { name: string }[] };
    };
    const names = list.result.tools.map((t) => t.name);
    expect(names).toContain('hr_leave_balance');
    expect(names).toContain('finance_budget_status');
    const call = (await (
      await mcp('alice', { method: 'tools/call', params: { name: 'hr_leave_balance', arguments: {} } })
    ).json()) as { result: { structuredContent: { employee: { id: string } } } };
    expect(call.result.structuredContent.employee.id).toBe('alice');
  });

  it('stream an answer over SSE, resumable only by the user it is for (docs/streaming.md)', async () => {
    const base = stack.gatewayUrl;
    const asked = await fetch(`${base}/v1/ask`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token.alice}`,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify({ text: 'what is the parental leave policy?', userId: 'alice' }),
    });
    expect(asked.status).toBe(200);
    const streamId = asked.headers.get('switchboard-stream')!;
    const live = await asked.text();
    expect(live).toContain(`id: ${streamId}:1\nevent: chunk`);
    expect(live).toMatch(/event: reply\ndata: \{"ok":true/);
    const resume = (user?: string) =>
      fetch(`${base}/v1/streams/${streamId}`, {
        headers: {
          ...(user ? { authorization: `Bearer ${token[user]}` } : {}),
          'last-event-id': `${streamId}:1`,
        },
      });
    expect((await resume()).status).toBe(401);
    expect((await resume('bob')).status).toBe(403);
    const mine = await resume('alice');
    expect(mine.status).toBe(200);
    const rest = await mine.text();
    expect(rest).not.toContain(`id: ${streamId}:1\n`);
    expect(rest).toContain('event: reply');
  });

  it('never touch anything their identity does not allow (no permission violation in the server log)', () => {
    expect(serverViolations()).toEqual([]);
    for (const p of stack.processes()) expect(p.output()).not.toMatch(/permissions violation/i);
  });

  it('log that they run with an identity, and not the open-mode warning', () => {
    for (const p of stack.processes()) {
      expect(p.output()).toMatch(/"auth":"nkey","tls":true,"inboxPrefix":"_INBOX\.[a-z-]+"/);
      expect(p.output()).not.toMatch(/running unauthenticated/);
    }
  });
});

describe('reply subjects that are not inboxes', () => {
  /** What each attempt aims at, read back after it. */
  async function target() {
    const s = await jsm.streams.info(Names.eventsStream);
    const t = await jsm.streams.info(Names.tasksStream);
    return { events: s.state.messages, tasks: t.state.last_seq };
  }

  it('are refused by the router and the agents: nothing is written where they point', async () => {
    const victim = ok(
      await ask(client.nc, 'agents.ask', { text: 'how many vacation days do I have?', userId: 'bob' }, 'bob'),
    );
    const victimBefore = await sessions.get(victim.sessionId);
    const before = await target();
    const h = () => {
      const x = headers();
      x.set('Authorization', `Bearer ${token.alice}`);
      return x;
    };
    const book = JSON.stringify({
      text: 'book my vacation from the 3rd to the 5th of next month',
      userId: 'alice',
    });
    const attempts: { who: IdentityConnection; subject: string; reply: string }[] = [
      // The attack: the router and an agent overwrite the victim's session.
      { who: gateway, subject: 'agents.ask', reply: `$KV.sessions.${victim.sessionId}` },
      { who: client, subject: 'agents.ask', reply: `$KV.sessions.${victim.sessionId}` },
      // An agent's answer published as a domain event, or as a task.
      { who: client, subject: 'agents.hr.ask', reply: 'events.hr.leave_requested' },
      { who: client, subject: 'agents.ask', reply: 'tasks.hr' },
      { who: client, subject: 'agents.finance.ask', reply: 'dlq.finance' },
    ];
    for (const a of attempts) a.who.nc.publish(a.subject, book, { reply: a.reply, headers: h() });
    // Requests sent after them are answered: the refused ones have been handled by then.
    ok(await ask(client.nc, 'agents.ask', { text: 'how many vacation days do I have?', userId: 'alice' }));
    ok(await ask(client.nc, 'agents.hr.ask', { text: 'how many vacation days do I have?', userId: 'alice' }));
    const countRefused = () =>
      stack
        .processes()
        .reduce(
          (n, p) =>
            n + (p.output().match(/request refused: its reply subject is not an inbox/g) ?? []).length,
          0,
        );
    await waitFor('every attempt refused', () => (countRefused() >= attempts.length ? true : undefined), {
      timeoutMs: 5000,
    });
    const refused = countRefused();
    const victimAfter = await sessions.get(victim.sessionId);
    expect(victimAfter?.revision).toBe(victimBefore?.revision);
    const after = await target();
    // The two requests above added two tasks and no event.
    expect(after).toEqual({ events: before.events, tasks: before.tasks + 2 });
    process.stdout.write(
      `\nreply subjects that are not inboxes: ${refused} of ${attempts.length} refused by the services\n`,
    );
    expect(refused).toBe(attempts.length);
    expect(serverViolations()).toEqual([]);
  });
});

describe('a task whose reply subject is not an inbox', () => {
  it('is dead-lettered by the agent, with nothing published where it points', async () => {
    const router = await secure.connectAs('router');
    const js = jetstream(router.nc);
    const dlqBefore = (await jsm.streams.info(Names.deadLetterStream)).state.messages;
    const eventsBefore = (await jsm.streams.info(Names.eventsStream)).state.messages;
    const h = headers();
    h.set('Switchboard-Reply-To', 'events.hr.leave_requested');
    h.set('Switchboard-User', 'alice');
    const taskId = `t${Date.now()}`;
    const task = {
      taskId,
      requestId: taskId,
      sessionId: `s${Date.now()}`,
      agent: 'hr',
      text: 'book my vacation from the 3rd to the 5th of next month',
      newSession: true,
      createdAt: new Date().toISOString(),
      userId: 'alice',
    };
    await js.publish('tasks.hr', JSON.stringify(task), { msgID: taskId, headers: h });
    const dl = await waitFor('the dead letter', async () => {
      const info = await jsm.streams.info(Names.deadLetterStream);
      return info.state.messages > dlqBefore
        ? jsm.streams.getMessage(Names.deadLetterStream, { last_by_subj: 'dlq.hr' })
        : undefined;
    });
    expect(dl?.json<{ taskId: string }>().taskId).toBe(taskId);
    expect(dl?.header.get('Switchboard-Dlq-Reason')).toBe('invalid_task');
    expect((await jsm.streams.info(Names.eventsStream)).state.messages).toBe(eventsBefore);
    expect(router.violations).toEqual([]);
    expect(serverViolations()).toEqual([]);
  });
});

describe('secrets', () => {
  it('no seed, key or token appears in any log of the run', () => {
    const secrets: string[] = [...Object.values(token)];
    for (const { seedFile } of Object.values(secure.init.identities))
      secrets.push(readFileSync(seedFile, 'utf8').trim());
    const keyBody = (file: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('-----'))
        .join('');
    secrets.push(keyBody(secure.init.tokens.signingKeyFile), keyBody(secure.init.tls.keyFile));
    const logs = [...stack.processes().map((p) => p.output()), secure.server.output()];
    expect(secrets.length).toBeGreaterThan(8);
    for (const s of secrets) {
      expect(s.length).toBeGreaterThan(20);
      for (const log of logs) {
        // Any 24 characters of the secret would do to find it; none is there.
        expect(log.includes(s.slice(0, 24)), `a secret found in a log`).toBe(false);
      }
    }
    expect(logs.join('').length).toBeGreaterThan(1000);
  });
});

describe('the check of the server log', () => {
  it('finds a violation when there is one (so none above means none happened)', async () => {
    client.nc.publish('tasks.hr', '{}');
    await client.nc.flush();
    await waitFor('the violation in the server log', () =>
      serverViolations().length > 0 ? true : undefined,
    );
    expect(serverViolations()).toHaveLength(1);
    expect(serverViolations()[0]).toMatch(/Publish Violation .*Subject "tasks\.hr"/);
  });
});
