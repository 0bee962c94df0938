import { readFileSync } from 'node:fs';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { SwitchboardError } from '@switchboard/contracts';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveEndpoint } from '../endpoint.js';
import { InFlight } from '../lifecycle.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { type NatsServer, startNatsServer } from '../testing/index.js';
import { requestStats } from './endpoint-stats.js';
import { isMicroName, isSemver, type MicroVerb, MicroVerbs, microId, microSubjects } from './protocol.js';
import { type MicroResponder, startMicroResponder } from './responder.js';

const log = createLogger({ service: 'test', level: 'silent' });

// The ADR-32 reply schemas of nats-io/jsm.go (schemas/micro/v1, vendored in ./schema, see its README).
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: true }));
const schemas = Object.fromEntries(
  (['PING', 'INFO', 'STATS'] as const).map((verb) => {
    const file = new URL(`./schema/${verb.toLowerCase()}_response.json`, import.meta.url);
    return [verb, ajv.compile(JSON.parse(readFileSync(file, 'utf8')))];
  }),
) as Record<MicroVerb, ValidateFunction>;

/** Parses a reply and checks it against the verb's schema; the reply, typed loosely. */
function valid(verb: MicroVerb, m: Msg): Record<string, unknown> {
  const body = m.json<Record<string, unknown>>();
  const ok = schemas[verb](body);
  expect(schemas[verb].errors ?? [], JSON.stringify(body)).toEqual([]);
  expect(ok).toBe(true);
  return body;
}

/** The replies to one request, up to `count` of them (or what came within `maxWait` ms). */
async function collect(nc: NatsConnection, subject: string, count: number, maxWait = 5000): Promise<Msg[]> {
  const out: Msg[] = [];
  const it = await nc.requestMany(subject, '', { strategy: 'count', maxMessages: count, maxWait });
  for await (const m of it) out.push(m);
  return out;
}

describe('services protocol names and subjects', () => {
  it('accepts the names ADR-32 allows and refuses the rest', () => {
    for (const n of ['router', 'hr-agent', 'A_b-9']) expect(isMicroName(n), n).toBe(true);
    for (const n of ['', 'a.b', 'a b', 'a*', 'a>', 'é']) expect(isMicroName(n), n).toBe(false);
  });

  it('checks versions with the semver regex of the schemas', () => {
    for (const v of ['0.1.0', '1.2.3-rc.1', '1.0.0+build.5']) expect(isSemver(v), v).toBe(true);
    for (const v of ['1.2', 'v1.2.3', '01.2.3', '']) expect(isSemver(v), v).toBe(false);
  });

  it('makes an instance id one subject token', () => {
    expect(microId('host.example.org-4242')).toBe('host_example_org-4242');
    expect(microId('e2e-router-1')).toBe('e2e-router-1');
    expect(microId('a b>*')).toBe('a_b__');
    expect(microId('')).toBe('_');
  });

  it('answers each verb on three subjects: all, by name, by name and id', () => {
    expect(microSubjects('STATS', 'hr-agent', 'i1')).toEqual([
      '$SRV.STATS',
      '$SRV.STATS.hr-agent',
      '$SRV.STATS.hr-agent.i1',
    ]);
  });
});

