// `nats micro` discovery (ADR-32) against the four real service processes: every service answers
// $SRV.PING, $SRV.INFO and $SRV.STATS for all services, by name and by name and id; every reply is
// checked against the protocol's JSON schemas (nats-io/jsm.go schemas/micro/v1, vendored in
// libs/runtime/src/micro/schema/ with their source URL); the router's and the agents' counters
// follow real requests. Then, on a server running the generated permissions, who may ask and who
// may answer.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { createLogger, type MicroVerb, startMicroResponder } from '@switchboard/runtime';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityConnection, SecureNats } from '../security/harness.js';
import { startSecureNats } from '../security/harness.js';
import { allServices, asError, ask, asOk, cleanEnv, repoRoot, useStack, waitFor } from './harness.js';

const log = createLogger({ service: 'micro-test', level: 'silent' });
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: true }));
// https://github.com/nats-io/jsm.go/tree/caea3c5246c7b5cb5a4fff0c7288046b2a6bae87/schemas/micro/v1
const schemaDir = join(repoRoot, 'libs', 'runtime', 'src', 'micro', 'schema');
const schemas = Object.fromEntries(
  (['PING', 'INFO', 'STATS'] as const).map((verb) => {
    const file = join(schemaDir, `${verb.toLowerCase()}_response.json`);
    return [verb, ajv.compile(JSON.parse(readFileSync(file, 'utf8')))];
  }),
) as Record<MicroVerb, ValidateFunction>;

type Reply = Record<string, unknown> & { name: string; id: string; metadata: Record<string, string> };
interface EndpointStats {
  name: string;
  subject: string;
  queue_group?: string;
  num_requests: number;
  num_errors: number;
  last_error: string;
  processing_time: number;
  average_processing_time: number;
}

/** `npm run micro -- <args>` (scripts/micro.mjs): its exit code, stdout and stderr. */
async function microScript(args: string[], env: Record<string, string> = {}) {
  return promisify(execFile)(process.execPath, [join(repoRoot, 'scripts', 'micro.mjs'), ...args], {
    env: cleanEnv(env),
    timeout: 20_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? -1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    }),
  );
}

/** The rows of a table printed by scripts/micro.mjs, as arrays of cells (header and rule dropped). */
function rows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .slice(2)
    .map((l) => l.split(/ {2,}/));
}

/** Parses a reply and checks it against its verb's schema. */
function valid(verb: MicroVerb, m: Msg): Reply {
  const body = m.json<Reply>();
  const ok = schemas[verb](body);
  expect(schemas[verb].errors ?? [], JSON.stringify(body)).toEqual([]);
  expect(ok).toBe(true);
  expect(body.type).toBe(`io.nats.micro.v1.${verb.toLowerCase()}_response`);
  return body;
}

/** `count` replies to one request (`nats micro ls` collects them the same way); fails on fewer. */
async function collect(nc: NatsConnection, verb: MicroVerb, suffix: string, count: number): Promise<Reply[]> {
  const subject = `$SRV.${verb}${suffix}`;
  const it = await nc.requestMany(subject, '', { strategy: 'count', maxMessages: count, maxWait: 5000 });
  const out: Reply[] = [];
  for await (const m of it) out.push(valid(verb, m));
  expect(out.length, `${subject}: replies`).toBe(count);
  return out;
}

async function one(nc: NatsConnection, verb: MicroVerb, name: string, id?: string): Promise<Reply> {
  const subject = `$SRV.${verb}.${name}${id ? `.${id}` : ''}`;
  return valid(verb, await nc.request(subject, '', { timeout: 5000 }));
}

function endpoint(stats: Reply, name: string): EndpointStats {
  const e = (stats.endpoints as EndpointStats[]).find((x) => x.name === name);
  if (!e) throw new Error(`${stats.name} has no endpoint ${name}: ${JSON.stringify(stats.endpoints)}`);
  return e;
}

