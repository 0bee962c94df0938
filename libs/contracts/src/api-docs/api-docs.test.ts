// The API documents: generated from the zod contracts, committed in libs/contracts/api/, and
// checked with each format's own tooling (@asyncapi/parser for AsyncAPI 3.0, @readme/openapi-parser
// for OpenAPI 3.1). Both validators are also shown a broken copy, to prove they do reject.
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { validate } from '@readme/openapi-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { AskReply, AskReplyError } from '../ask.js';
import { parseBudget } from '../budget.js';
import { isStreamId, parseEventId } from '../chunks.js';
import { readContext } from '../context.js';
import { ErrorCodes, errorCodeList } from '../errors.js';
import { EventData, type KnownEventType } from '../events.js';
import { HeaderNames } from '../headers.js';
import { wireJsonSchema } from '../json-schema.js';
import { GatewayStatus } from '../status.js';
import { isInboxSubject, Subjects } from '../subjects.js';
import { WorkflowConsumers, workflowConsumerName } from '../workflows.js';
import { headerSchema } from './headers.js';
import { ApiDocFiles, buildAsyncApi, buildOpenApi, renderApiDocs } from './index.js';
import { ApiDocsVersion } from './info.js';

// biome-ignore lint/suspicious/noExplicitAny: the documents are plain JSON, walked by path in assertions
type Json = Record<string, any>;
const apiDir = new URL('../../api/', import.meta.url);
const asyncapi = buildAsyncApi() as Json;
const openapi = buildOpenApi() as Json;

