// The approval and onboarding flows with the NATS identities and tokens of `npm run secure:init`
// (nkeys, TLS, tokens, admin provisioning, the four services as their own identities). Each user
// connects as `client-<user>` with their own token: who decides an approval and who reads a saga is
// the token's subject, never what a request's body or text says. No permission violation anywhere.
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OkReply, type Reply, type Stack, waitFor } from '../e2e/harness.js';
import { type IdentityConnection, type SecureStack, startSecureStack } from '../security/harness.js';
import { aliceLeave, approval } from './approval-support.js';

let secure: SecureStack;
let stack: Stack;
let admin: IdentityConnection;
const users = ['alice', 'bob', 'carol'] as const;
type User = (typeof users)[number];
const client = {} as Record<User, IdentityConnection>;
let token: Record<User, string>;

beforeAll(async () => {
  secure = await startSecureStack(() => ({ APPROVAL_SWEEP_MS: '1000' }));
  ({ stack, admin } = secure);
  token = secure.tokens as Record<User, string>;
  for (const u of users) client[u] = await secure.secure.connectAs(`client-${u}`);
}, 120_000);

afterAll(async () => {
  await secure?.stop();
}, 60_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    if (stack) process.stderr.write(`\n${stack.diagnostics()}\n`);
  });
});

/** A request on `subject` as `user`: their client identity and their token in `Authorization`. */
async function request(user: User, subject: string, body: unknown, as: User = user): Promise<Reply> {
  const h = headers();
  h.set('Authorization', `Bearer ${token[as]}`);
  const nc: NatsConnection = client[user].nc;
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return (await nc.request(subject, payload, { timeout: 20_000, headers: h })).json<Reply>();
}

function ok(r: Reply): OkReply {
  if (!r.ok) throw new Error(`expected an answer, got ${JSON.stringify(r)}`);
  return r;
}

/** One user's conversation: `agents.ask`, then follow-ups on the answering agent, with their token only. */
class Talk {
  sessionId: string | undefined;
  agent: string | undefined;
  constructor(readonly user: User) {}
  async say(text: string): Promise<OkReply> {
    const subject = this.agent ? `agents.${this.agent}.ask` : 'agents.ask';
    const r = ok(await request(this.user, subject, { text, sessionId: this.sessionId }));
    this.sessionId = r.sessionId;
    this.agent = r.agent ?? undefined;
    return r;
  }
}

/** `GET <path>` on the gateway with `user`'s token. */
function http(path: string, user: User): Promise<Response> {
  return fetch(`${stack.gatewayUrl}${path}`, { headers: { authorization: `Bearer ${token[user]}` } });
}

/** Permission violations the server logged (`Publish Violation - Nkey ...`). */
function serverViolations(): string[] {
  return secure.secure.server
    .output()
    .split('\n')
    .filter((l) => /(Publish|Subscription) Violation|Permissions Violation/i.test(l));
}