describe('nats micro discovery of the running services', () => {
  const stack = useStack();
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await stack.current.connect();
  });

  it('answers $SRV.PING, INFO and STATS from every service, each with its instance id', async () => {
    for (const verb of ['PING', 'INFO', 'STATS'] as const) {
      const replies = await collect(nc, verb, '', allServices.length);
      expect(replies.map((r) => r.name).sort()).toEqual([...allServices].sort());
      for (const r of replies) {
        // INSTANCE_ID e2e-<name>-<n> is already a subject token: the id is the instance id.
        expect(r.metadata.instance).toMatch(new RegExp(`^e2e-${r.name}-\\d+$`));
        expect(r.id).toBe(r.metadata.instance);
        expect(r.version).toBe('0.1.0');
      }
    }
  });

  it('answers by name and by name and id, and lists what each service serves', async () => {
    for (const name of allServices) {
      const [byName] = await collect(nc, 'INFO', `.${name}`, 1);
      const byId = await one(nc, 'INFO', name, byName!.id);
      expect(byId).toEqual(byName);
      expect(String(byId.description).length).toBeGreaterThan(0);
    }
    const router = await one(nc, 'INFO', 'router');
    expect(router.endpoints).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'ask', subject: 'agents.ask', queue_group: 'router' }),
        expect.objectContaining({ name: 'sagas_get', subject: 'sagas.get', queue_group: 'router' }),
      ]),
    );
    for (const agent of ['hr', 'finance']) {
      const info = await one(nc, 'INFO', `${agent}-agent`);
      expect(info.endpoints).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'ask',
            subject: `agents.${agent}.ask`,
            queue_group: `agent-${agent}`,
          }),
          expect.objectContaining({
            name: 'tasks',
            subject: `tasks.${agent}`,
            metadata: expect.objectContaining({ kind: 'jetstream-consumer', consumer: `agent-${agent}` }),
          }),
        ]),
      );
      const tasks = (info.endpoints as Record<string, unknown>[]).find((e) => e.name === 'tasks');
      expect(tasks).not.toHaveProperty('queue_group');
    }
    const gateway = await one(nc, 'INFO', 'gateway');
    expect(gateway.metadata.http_port).toBe(String(stack.current.get('gateway').port));
  });

  it("counts real requests: the router's agents.ask and the agents' tasks, with processing time", async () => {
    const routerId = (await one(nc, 'PING', 'router')).id;
    const before = endpoint(await one(nc, 'STATS', 'router', routerId), 'ask');
    const hrBefore = endpoint(await one(nc, 'STATS', 'hr-agent'), 'tasks');
    for (const text of ['how many vacation days do I have?', 'how long is my notice period if I resign?']) {
      asOk(await ask(nc, 'agents.ask', { text, userId: 'alice' }));
    }
    asOk(
      await ask(nc, 'agents.ask', { text: 'what is the remaining budget of engineering?', userId: 'carol' }),
    );
    // An empty question is refused by the router itself: an error of its endpoint.
    expect(asError(await ask(nc, 'agents.ask', { text: '', userId: 'alice' })).error.code).toBe(
      'invalid_request',
    );

    const after = endpoint(await one(nc, 'STATS', 'router', routerId), 'ask');
    expect(after).toMatchObject({
      subject: 'agents.ask',
      queue_group: 'router',
      last_error: 'invalid_request',
    });
    expect(after.num_requests - before.num_requests).toBe(4);
    expect(after.num_errors - before.num_errors).toBe(1);
    expect(after.processing_time).toBeGreaterThan(before.processing_time);
    expect(after.average_processing_time).toBe(Math.round(after.processing_time / after.num_requests));
    expect(after.average_processing_time).toBeGreaterThan(0);
    // The agent counts a task once its delivery is settled, just after the answer went out.
    const hrAfter = await waitFor('two more hr tasks in $SRV.STATS.hr-agent', async () => {
      const t = endpoint(await one(nc, 'STATS', 'hr-agent'), 'tasks');
      return t.num_requests - hrBefore.num_requests >= 2 ? t : undefined;
    });
    expect(hrAfter.num_requests - hrBefore.num_requests).toBe(2);
    expect(hrAfter.num_errors).toBe(hrBefore.num_errors);
    expect(hrAfter.processing_time).toBeGreaterThan(hrBefore.processing_time);
    const [stats] = await collect(nc, 'STATS', '.router', 1);
    expect(Date.parse(String(stats!.started))).toBeLessThanOrEqual(Date.now());
  });

  it('npm run micro -- ls|ping|info|stats shows what nats micro shows, from the same replies', async () => {
    const server = stack.current.nats.url;
    const ls = await microScript(['ls', '--server', server]);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout.split('\n')[0]).toMatch(/^Name +Version +ID +Description$/);
    expect(rows(ls.stdout).map((r) => r[0])).toEqual([...allServices].sort());
    const ping = await microScript(['ping', 'router', '--server', server]);
    expect(rows(ping.stdout)).toEqual([
      ['router', '0.1.0', expect.stringMatching(/^e2e-router-\d+$/), expect.stringMatching(/ms$/)],
    ]);
    const info = await microScript(['info', 'hr-agent', '--server', server]);
    expect(info.stdout).toMatch(/^ask +agents\.hr\.ask +agent-hr$/m);
    expect(info.stdout).toMatch(/^tasks +tasks\.hr *$/m);

    const tasksBefore = endpoint(await one(nc, 'STATS', 'hr-agent'), 'tasks').num_requests;
    asOk(await ask(nc, 'agents.ask', { text: 'how many vacation days do I have?', userId: 'alice' }));
    // The agent counts a task once its delivery is settled, just after the answer went out.
    const hrTasks = await waitFor('the hr task counted', async () => {
      const n = endpoint(await one(nc, 'STATS', 'hr-agent'), 'tasks').num_requests;
      return n > tasksBefore ? n : undefined;
    });
    const stats = await microScript(['stats', 'hr-agent', '--server', server]);
    const tasksRow = rows(stats.stdout).find((r) => r[2] === 'tasks');
    expect(tasksRow?.slice(0, 1)).toEqual(['hr-agent']);
    expect(Number(tasksRow?.[3])).toBe(hrTasks);
    const json = await microScript(['stats', 'router', '--json', '--server', server]);
    const parsed = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Reply);
    expect(parsed).toHaveLength(1);
    expect(schemas.STATS(parsed[0])).toBe(true);

    const none = await microScript(['stats', 'billing', '--server', server]);
    expect(none).toMatchObject({ code: 1, stderr: 'no service answered $SRV.STATS.billing\n' });
    const bad = await microScript(['stats', 'hr.agent', '--server', server]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^usage: npm run micro/);
  });
});