/** Spectral's severities: 0 error, 1 warning, 2 information, 3 hint. */
async function asyncApiProblems(doc: unknown) {
  const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
  return {
    document,
    serious: diagnostics
      .filter((d) => d.severity <= 1)
      .map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`),
    other: diagnostics.filter((d) => d.severity > 1).map((d) => d.code),
  };
}

describe('committed API documents', () => {
  it('are up to date (run `npm run export-api-docs -w @switchboard/contracts` after a build)', () => {
    const rendered = renderApiDocs();
    expect(Object.keys(rendered).sort()).toEqual(Object.values(ApiDocFiles).sort());
    for (const [name, text] of Object.entries(rendered)) {
      expect(readFileSync(new URL(name, apiDir), 'utf8'), `api/${name} is stale`).toBe(text);
    }
  });
  it("state the contracts package's version", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(asyncapi.info.version).toBe(pkg.version);
    expect(openapi.info.version).toBe(ApiDocsVersion);
    expect(ApiDocsVersion).toBe(pkg.version);
  });
});

describe('AsyncAPI document', () => {
  let parsed: Awaited<ReturnType<typeof asyncApiProblems>>;
  beforeAll(async () => {
    parsed = await asyncApiProblems(asyncapi);
  }, 30_000);

  it('is valid AsyncAPI 3.0 for @asyncapi/parser: no error or warning', () => {
    expect(parsed.serious).toEqual([]);
    // The only note: 3.1.0 exists (the document targets 3.0 on purpose).
    expect(parsed.other.filter((c) => c !== 'asyncapi-latest-version')).toEqual([]);
    expect(parsed.document?.version()).toBe('3.0.0');
    expect(parsed.document?.channels().length).toBe(Object.keys(asyncapi.channels).length);
    expect(parsed.document?.operations().length).toBe(Object.keys(asyncapi.operations).length);
  });

  it('is rejected by the parser once broken (an operation naming a message its channel lacks)', async () => {
    const broken = structuredClone(asyncapi);
    broken.operations.routerAsk.messages = [{ $ref: '#/channels/ask/messages/nope' }];
    broken.channels.task.address = 'tasks.{agent}.{missing}';
    const { serious } = await asyncApiProblems(broken);
    expect(serious.join('\n')).toMatch(/routerAsk/);
    expect(serious.join('\n')).toMatch(/missing/);
  }, 30_000);

  it('has a channel for every subject of subjects.ts', () => {
    const templates: string[] = [];
    for (const c of Object.values(asyncapi.channels) as Json[]) {
      if (c.address) templates.push(c.address);
      templates.push(...(c['x-nats-subjects'] ?? []));
    }
    const filled = templates.map((t) => {
      let i = 0;
      return t.replace(/\{[A-Za-z]+\}/g, () => `P${i++}`);
    });
    for (const [key, subject] of Object.entries(Subjects)) {
      const sample =
        typeof subject === 'string'
          ? subject
          : (subject as (...a: string[]) => string)(
              ...Array.from({ length: subject.length }, (_, i) => `P${i}`),
            );
      expect(filled, `Subjects.${key} (${sample}) has no channel`).toContain(sample);
    }
  });

  it('has a channel and a message with its data contract for every known event type', () => {
    const schemas = asyncapi.components.schemas as Json;
    for (const type of Object.keys(EventData) as KnownEventType[]) {
      const [domain, kind] = type.split('.') as [string, string];
      const channel = Object.values(asyncapi.channels as Json).find(
        (c) => c.address === Subjects.event(domain, kind),
      );
      expect(channel, `no channel for ${type}`).toBeDefined();
      const [msgRef] = Object.values(channel!.messages as Json) as { $ref: string }[];
      const msg = asyncapi.components.messages[msgRef!.$ref.split('/').pop()!];
      const payload = schemas[msg.payload.$ref.split('/').pop()];
      const { $schema: _, ...data } = wireJsonSchema(EventData[type], 'draft-7');
      expect(payload.properties.type).toEqual({ type: 'string', const: type });
      expect(payload.properties.data).toEqual(data);
      expect(payload.required).toContain('data');
    }
  });

  it('describes every workflow consumer, the discovery subjects and every header of the message context', () => {
    const ops = Object.values(asyncapi.operations) as Json[];
    for (const c of WorkflowConsumers) {
      const op = ops.find((o) => o.description?.includes(`\`${workflowConsumerName(c)}\``));
      expect(op, workflowConsumerName(c)).toBeDefined();
      expect(op!.messages.length).toBeGreaterThan(0);
    }
    const headers = new Set(
      Object.values(asyncapi.components.messages as Json).flatMap((m) =>
        Object.keys(m.headers?.properties ?? {}),
      ),
    );
    for (const name of Object.values(HeaderNames)) expect([...headers], name).toContain(name);
    const discovery = Object.values(asyncapi.channels as Json).map((c) => c.address);
    for (const a of ['$SRV.{verb}', '$SRV.{verb}.{service}', '$SRV.{verb}.{service}.{id}'])
      expect(discovery).toContain(a);
    expect(asyncapi.channels.microAll.parameters.verb.enum).toEqual(['PING', 'INFO', 'STATS']);
    expect(asyncapi.operations.agentTask.reply.address.location).toBe(
      `$message.header#/${HeaderNames.replyTo}`,
    );
  });
});

