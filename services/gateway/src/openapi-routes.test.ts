// The OpenAPI document and the gateway's routes agree: every route the gateway registers (read from
// Fastify's own route table, with every optional surface on) is a path and method of the document,
// and every documented one is a route. And a streamed answer, as the gateway really writes it, fits
// the events the document gives for `POST /v1/ask` and `GET /v1/streams/{streamId}`.
import { readFileSync } from 'node:fs';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import {
  type AskReply,
  encodeJson,
  HeaderNames,
  Subjects,
  writeChunkHeaders,
  writeReplyHeaders,
} from '@switchboard/contracts';
import {
  createGuard,
  createLogger,
  createMetrics,
  createSagaStore,
  createSessionStore,
  ensureBuckets,
  ensureStreams,
} from '@switchboard/runtime';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from './app.js';
import { webPaths } from './web/routes.js';

// biome-ignore lint/suspicious/noExplicitAny: the document is plain JSON, walked by path
type Json = Record<string, any>;
const doc = JSON.parse(
  readFileSync(new URL('../../../libs/contracts/api/openapi.json', import.meta.url), 'utf8'),
) as Json;

/**
 * Routes the document leaves out on purpose: the web page (`/`, `/chat`) and its files. HEAD is
 * Fastify's automatic twin of each GET and is not listed either.
 */
const isWebPage = (path: string) => (webPaths as readonly string[]).includes(path);

/** A path with its parameter names blanked: `/v1/streams/:id` and `/v1/streams/{streamId}` are one. */
const shape = (path: string) => path.replace(/:\w+/g, '{}').replace(/\{\w+\}/g, '{}');

/**
 * Every `METHOD path` Fastify routes, from its `printRoutes` tree: each line is `<indent>├── <segment>
 * (<METHODS>)`, four columns per level, and a segment continues its parent's path.
 */
function registeredRoutes(app: FastifyInstance): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^(.*?)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = [...m[1]!].length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack.push(path);
    for (const method of m[3]?.split(', ') ?? []) if (method !== 'HEAD') out.push(`${method} ${path}`);
  }
  return out;
}

let server: NatsServer;
let nc: NatsConnection;
let app: FastifyInstance;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  const buckets = await ensureBuckets(nc);
  await ensureStreams(await jetstreamManager(nc));
  const metrics = createMetrics('gateway', { processMetrics: false });
  // Every optional surface on: streams (js), A2A (agentsKv), sagas, the ops routes.
  app = buildGateway({
    nc,
    js: jetstream(nc),
    agentsKv: buckets.agents,
    store: createSessionStore(buckets.sessions),
    sagas: createSagaStore(buckets.sagas),
    natsGuard: createGuard(
      { target: 'nats', timeoutMs: 3000, failureThreshold: 5, halfOpenAfterMs: 60_000 },
      metrics,
    ),
    metrics,
    log: createLogger({ service: 'test', level: 'silent' }),
    timeoutMs: 3000,
    apiKeys: [],
    isReady: () => true,
  });
  await app.ready();
}, 30_000);
afterAll(async () => {
  await app?.close();
  await nc?.close();
  await server?.stop();
});

/** The routes of `routes` (`METHOD path`) that `paths` lacks, and the documented ones it has no route for. */
function compare(routes: string[], paths: Json) {
  const documented = Object.entries(paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => `${method.toUpperCase()} ${shape(path)}`),
  );
  const routeShapes = routes.map((r) => {
    const [method, path] = r.split(' ') as [string, string];
    return `${method} ${shape(path)}`;
  });
  return {
    missing: routeShapes.filter((r) => !documented.includes(r)),
    extra: documented.filter((d) => !routeShapes.includes(d)),
  };
}

describe('OpenAPI document and gateway routes', () => {
  it('documents every route the gateway registers, and only those', () => {
    const routes = registeredRoutes(app).filter((r) => !isWebPage(r.slice(r.indexOf(' ') + 1)));
    // The surfaces this document must have (a broken route table read would find none of them).
    for (const r of [
      'POST /v1/ask',
      'GET /v1/streams/:id',
      'GET /v1/status',
      'POST /a2a/:agent',
      'GET /metrics',
    ])
      expect(routes, r).toContain(r);
    const { missing, extra } = compare(routes, doc.paths);
    expect(missing, 'gateway routes missing from openapi.json (describe them in openapi.ts)').toEqual([]);
    expect(extra, 'documented paths the gateway does not serve').toEqual([]);
    // And the check bites: a document without a route's path is caught.
    const { '/v1/streams/{streamId}': _, ...fewer } = doc.paths;
    expect(compare(routes, fewer).missing).toEqual(['GET /v1/streams/{}']);
  });

  it('the route table read is the one Fastify matches', () => {
    const routes = registeredRoutes(app);
    expect(routes.length).toBeGreaterThanOrEqual(15);
    for (const r of routes) {
      const [method, url] = r.split(' ') as [string, string];
      expect(app.hasRoute({ method: method as 'GET', url }), r).toBe(true);
    }
  });
});

