import { Writable } from 'node:stream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { HeaderNames, SwitchboardError } from '@switchboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveEndpoint } from './endpoint.js';
import { InFlight } from './lifecycle.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { type NatsServer, startNatsServer } from './testing/index.js';

let server: NatsServer;
let nc: NatsConnection;
const lines: Record<string, unknown>[] = [];
const destination = new Writable({
  write(chunk, _enc, cb) {
    for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
    cb();
  },
});
const metrics = createMetrics('test', { processMetrics: false });

beforeAll(async () => {
  server = await startNatsServer({ jetstream: false });
  nc = await connect({ servers: server.url });
  serveEndpoint({
    nc,
    subject: 'test.ask',
    queue: 'q',
    endpoint: 'test.ask',
    log: createLogger({ service: 'test', destination }),
    metrics,
    inFlight: new InFlight(),
    handle: async (msg) => {
      const text = msg.string();
      if (text === 'refuse') throw new SwitchboardError('unknown_session', 'no such session');
      if (text === 'crash') throw new Error('boom');
      return { ok: true, status: 'answered', sessionId: 's1', agent: 'hr', text };
    },
  });
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('serveEndpoint', () => {
  it('logs nothing for a served request, and refusals and failures with request id, trace id and subject', async () => {
    const h = () => {
      const x = headers();
      x.set(HeaderNames.requestId, 'req-7');
      x.set(HeaderNames.traceparent, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
      return x;
    };
    expect((await nc.request('test.ask', 'hello', { timeout: 1000, headers: h() })).json()).toMatchObject({
      ok: true,
    });
    const refused = await nc.request('test.ask', 'refuse', { timeout: 1000, headers: h() });
    expect(refused.json()).toMatchObject({ ok: false, error: { code: 'unknown_session' } });
    expect(refused.headers?.get(HeaderNames.microErrorCode)).toBe('404');
    const crashed = await nc.request('test.ask', 'crash', { timeout: 1000, headers: h() });
    expect(crashed.json()).toEqual({ ok: false, error: { code: 'internal', message: 'internal error' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(lines.map((l) => l.msg)).toEqual(['request refused', 'request failed']);
    for (const l of lines) {
      expect(l).toMatchObject({
        requestId: 'req-7',
        subject: 'test.ask',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      });
    }
    const counted = (await metrics.requests.get()).values
      .filter((v) => v.value > 0)
      .map((v) => `${v.labels.outcome}=${v.value}`)
      .sort();
    expect(counted).toEqual(['internal=1', 'ok=1', 'unknown_session=1']);
    // Every other outcome is exported at 0 from the start (rate() and alerts work before the first).
    const zeros = (await metrics.requests.get()).values
      .filter((v) => v.value === 0)
      .map((v) => v.labels.outcome);
    expect(zeros).toContain('accepted');
    expect(zeros).toContain('rate_limited');
  });
});

describe('serveEndpoint and reply subjects', () => {
  it.each([
    ['a stream subject', 'events.hr.leave_requested'],
    ['a key of the sessions bucket', '$KV.sessions.victim'],
    ['a task subject', 'tasks.hr'],
  ])('answers nothing when the reply subject is %s, and counts it as invalid_request', async (_w, reply) => {
    const before = lines.length;
    const invalid = async () =>
      (await metrics.requests.get()).values.find(
        (v) => v.labels.endpoint === 'test.ask' && v.labels.outcome === 'invalid_request',
      )?.value ?? 0;
    const counted = await invalid();
    const seen = nc.subscribe(reply);
    nc.publish('test.ask', 'hello', { reply });
    // A request with an inbox sent after it is answered, so the refused one has been handled.
    expect((await nc.request('test.ask', 'after', { timeout: 1000 })).json()).toMatchObject({ ok: true });
    await nc.flush();
    expect(seen.getReceived()).toBe(0);
    seen.unsubscribe();
    expect(await invalid()).toBe(counted + 1);
    expect(lines.slice(before).map((l) => [l.msg, l.reply])).toEqual([
      ['request refused: its reply subject is not an inbox', reply],
    ]);
  });
});