describe('documented header formats', () => {
  const now = Date.UTC(2026, 11, 4);
  /** Reads one header the way the services do; true when its value was kept. */
  const kept = (name: string, value: string, field: 'requestId' | 'traceparent' | 'deadline' | 'userId') => {
    const ctx = readContext({ get: (n) => (n === name ? value : '') }, () => 'fresh-id', now);
    return ctx[field] !== undefined && ctx[field] !== 'fresh-id';
  };
  const cases = {
    requestId: {
      values: ['r-1', 'a'.repeat(64), 'a'.repeat(65), 'r.1', 'r 1', ''],
      accepted: (v: string) => kept(HeaderNames.requestId, v, 'requestId'),
    },
    traceparent: {
      values: [
        '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        '00-00000000000000000000000000000000-b7ad6b7169203331-01',
        '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        'garbage',
      ],
      accepted: (v: string) => kept(HeaderNames.traceparent, v, 'traceparent'),
    },
    deadline: {
      values: [String(now + 5000), String(now - 5000), '12.5', '-1', 'soon'],
      accepted: (v: string) => kept(HeaderNames.deadline, v, 'deadline'),
    },
    userId: {
      values: ['alice', 'a.b@c-d_e', 'al ice', 'x'.repeat(65)],
      accepted: (v: string) => kept(HeaderNames.userId, v, 'userId'),
    },
    budget: {
      values: [
        'tokens=2000',
        'usd=0.05',
        'tokens=2000;usd=0.05',
        ' tokens = 1 ; usd = 2 ',
        'tokens=-1',
        'cents=5',
        'usd=1e3',
        '',
      ],
      accepted: (v: string) => parseBudget(v) !== undefined,
    },
    replyTo: {
      values: ['_INBOX.abc.def', '_INBOX.', 'tasks.hr', '_INBOX.a b', '_INBOX.a.*'],
      accepted: (v: string) => isInboxSubject(v),
    },
  } as const;

  it('admit every value the services accept, and for ids refuse exactly what they refuse', () => {
    for (const [key, { values, accepted }] of Object.entries(cases)) {
      const pattern = new RegExp(headerSchema(key as keyof typeof HeaderNames).pattern as string);
      const exact = key === 'requestId' || key === 'userId';
      for (const value of values) {
        const ok = accepted(value);
        if (ok || exact) expect(pattern.test(value), `${key}: ${JSON.stringify(value)}`).toBe(ok);
      }
      expect(values.filter(accepted).length, `${key}: no accepted sample`).toBeGreaterThan(0);
    }
  });
});

