// Bad input against the running services: every request gets a typed answer, nothing crashes,
// nothing unsafe reaches the task stream, and nothing is left un-acked.
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  asError,
  ask,
  asOk,
  http,
  type NatsReply,
  type Reply,
  taskConsumerBacklog,
  taskStreamState,
  useStack,
  waitFor,
} from './harness.js';

const stack = useStack();
let nc: NatsConnection;

beforeAll(async () => {
  nc = await stack.current.connect();
});

/** The fixed error codes (docs/architecture.md) and the HTTP status the NATS micro error header carries. */
const httpStatus: Record<string, number> = {
  invalid_request: 400,
  payload_too_large: 413,
  unknown_session: 404,
  session_closed: 409,
};

function expectError(r: NatsReply, code: string) {
  const e = asError(r);
  expect(e.error.code).toBe(code);
  expect(typeof e.error.message).toBe('string');
  expect(r.headers?.get('Nats-Service-Error-Code')).toBe(String(httpStatus[code]));
  return e.error;
}

/** Waits until both agents' consumers hold nothing pending or un-acked. */
async function waitIdle(timeoutMs = 5000): Promise<void> {
  await waitFor(
    'an empty task backlog',
    async () =>
      (await taskConsumerBacklog(nc, 'hr')) + (await taskConsumerBacklog(nc, 'finance')) === 0
        ? true
        : undefined,
    { timeoutMs },
  );
}

/** A session with the hr agent that has been ended. */
async function closedSession(): Promise<string> {
  const open = asOk(
    await ask(nc, 'agents.ask', { text: 'how many vacation days do I have?', userId: 'alice' }),
  );
  expect(open.agent).toBe('hr');
  const end = asOk(await ask(nc, 'agents.hr.ask', { text: 'END', sessionId: open.sessionId }));
  expect(end.status).toBe('ended');
  return open.sessionId;
}

describe('over NATS', () => {
  it('takes a malformed JSON payload as text and answers it', async () => {
    const r = await ask(nc, 'agents.ask', '{"text": ');
    const ok = asOk(r);
    expect(['answered', 'clarify']).toContain(ok.status);
  });

  it.each([
    ['empty JSON text', { text: '' }],
    ['white-space JSON text', { text: ' \n\t ' }],
    ['empty payload', ''],
    ['white-space payload', '   '],
  ])('refuses %s as invalid_request', async (_name, payload) => {
    expectError(await ask(nc, 'agents.ask', payload), 'invalid_request');
    expectError(await ask(nc, 'agents.hr.ask', payload), 'invalid_request');
  });

  it('refuses text over 4000 characters as payload_too_large', async () => {
    expectError(await ask(nc, 'agents.ask', { text: 'a'.repeat(4001) }), 'payload_too_large');
    expectError(await ask(nc, 'agents.finance.ask', { text: 'a'.repeat(4001) }), 'payload_too_large');
    // 4000 characters are fine
    const atLimit = await ask(nc, 'agents.ask', { text: `budget ${'a'.repeat(3993)}` });
    expect(atLimit.body.ok).toBe(true);
  });

  it('refuses a payload over 32 KiB as payload_too_large', async () => {
    expectError(await ask(nc, 'agents.ask', 'x '.repeat(17 * 1024)), 'payload_too_large');
    expectError(
      await ask(nc, 'agents.hr.ask', { text: 'hi', userId: 'alice', pad: 'x'.repeat(33 * 1024) }),
      'payload_too_large',
    );
  });

  it('refuses unknown fields and wrong types with the zod issues', async () => {
    const unknown = expectError(
      await ask(nc, 'agents.ask', { text: 'hello', color: 'blue' }),
      'invalid_request',
    );
    expect(Array.isArray(unknown.details)).toBe(true);
    expect((unknown.details as unknown[]).length).toBeGreaterThan(0);

    const wrongType = expectError(await ask(nc, 'agents.ask', { text: 5 }), 'invalid_request');
    expect(wrongType.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'text' })]));

    const badUser = expectError(
      await ask(nc, 'agents.hr.ask', { text: 'hi', userId: 'a b' }),
      'invalid_request',
    );
    expect(badUser.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'userId' })]));
  });

  it('answers unknown_session for a session that does not exist', async () => {
    const payload = { text: 'how many vacation days do I have?', sessionId: 'no-such-session-42' };
    expectError(await ask(nc, 'agents.ask', payload), 'unknown_session');
    expectError(await ask(nc, 'agents.hr.ask', payload), 'unknown_session');
  });

  it('answers session_closed for an ended session', async () => {
    const sessionId = await closedSession();
    expectError(await ask(nc, 'agents.ask', { text: 'hello again', sessionId }), 'session_closed');
    expectError(await ask(nc, 'agents.hr.ask', { text: 'hello again', sessionId }), 'session_closed');
  });

  it('refuses unsafe session ids without publishing anything', async () => {
    await waitIdle();
    const before = await taskStreamState(nc);
    for (const sessionId of ['a.>', '*', 'a b', '>', 'a.b']) {
      for (const subject of ['agents.ask', 'agents.hr.ask', 'agents.finance.ask']) {
        const r = await ask(nc, subject, { text: 'how many vacation days do I have?', sessionId });
        expectError(r, 'invalid_request');
      }
    }
    expect(await taskStreamState(nc)).toEqual(before);
    expect(await taskConsumerBacklog(nc, 'hr')).toBe(0);
    expect(await taskConsumerBacklog(nc, 'finance')).toBe(0);
  });
});