describe('streamed answers fit the documented events', () => {
  const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
  ajv.addSchema({ $id: 'https://switchboard.test/openapi', components: doc.components });
  const check = (name: string, value: unknown) => {
    const validate = ajv.getSchema(`https://switchboard.test/openapi#/components/schemas/${name}`)!;
    expect(validate(value), `${name}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(value)}`).toBe(
      true,
    );
  };

  /** The SSE events of a body, each as `{id?, event, data}`. */
  const parseEvents = (body: string) =>
    body
      .split('\n\n')
      .filter((b) => b.trim() !== '')
      .map((block) => {
        const ev: Record<string, string> = {};
        for (const line of block.split('\n')) {
          const i = line.indexOf(': ');
          ev[line.slice(0, i)] = line.slice(i + 2);
        }
        return ev;
      });

  /** Checks each event against the media type's `x-itemSchema`, and its data against the event's `contentSchema`. */
  const checkEvents = (events: Record<string, string>[], media: Json) => {
    const allowed = (media['x-itemSchema'].oneOf as { $ref: string }[]).map((r) => r.$ref.split('/').pop()!);
    for (const ev of events) {
      const name = `sse-event-${ev.event}`;
      expect(allowed, `event ${ev.event}`).toContain(name);
      check(name, ev);
      const dataSchema = doc.components.schemas[name].properties.data.contentSchema.$ref.split('/').pop();
      check(dataSchema, JSON.parse(ev.data!));
    }
  };

  it('POST /v1/ask with Accept: text/event-stream, then a resume with Last-Event-ID', async () => {
    // Stands in for the router and an agent: publishes the chunks and the reply record with the
    // contracts' own codec to the real AGENT_CHUNKS stream, then replies.
    const js = jetstream(nc);
    const sub = nc.subscribe(Subjects.ask, { max: 1 });
    const parts = ['You have 18 vacation days left. ', 'Ask me to book some.'];
    const reply: AskReply = {
      ok: true,
      status: 'answered',
      sessionId: 'a'.repeat(32),
      agent: 'hr',
      text: parts.join(''),
    };
    void (async () => {
      for await (const m of sub) {
        const streamId = m.headers?.get(HeaderNames.streamId) ?? '';
        for (const [i, text] of parts.entries()) {
          const h = headers();
          writeChunkHeaders(h, { seq: i + 1, final: i === parts.length - 1 });
          await js.publish(Subjects.chunks(streamId), text, { headers: h });
        }
        const h = headers();
        writeReplyHeaders(h);
        await js.publish(Subjects.chunks(streamId), encodeJson(reply), { headers: h });
        m.respond(encodeJson(reply));
      }
    })();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/ask',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      payload: { text: 'how many vacation days do I have?', userId: 'alice' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = parseEvents(res.body);
    expect(events.map((e) => e.event)).toEqual(['stream', 'chunk', 'chunk', 'reply']);
    const askMedia = doc.paths['/v1/ask'].post.responses['200'].content['text/event-stream'];
    checkEvents(events, askMedia);
    const streamId = JSON.parse(events[0]!.data!).streamId as string;
    expect(res.headers[HeaderNames.streamId.toLowerCase()]).toBe(streamId);

    const resumed = await app.inject({
      method: 'GET',
      url: `/v1/streams/${streamId}`,
      headers: { 'last-event-id': events[1]!.id! },
    });
    expect(resumed.statusCode).toBe(200);
    const rest = parseEvents(resumed.body);
    expect(rest.map((e) => e.event)).toEqual(['chunk', 'reply']);
    const resumeMedia = doc.paths['/v1/streams/{streamId}'].get.responses['200'].content['text/event-stream'];
    checkEvents(rest, resumeMedia);
  }, 20_000);

  it('an answer that fails is a `reply` event with the error body', async () => {
    // No router listening: the reply event carries `agent_unavailable`, still a documented event.
    const res = await app.inject({
      method: 'POST',
      url: '/v1/ask',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      payload: { text: 'anyone there?' },
    });
    const events = parseEvents(res.body);
    expect(events.map((e) => e.event)).toEqual(['stream', 'reply']);
    expect(JSON.parse(events[1]!.data!).error.code).toBe('agent_unavailable');
    checkEvents(events, doc.paths['/v1/ask'].post.responses['200'].content['text/event-stream']);
  }, 20_000);
});
