// Callers prove who they are, through the four real services: with the token public key of
// `issueDemoTokens` (what `npm run secure:init` writes) every request needs a demo token, the
// answer is for the token's user whatever the request claims, and a session can be read or
// continued only by the user who opened it. No token or key ever appears in a service's output.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { type DemoTokenFiles, issueDemoTokens } from '@switchboard/runtime';
import { startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  allServices,
  asError,
  asOk,
  cleanEnv,
  type OkReply,
  type Reply,
  repoRoot,
  Stack,
} from './harness.js';

let stack: Stack | undefined;
let nc: NatsConnection;
let dir: string;
let files: DemoTokenFiles;
const token: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-e2e-tokens-'));
  files = await issueDemoTokens(dir);
  for (const [user, file] of Object.entries(files.tokenFiles))
    token[user] = (await readFile(file, 'utf8')).trim();
  stack = new Stack(await startNatsServer());
  // Debug logs: whatever a service would log about a request is in the output the last test greps.
  await Promise.all(allServices.map((s) => stack!.start(s, { ...files.env, LOG_LEVEL: 'debug' })));
  nc = await stack.connect();
}, 90_000);
afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);
beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    if (stack) process.stderr.write(`\n${stack.diagnostics()}\n`);
  });
});

const HR_QUESTION = 'how many vacation days do I have?';
const HEX_ID = /^[0-9a-f]{32}$/;

/** A NATS request with `user`'s demo token (or none). */
async function ask(subject: string, body: Record<string, unknown>, user?: string): Promise<Reply> {
  const h = headers();
  if (user) h.set('Authorization', `Bearer ${token[user]}`);
  return (await nc.request(subject, JSON.stringify(body), { timeout: 15_000, headers: h })).json<Reply>();
}

/** An HTTP call to the gateway with `user`'s demo token (or none). */
async function call(path: string, opts: { user?: string; body?: unknown } = {}) {
  const init: RequestInit = {
    method: opts.body === undefined ? 'GET' : 'POST',
    signal: AbortSignal.timeout(15_000),
  };
  const h: Record<string, string> = {};
  if (opts.user) h.authorization = `Bearer ${token[opts.user]}`;
  if (opts.body !== undefined) {
    h['content-type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  init.headers = h;
  const r = await fetch(`${stack!.gatewayUrl}${path}`, init);
  return { status: r.status, body: (await r.json()) as Reply & Record<string, unknown> };
}

describe('over NATS', () => {
  it('refuses a request without a token, on agents.ask and on the direct endpoint', async () => {
    expect(asError(await ask('agents.ask', { text: HR_QUESTION, userId: 'alice' })).error.code).toBe(
      'unauthorized',
    );
    expect(asError(await ask('agents.hr.ask', { text: HR_QUESTION, userId: 'alice' })).error.code).toBe(
      'unauthorized',
    );
  });

  it("answers for the token's user, and refuses a userId that is not the token's", async () => {
    const r = asOk(await ask('agents.ask', { text: HR_QUESTION }, 'alice'));
    expect(r).toMatchObject({ status: 'answered', agent: 'hr' });
    // The agent knew who asked without a userId in the request: it answered with alice's days.
    expect(r.text).toMatch(/\bdays?\b/i);
    expect(r.sessionId).toMatch(HEX_ID);
    expect(asError(await ask('agents.ask', { text: HR_QUESTION, userId: 'bob' }, 'alice')).error.code).toBe(
      'forbidden',
    );
  });

  it('lets only the owner continue a session, through the router and the direct endpoint', async () => {
    const first = asOk(await ask('agents.ask', { text: HR_QUESTION }, 'alice'));
    const followUp = { text: 'and how many days do I have left?', sessionId: first.sessionId };
    for (const subject of ['agents.ask', 'agents.hr.ask']) {
      expect(asError(await ask(subject, followUp, 'carol')).error.code).toBe('forbidden');
      expect(asError(await ask(subject, { ...followUp, userId: 'alice' }, 'bob')).error.code).toBe(
        'forbidden',
      );
    }
    const own = asOk(await ask('agents.hr.ask', followUp, 'alice'));
    expect(own).toMatchObject({ status: 'answered', sessionId: first.sessionId });
  });

  it('accepts npm run ask -- --token <file>', async () => {
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [join(repoRoot, 'scripts/ask.mjs'), ...args], {
        env: cleanEnv({ NATS_URL: stack!.nats.url }),
        timeout: 30_000,
      });
    const { stdout } = await run([
      '--token',
      files.tokenFiles.carol!,
      'what is the remaining budget of engineering?',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, status: 'answered', agent: 'finance' });
    const refused = JSON.parse((await run(['what is the remaining budget of engineering?'])).stdout);
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });
});

describe('over HTTP', () => {
  it('asks with the bearer token and serves the session to its owner only', async () => {
    const first = await call('/v1/ask', { user: 'bob', body: { text: HR_QUESTION } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const { sessionId } = first.body as OkReply;
    expect(sessionId).toMatch(HEX_ID);
    const own = await call(`/v1/sessions/${sessionId}`, { user: 'bob' });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ sessionId, agent: 'hr', status: 'open' });
    const other = await call(`/v1/sessions/${sessionId}`, { user: 'alice' });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(JSON.stringify(other.body)).not.toContain(HR_QUESTION);
    expect((await call(`/v1/sessions/${sessionId}`)).status).toBe(401);
    const followUp = await call('/v1/ask', { user: 'alice', body: { text: 'and now?', sessionId } });
    expect(followUp.status).toBe(403);
    expect((await call('/v1/ask', { body: { text: HR_QUESTION, userId: 'bob' } })).status).toBe(401);
    expect(
      (await call('/v1/ask', { user: 'alice', body: { text: HR_QUESTION, userId: 'bob' } })).status,
    ).toBe(403);
  });
});

describe('logs', () => {
  it('never contain a token or the signing key, and say once that callers must prove who they are', async () => {
    const key = (await readFile(files.signingKeyFile, 'utf8'))
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'));
    for (const p of stack!.processes()) {
      const out = p.output();
      for (const [user, t] of Object.entries(token))
        expect(out, `${p.label} logged ${user}'s token`).not.toContain(t);
      // Also no part of a token: its signature is the secret part.
      for (const t of Object.values(token)) expect(out).not.toContain(t.split('.')[2]);
      for (const line of key) expect(out).not.toContain(line);
      expect(out.match(/callers must prove who they are/g), p.label).toHaveLength(1);
      expect(out).not.toContain('callers are not verified');
    }
  });
});