describe('over HTTP', () => {
  const url = (path: string) => `${stack.current.gatewayUrl}${path}`;

  function expectHttpError(
    r: { status: number; body: unknown; text: string },
    status: number,
    code?: string,
  ) {
    expect(r.status, r.text).toBe(status);
    const body = r.body as Reply;
    expect(body.ok).toBe(false);
    if (code) expect(asError(body).error.code).toBe(code);
  }

  it('refuses malformed JSON with 400 invalid_request', async () => {
    expectHttpError(await http(url('/v1/ask'), { body: '{"text": ' }), 400, 'invalid_request');
    expectHttpError(await http(url('/v1/ask'), { body: { text: '  ' } }), 400, 'invalid_request');
    expectHttpError(await http(url('/v1/ask'), { body: { text: 5 } }), 400, 'invalid_request');
    expectHttpError(
      await http(url('/v1/ask'), { body: 'hello', contentType: 'text/plain' }),
      400,
      'invalid_request',
    );
  });

  it('refuses a body over the limit with 413 payload_too_large', async () => {
    expectHttpError(
      await http(url('/v1/ask'), { body: { text: 'x'.repeat(40 * 1024) } }),
      413,
      'payload_too_large',
    );
    expectHttpError(
      await http(url('/v1/ask'), { body: { text: 'x'.repeat(4001) } }),
      413,
      'payload_too_large',
    );
  });

  it('answers 404 for an unknown session and 409 for a closed one', async () => {
    expectHttpError(
      await http(url('/v1/ask'), { body: { text: 'hi', sessionId: 'no-such-session-42' } }),
      404,
      'unknown_session',
    );
    expectHttpError(await http(url('/v1/sessions/no-such-session-42')), 404, 'unknown_session');
    const sessionId = await closedSession();
    expectHttpError(
      await http(url('/v1/ask'), { body: { text: 'hello again', sessionId } }),
      409,
      'session_closed',
    );
  });

  it('answers 404 for an unknown route and 400 for an unsafe session id', async () => {
    expectHttpError(await http(url('/v1/nope')), 404);
    expectHttpError(await http(url('/v2/ask'), { body: { text: 'hi' } }), 404);
    expectHttpError(await http(url('/v1/sessions/a.b')), 400, 'invalid_request');
    expectHttpError(await http(url(`/v1/sessions/${encodeURIComponent('a b')}`)), 400, 'invalid_request');
    expectHttpError(
      await http(url('/v1/ask'), { body: { text: 'hi', sessionId: 'a.>' } }),
      400,
      'invalid_request',
    );
  });
});

describe('afterwards', () => {
  it('every service is still alive and healthy', async () => {
    for (const p of stack.current.processes()) {
      expect(p.isRunning(), `${p.label} exited:\n${p.output()}`).toBe(true);
      const r = await http(`${p.baseUrl}/healthz`);
      expect(r.status, p.label).toBe(200);
    }
  });

  it('leaves nothing pending or un-acked in the task stream', async () => {
    await waitIdle(5000);
  });
});