describe('approval that waits, with tokens', () => {
  let leave: Talk;
  let approvalId: string;
  let requestId: string;

  it("stores alice's twelve-working-day vacation as pending for bob", async () => {
    leave = new Talk('alice');
    const preview = await leave.say('book vacation from 2027-03-01 to 2027-03-16');
    expect(leave.agent).toBe('hr');
    expect(preview.text).toMatch(/12 working days/);
    const done = await leave.say('yes');
    expect(done.text).toMatch(/waits for bob's approval/);
    expect(done.data).toMatchObject({ status: 'pending_approval', approver: 'bob' });
    approvalId = String(done.data?.approvalId);
    const record = await approval(admin.nc, approvalId);
    expect(record).toMatchObject({ kind: 'leave', requester: 'alice', approver: 'bob', status: 'pending' });
    requestId = String(record.subjectId);
    expect((await aliceLeave(admin.nc, requestId)).status).toBe('pending_approval');
  });

  it("refuses carol's token, alice's own token, and a body that claims to be bob: nothing changes", async () => {
    const before = await approval(admin.nc, approvalId);
    const carol = await new Talk('carol').say("approve alice's leave");
    expect(carol.text).toMatch(/Only bob .* can decide/);
    expect(carol.data).toMatchObject({ intent: 'approvals_forbidden' });
    const own = await new Talk('alice').say("approve alice's leave");
    expect(own.text).toMatch(/You cannot approve or reject your own request/);
    // alice's connection and token, a body naming bob: refused before any agent sees it.
    const claimed = await request('alice', 'agents.ask', { text: "approve alice's leave", userId: 'bob' });
    expect(claimed).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const followUp = await request('alice', 'agents.hr.ask', {
      text: 'approve 1',
      userId: 'bob',
      sessionId: leave.sessionId,
    });
    expect(followUp).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const overHttp = await fetch(`${stack.gatewayUrl}/v1/ask`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: "approve alice's leave", userId: 'bob' }),
    });
    expect(overHttp.status).toBe(403);
    const after = await approval(admin.nc, approvalId);
    expect(after).toMatchObject({ status: 'pending', applied: false, digest: before.digest });
    expect(after.decidedBy).toBeUndefined();
    expect((await aliceLeave(admin.nc, requestId)).status).toBe('pending_approval');
  });

  it("lets bob's token list and approve it; alice's session is told", async () => {
    const bob = new Talk('bob');
    const list = await bob.say('what do I need to approve?');
    const shown = list.data?.approvals as { ref: number; approvalId: string }[];
    const mine = shown.find((a) => a.approvalId === approvalId);
    expect(mine).toBeDefined();
    const approved = await bob.say(`approve ${mine!.ref}`);
    expect(approved.text).toMatch(/^Approved: Alice \w+'s leave request/);
    const notice = await waitFor(
      "the notice in alice's session",
      async () => {
        const r = await http(`/v1/sessions/${leave.sessionId}`, 'alice');
        const view = (await r.json()) as { turns: { role: string; text: string }[] };
        return view.turns.find((t) => t.role === 'agent' && /was approved by bob/.test(t.text))?.text;
      },
      { timeoutMs: 20_000 },
    );
    expect(notice).toMatch(new RegExp(`^Your leave request ${requestId} .* was approved by bob\\.$`));
    expect(await approval(admin.nc, approvalId)).toMatchObject({
      status: 'approved',
      decidedBy: 'bob',
      applied: true,
      effect: 'applied',
    });
    expect((await aliceLeave(admin.nc, requestId)).status).toBe('approved');
    // bob cannot read alice's session, where the notice is.
    expect((await http(`/v1/sessions/${leave.sessionId}`, 'bob')).status).toBe(403);
  });
});

describe('the onboarding saga, with tokens', () => {
  let sagaId: string;

  it("starts bob's onboarding and shows it to bob, over NATS and HTTP, and to nobody else", async () => {
    const started = await new Talk('bob').say('onboard Dana Reyes to engineering starting 2027-01-04');
    expect(started.text).toMatch(/^Onboarding of Dana Reyes started \(saga onb-[0-9a-f]{20}\)/);
    sagaId = String(started.data?.sagaId);
    const saga = await waitFor('the saga notified', async () => {
      const r = await request('bob', 'sagas.get', { sagaId });
      const s = r.ok
        ? (r as unknown as { saga: { status: string; steps: { step: string }[] } }).saga
        : undefined;
      return s?.steps.some((x) => x.step === 'notified') ? s : undefined;
    });
    expect(saga).toMatchObject({ sagaId, requester: 'bob', status: 'completed' });
    const byAlice = await request('alice', 'sagas.get', { sagaId });
    expect(byAlice).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // The id as plain text is a request too.
    const plain = await request('bob', 'sagas.get', sagaId);
    expect(plain).toMatchObject({ ok: true, saga: { sagaId } });
    const bobHttp = await http(`/v1/sagas/${sagaId}`, 'bob');
    expect(bobHttp.status).toBe(200);
    expect(await bobHttp.json()).toMatchObject({ ok: true, saga: { sagaId, requester: 'bob' } });
    const aliceHttp = await http(`/v1/sagas/${sagaId}`, 'alice');
    expect(aliceHttp.status).toBe(403);
    expect(await aliceHttp.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const anonymous = await fetch(`${stack.gatewayUrl}/v1/sagas/${sagaId}`);
    expect(anonymous.status).toBe(401);
  });
});

describe("Finance's listings of finance_data, as finance-agent", () => {
  it("finds an expense by id and lists alice's expenses (a watch of the bucket it may watch)", async () => {
    const one = await new Talk('alice').say('what is the status of expense EXP-1001?');
    expect(one.agent).toBe('finance');
    expect(one.text).toMatch(/EXP-1001/);
    const mine = await new Talk('alice').say('what is the status of my expenses?');
    expect(mine.agent).toBe('finance');
    expect(mine.text).toMatch(/EXP-1003[\s\S]*EXP-1002[\s\S]*EXP-1001/);
  });
});

describe('permissions', () => {
  it('no identity touched anything it may not (server log and every client connection)', () => {
    expect(serverViolations()).toEqual([]);
    for (const u of users) expect(client[u].violations).toEqual([]);
    expect(admin.violations).toEqual([]);
    for (const p of stack.processes()) expect(p.output()).not.toMatch(/permissions violation/i);
  });
});