describe('nats micro with the generated permissions', () => {
  let secure: SecureNats;
  const services = ['router', 'hr-agent', 'finance-agent', 'gateway'];

  beforeAll(async () => {
    secure = await startSecureNats();
    // Each service identity answers as itself, with the responder the services run.
    for (const name of services) {
      const { nc } = await secure.connectAs(name);
      startMicroResponder(nc, { name, id: `${name}-1`, version: '0.1.0' }, log);
      await nc.flush();
    }
  });

  afterAll(async () => {
    await secure?.stop();
  });

  /** Waits for the server to report a permission violation of `op` on `subject` to `conn`. */
  async function denied(conn: IdentityConnection, op: 'publish' | 'subscription', subject: string) {
    await conn.nc.flush().catch(() => undefined);
    return waitFor(`${conn.identity}: ${op} ${subject} denied`, () =>
      conn.violations.some((v) => v.operation === op && v.subject === subject) ? true : undefined,
    );
  }

  it('lets the operator (admin) reach every service, the gateway included (it answers once per request)', async () => {
    const { nc } = await secure.connectAs('admin');
    const pings = await collect(nc, 'PING', '', services.length);
    expect(pings.map((r) => r.name).sort()).toEqual([...services].sort());
    for (const name of services) expect((await one(nc, 'STATS', name, `${name}-1`)).name).toBe(name);
  });

  it('npm run micro works as admin (--env admin.env) and finds nothing as a client', async () => {
    const envFile = (identity: string) => secure.init.identities[identity]!.envFile;
    const asAdmin = await microScript(['ls', '--env', envFile('admin'), '--server', secure.url]);
    expect(asAdmin.code, asAdmin.stderr).toBe(0);
    expect(rows(asAdmin.stdout).map((r) => [r[0], r[2]])).toEqual(services.sort().map((n) => [n, `${n}-1`]));
    const asClient = await microScript(['ls', '--env', envFile('client'), '--server', secure.url]);
    expect(asClient.code).toBe(1);
    expect(asClient.stdout).toBe('');
  });

  it('refuses $SRV requests from clients: discovery is for the operator', async () => {
    for (const identity of ['client', 'client-alice']) {
      const conn = await secure.connectAs(identity);
      conn.nc.publish('$SRV.PING', '', { reply: `_INBOX.${identity}.x` });
      conn.nc.publish('$SRV.STATS.hr-agent', '', { reply: `_INBOX.${identity}.x` });
      expect(await denied(conn, 'publish', '$SRV.PING')).toBe(true);
      expect(await denied(conn, 'publish', '$SRV.STATS.hr-agent')).toBe(true);
    }
  });

  it('lets no identity answer for another service: a router posing as hr-agent is not heard', async () => {
    const router = await secure.connectAs('router');
    startMicroResponder(router.nc, { name: 'hr-agent', id: 'fake', version: '0.1.0' }, log);
    expect(await denied(router, 'subscription', '$SRV.STATS.hr-agent')).toBe(true);
    expect(await denied(router, 'subscription', '$SRV.INFO.hr-agent.fake')).toBe(true);
    const client = await secure.connectAs('client');
    client.nc.subscribe('$SRV.PING');
    expect(await denied(client, 'subscription', '$SRV.PING')).toBe(true);
    const { nc } = await secure.connectAs('admin');
    await expect(nc.request('$SRV.PING.hr-agent.fake', '', { timeout: 2000 })).rejects.toThrow(
      /503|no responders/i,
    );
    expect((await one(nc, 'PING', 'hr-agent', 'hr-agent-1')).id).toBe('hr-agent-1');
  });
});