describe('OpenAPI document', () => {
  it('is valid OpenAPI 3.1 for @readme/openapi-parser, without warnings', async () => {
    const result = await validate(structuredClone(openapi) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.specification).toBe('OpenAPI');
  });

  it('is rejected by the parser once broken (a path parameter left undeclared)', async () => {
    const broken = structuredClone(openapi);
    broken.paths['/v1/sessions/{id}'].get.parameters = [];
    const result = await validate(broken as never);
    expect(result.valid).toBe(false);
  });

  it('answers every error code of the catalogue with its HTTP status, and its examples fit the error body', () => {
    const responses = openapi.components.responses as Json;
    const ask = openapi.paths['/v1/ask'].post.responses as Json;
    for (const code of errorCodeList) {
      const status = ErrorCodes[code].httpStatus;
      const response = responses[`error-${status}`];
      expect(response, `${code}: no response for ${status}`).toBeDefined();
      const example = response.content['application/json'].examples[code];
      expect(example, `${code}: no example`).toBeDefined();
      expect(AskReplyError.parse(example.value).error.code).toBe(code);
      expect(response.description).toContain(`\`${code}\``);
      if (code !== 'unknown_saga') expect(ask[String(status)], `${code} on /v1/ask`).toBeDefined();
    }
    const sagas = openapi.paths['/v1/sagas/{id}'].get.responses;
    expect(sagas['404']).toBeDefined();
    expect(openapi.components.schemas['error-reply'].properties.error.properties.code.enum).toEqual(
      errorCodeList,
    );
  });

  it('names the headers a caller may send', () => {
    const schemes = openapi.components.securitySchemes;
    expect(schemes.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const params = openapi.paths['/v1/ask'].post.parameters.map((p: { $ref: string }) => p.$ref);
    expect(params).toContain('#/components/parameters/Switchboard-Budget');
    expect(openapi.components.parameters['Switchboard-Budget'].name).toBe(HeaderNames.budget);
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/asyncapi.json'])
      expect(openapi.paths[path]?.get, path).toBeDefined();
  });
});

describe('OpenAPI document: streaming, MCP, A2A and status', () => {
  const schemas = openapi.components.schemas as Json;
  const eventsOf = (media: Json) =>
    (media['x-itemSchema'].oneOf as { $ref: string }[]).map((r) => {
      const event = schemas[r.$ref.split('/').pop()!];
      return [event.properties.event.const, event.properties.data.contentSchema.$ref.split('/').pop()];
    });

  it('gives the events of a streamed answer and of a resumed one, each with its data schema', () => {
    const ask = openapi.paths['/v1/ask'].post.responses['200'];
    expect(Object.keys(ask.content)).toEqual(['application/json', 'text/event-stream']);
    expect(ask.headers[HeaderNames.streamId]).toBeDefined();
    expect(eventsOf(ask.content['text/event-stream'])).toEqual([
      ['stream', 'stream-opened'],
      ['chunk', 'stream-chunk'],
      ['reply', 'ask-reply'],
    ]);
    const resume = openapi.paths['/v1/streams/{streamId}'].get;
    expect(eventsOf(resume.responses['200'].content['text/event-stream'])).toEqual([
      ['chunk', 'stream-chunk'],
      ['reply', 'ask-reply'],
      ['error', 'error-reply'],
    ]);
    // The example streams are events a client parses: chunks in order, a reply that fits its contract.
    for (const media of [
      ask.content['text/event-stream'],
      resume.responses['200'].content['text/event-stream'],
    ]) {
      const blocks = (media.example as string)
        .split('\n\n')
        .map((b) => /^event: (\w+)\ndata: (.*)$/m.exec(b)!);
      expect(blocks.at(-1)![1]).toBe('reply');
      expect(AskReply.safeParse(JSON.parse(blocks.at(-1)![2]!)).success).toBe(true);
    }
    // The reply event carries the same contract as the JSON reply, errors included.
    const { $schema: _, ...askReply } = wireJsonSchema(AskReply);
    expect(schemas['ask-reply']).toEqual(askReply);
    // Ids as the gateway writes and reads them (isStreamId, parseEventId of chunks.ts).
    const lastEventId = resume.parameters.find((p: Json) => p.name === 'Last-Event-ID');
    const idPattern = new RegExp(lastEventId.schema.pattern);
    const streamId = 'e8e926e4d46676c21a3f23e8d8997b79';
    expect(idPattern.test(`${streamId}:3`)).toBe(parseEventId(`${streamId}:3`) !== undefined);
    expect(idPattern.test(`${streamId}:x`)).toBe(false);
    expect(parseEventId(`${streamId}:x`)).toBeUndefined();
    const pathId = new RegExp(resume.parameters.find((p: Json) => p.in === 'path').schema.pattern);
    for (const id of [streamId, 'short', 'a'.repeat(64), 'a'.repeat(65), 'a b'.repeat(8)])
      expect(pathId.test(id), id).toBe(isStreamId(id));
  });

  it('describes /mcp, the A2A routes and /v1/status', () => {
    expect(openapi.paths['/mcp'].post.externalDocs.url).toMatch(/^https:\/\/modelcontextprotocol\.io\//);
    expect(openapi.paths['/mcp'].get.responses['405']).toBeDefined();
    expect(openapi.paths['/mcp'].delete.responses['405']).toBeDefined();
    for (const path of ['/.well-known/agent-card.json', '/a2a/{agent}/.well-known/agent-card.json'])
      expect(openapi.paths[path].get.security, path).toEqual([]);
    for (const path of ['/a2a', '/a2a/{agent}']) {
      const op = openapi.paths[path].post;
      expect(op.requestBody.content['application/json'].schema.$ref).toBe(
        '#/components/schemas/jsonrpc-request',
      );
      expect(op.parameters.map((p: Json) => p.name ?? p.$ref)).toContain('A2A-Version');
    }
    const { $schema: _, ...status } = wireJsonSchema(GatewayStatus);
    expect(schemas['gateway-status']).toEqual(status);
    expect(openapi.paths['/v1/status'].get.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/gateway-status',
    );
  });

  it('is rejected once an event names a schema that does not exist', async () => {
    const broken = structuredClone(openapi);
    broken.paths['/v1/ask'].post.responses['200'].content['text/event-stream']['x-itemSchema'].oneOf[0].$ref =
      '#/components/schemas/sse-event-nope';
    const result = await validate(broken as never);
    expect(result.valid).toBe(false);
  });
});
