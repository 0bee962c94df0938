// The streamed answer of `POST /v1/ask` and its resume, `GET /v1/streams/{streamId}`, in the
// OpenAPI document: Server-Sent Events (docs/streaming.md).
import { z } from 'zod';
import {
  bare,
  common,
  errorsFor,
  type Json,
  okHeaders,
  reads,
  schemaRef,
  secured,
} from './openapi-common.js';

/** A stream id as the gateway picks it and `isStreamId` (chunks.ts) accepts it. */
const StreamIdText = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/)
  .describe('The stream id: 16 to 64 of `[A-Za-z0-9_-]` (the gateway picks 32 random hex digits).');
/** An SSE event id, `<streamId>:<seq>`, as `parseEventId` (chunks.ts) reads it back. */
const EventIdText = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}:\d{1,9}$/)
  .describe('`<streamId>:<seq>`: the `id` of the last `chunk` event seen.');
/** The data of the `stream` event: the id to resume with. */
const StreamOpened = z.strictObject({ streamId: StreamIdText });
/**
 * The data of one `chunk` event: joining the texts in `seq` order since the last `restart` gives the
 * answer's text.
 */
const StreamChunk = z.strictObject({
  seq: z.number().int().min(1).describe('1-based, in order; each sent once per connection.'),
  text: z.string().describe('The next piece of the answer, printed as it comes.'),
  restart: z
    .literal(true)
    .optional()
    .describe(
      'The text streamed before this chunk is void: the answer starts again here (a retried LLM call, a new tool round, a redelivered task). The `reply` stays authoritative.',
    ),
});

/** One SSE event as a client parses it: `event`, `data` (JSON text of `dataSchema`), and an `id` when set. */
function sseEvent(event: string, dataSchema: string, description: string, id = false): Json {
  return {
    type: 'object',
    description,
    properties: {
      ...(id ? { id: bare(EventIdText) } : {}),
      event: { type: 'string', const: event },
      data: { type: 'string', contentMediaType: 'application/json', contentSchema: schemaRef(dataSchema) },
    },
    required: id ? ['id', 'event', 'data'] : ['event', 'data'],
  };
}

export function sseSchemas(): Json {
  return {
    'stream-opened': bare(StreamOpened),
    'stream-chunk': bare(StreamChunk),
    'sse-event-stream': sseEvent('stream', 'stream-opened', 'First event of `POST /v1/ask`: the stream id.'),
    'sse-event-chunk': sseEvent('chunk', 'stream-chunk', 'One piece of the answer, in order.', true),
    'sse-event-reply': sseEvent(
      'reply',
      'ask-reply',
      'The reply (the JSON of a non-streamed `POST /v1/ask`, `ok: true` or an error); the stream ends after it.',
    ),
    'sse-event-error': sseEvent(
      'error',
      'error-reply',
      'A resumed stream that did not finish within the gateway timeout (`timeout`); the stream ends after it.',
    ),
  };
}

/**
 * A `text/event-stream` body. OpenAPI 3.1 has no way to describe the events of a stream (3.2's
 * `itemSchema` does), so the body is a string and `x-itemSchema` gives the events the way 3.2 would.
 */
export function eventStream(events: string[], description: string, example: string): Json {
  return {
    'text/event-stream': {
      schema: { type: 'string', description },
      'x-itemSchema': { oneOf: events.map((e) => schemaRef(`sse-event-${e}`)) },
      example,
    },
  };
}

const EXAMPLE_STREAM = '0af7651916cd43dd8448eb211c80319c';
export const sseExample = (first: boolean) =>
  [
    ...(first ? [`event: stream\ndata: {"streamId":"${EXAMPLE_STREAM}"}\n`] : []),
    ...(first
      ? [`id: ${EXAMPLE_STREAM}:1\nevent: chunk\ndata: {"seq":1,"text":"You have 18 vacation days left. "}\n`]
      : []),
    `id: ${EXAMPLE_STREAM}:2\nevent: chunk\ndata: {"seq":2,"text":"Ask me to book some."}\n`,
    'event: reply\ndata: {"ok":true,"status":"answered","sessionId":"9f1c2e7a4b3d48e6a0c5f2d91b7e6a38","agent":"hr","text":"You have 18 vacation days left. Ask me to book some."}\n',
  ].join('\n');

export const streamHeader = {
  description: 'The stream id, also in the `stream` event: resume at `GET /v1/streams/{streamId}`.',
  schema: bare(StreamIdText),
};

export function streamPaths(): Json {
  return {
    '/v1/streams/{streamId}': {
      get: {
        operationId: 'resumeStream',
        summary: 'Resume a streamed answer',
        description:
          'Replays the chunks stored after `Last-Event-ID` (none: from the first), then follows the stream live until the reply. Chunks at or below the last sequence sent are never sent twice on one connection. Streams are kept an hour. In secure mode only the user the answer is for may read it (401 without a valid token, 403 for another user); in open mode the stream id is the only secret.',
        tags: ['ask'],
        security: secured,
        parameters: [
          ...common,
          { name: 'streamId', in: 'path', required: true, schema: bare(StreamIdText) },
          {
            name: 'Last-Event-ID',
            in: 'header',
            required: false,
            description:
              "The `id` of the last `chunk` event seen; another stream's or a malformed one is `400`.",
            schema: bare(EventIdText),
          },
        ],
        responses: {
          '200': {
            description:
              'The rest of the stream: `chunk` events after `Last-Event-ID`, then `reply` (or `error`).',
            headers: { ...okHeaders, 'Switchboard-Stream': streamHeader },
            content: eventStream(
              ['chunk', 'reply', 'error'],
              'Server-Sent Events: `chunk`…, then `reply` or `error`.',
              sseExample(false),
            ),
          },
          ...errorsFor([...reads]),
        },
      },
    },
  };
}