describe('the $SRV responder on a real nats-server', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let client: NatsConnection;
  let a1: MicroResponder;
  let a2: MicroResponder;
  let b: MicroResponder;
  const metrics = createMetrics('svc-a', { processMetrics: false });

  beforeAll(async () => {
    server = await startNatsServer({ jetstream: false });
    nc = await connect({ servers: server.url });
    client = await connect({ servers: server.url });
    // A real endpoint measured by serveEndpoint: `echo` answers, `fail` is refused.
    serveEndpoint({
      nc,
      subject: 'svc.echo',
      queue: 'svc-a',
      endpoint: 'svc.echo',
      log,
      metrics,
      inFlight: new InFlight(),
      handle: async (msg) => {
        if (msg.string() === 'fail') throw new SwitchboardError('invalid_request', 'no');
        return { ok: true, status: 'answered', sessionId: 's', agent: 'a', text: msg.string() };
      },
    });
    const meta = { instance: 'a.1' };
    a1 = startMicroResponder(
      nc,
      { name: 'svc-a', id: 'a1', version: '0.1.0', description: 'A', metadata: meta },
      log,
    );
    a1.addEndpoint({
      name: 'echo',
      subject: 'svc.echo',
      queueGroup: 'svc-a',
      metadata: { description: 'echoes' },
      stats: requestStats(metrics, 'svc.echo'),
    });
    a2 = startMicroResponder(nc, { name: 'svc-a', id: 'a2', version: '0.1.0' }, log);
    b = startMicroResponder(nc, { name: 'svc-b', id: 'b1', version: '1.0.0-rc.1' }, log);
    await nc.flush();
  });

  afterAll(async () => {
    await client?.close();
    await nc?.close();
    await server?.stop();
  });

  it('answers PING, INFO and STATS from every instance, valid against the ADR-32 schemas', async () => {
    for (const verb of MicroVerbs) {
      const replies = (await collect(client, `$SRV.${verb}`, 3)).map((m) => valid(verb, m));
      expect(replies.map((r) => `${r.name}/${r.id}`).sort()).toEqual(['svc-a/a1', 'svc-a/a2', 'svc-b/b1']);
      expect(new Set(replies.map((r) => r.type))).toEqual(
        new Set([`io.nats.micro.v1.${verb.toLowerCase()}_response`]),
      );
    }
  });

  it('answers by name (every instance of it) and by name and id (that one)', async () => {
    for (const verb of MicroVerbs) {
      const byName = (await collect(client, `$SRV.${verb}.svc-a`, 2)).map((m) => valid(verb, m));
      expect(byName.map((r) => r.id).sort()).toEqual(['a1', 'a2']);
      const one = valid(verb, await client.request(`$SRV.${verb}.svc-b.b1`, '', { timeout: 2000 }));
      expect([one.name, one.id, one.version]).toEqual(['svc-b', 'b1', '1.0.0-rc.1']);
    }
  });

  it('lists its endpoints with subject, queue group and metadata in INFO', async () => {
    const info = valid('INFO', await client.request('$SRV.INFO.svc-a.a1', '', { timeout: 2000 }));
    expect(info).toMatchObject({
      description: 'A',
      metadata: { instance: 'a.1' },
      endpoints: [
        { name: 'echo', subject: 'svc.echo', queue_group: 'svc-a', metadata: { description: 'echoes' } },
      ],
    });
  });

  it("counts the endpoint's requests, errors and processing time from its request metrics", async () => {
    for (const text of ['one', 'two', 'fail']) await client.request('svc.echo', text, { timeout: 2000 });
    const stats = valid('STATS', await client.request('$SRV.STATS.svc-a.a1', '', { timeout: 2000 }));
    const [echo] = stats.endpoints as Record<string, unknown>[];
    expect(echo).toMatchObject({
      name: 'echo',
      subject: 'svc.echo',
      queue_group: 'svc-a',
      num_requests: 3,
      num_errors: 1,
      last_error: 'invalid_request',
      data: { outcomes: { ok: 2, invalid_request: 1 } },
    });
    expect(echo!.processing_time as number).toBeGreaterThan(0);
    expect(echo!.average_processing_time).toBe(Math.round((echo!.processing_time as number) / 3));
    expect(Date.parse(stats.started as string)).not.toBeNaN();
  });

  it('answers only inboxes: a $SRV request whose reply subject is not an inbox gets nothing published', async () => {
    const spy = client.subscribe('not.an.inbox');
    await client.flush();
    client.publish('$SRV.PING.svc-b.b1', '', { reply: 'not.an.inbox' });
    // Delivered in order: once this answer is back, the bad request was handled before it.
    valid('PING', await client.request('$SRV.PING.svc-b.b1', '', { timeout: 2000 }));
    await client.flush();
    expect(spy.getProcessed()).toBe(0);
    spy.unsubscribe();
  });

  it('refuses an invalid name, id, version or endpoint name at start', () => {
    const start = (name: string, id: string, version: string) => () =>
      startMicroResponder(nc, { name, id, version }, log);
    expect(start('a.b', 'x', '0.1.0')).toThrow(/service name/);
    expect(start('ok', 'x.y', '0.1.0')).toThrow(/service id/);
    expect(start('ok', 'x', '1.0')).toThrow(/semver/);
    expect(() =>
      b.addEndpoint({ name: 'agents.ask', subject: 'x', stats: requestStats(metrics, 'x') }),
    ).toThrow(/endpoint name/);
  });

  it('stops answering once stopped', async () => {
    await a2.stop();
    // Nobody subscribes to a2's own subject any more: the server answers "no responders" at once.
    await expect(client.request('$SRV.PING.svc-a.a2', '', { timeout: 2000 })).rejects.toThrow(
      /503|no responders/i,
    );
    // Asked for two, only a1 answers (the collection ends after its 1 s wait).
    const replies = await collect(client, '$SRV.PING.svc-a', 2, 1000);
    expect(replies.map((m) => valid('PING', m).id)).toEqual(['a1']);
  });
});
