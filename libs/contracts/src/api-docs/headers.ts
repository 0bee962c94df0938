import { z } from 'zod';
import { BudgetLimits } from '../budget.js';
import { ErrorCodes } from '../errors.js';
import { HeaderNames } from '../headers.js';
import { UserId } from '../ids.js';
import { wireJsonSchema } from '../json-schema.js';

/**
 * The headers of Switchboard's NATS messages (the message context of `context.ts` and the rest of
 * `HeaderNames`) as zod schemas with a description each, so the AsyncAPI document states their
 * formats from the same kind of contract as the payloads. A header of `HeaderNames` without an
 * entry here is still documented, as a plain string that points at `HeaderNames`.
 */
const headerContracts: Partial<Record<keyof typeof HeaderNames, z.ZodType>> = {
  msgId: z
    .string()
    .min(1)
    .describe('JetStream de-duplication id: the task id on a task, the event id on an event.'),
  replyTo: z
    .string()
    .regex(/^_INBOX\.[!-)+-=?-~]+$/)
    .max(255)
    .describe(
      "The caller's reply subject on a task (always under `_INBOX.`): whoever handles the task answers there. A task naming anything else is dead-lettered, never answered.",
    ),
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .describe(
      'Request id, the same on every hop and log line of one request. A missing or malformed one is replaced by a new id.',
    ),
  deadline: z
    .string()
    .regex(/^\d{1,16}$/)
    .describe(
      'Absolute deadline of the caller, epoch milliseconds. Past it nobody waits for the answer and an agent does not run the turn; more than a day ahead is ignored.',
    ),
  budget: z
    .string()
    .max(200)
    .regex(/^\s*(tokens|usd)\s*=\s*[0-9.]+\s*(;\s*(tokens|usd)\s*=\s*[0-9.]+\s*)?$/)
    .describe(
      `What every LLM call the request leads to may spend in total: \`tokens=<integer>;usd=<decimal>\` (either or both; at most ${BudgetLimits.maxTokens} tokens and ${BudgetLimits.maxUsd} USD). Copied onto every hop. A malformed value is refused with \`invalid_request\`.`,
    ),
  userId: UserId.describe(
    'The user a request is made for, as the edge that accepted it established (set on tasks).',
  ),
  authorization: z
    .string()
    .regex(/^Bearer \S+$/)
    .describe(
      "The caller's proof of identity on `agents.ask`, `agents.<agent>.ask` and `sagas.get`: `Bearer <token>`, a signed token (JWT, EdDSA) whose subject is the user. Checked when the services have the token public key; never copied onto a task.",
    ),
  replay: z
    .string()
    .min(1)
    .describe(
      'Set (to `1`) on a task published again by an operator from the dead letters: the agent checks the session before running it.',
    ),
  streamId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .describe(
      'The caller wants the answer streamed too, to `chunks.<streamId>` (docs/streaming.md); copied onto the task. The reply is unchanged.',
    ),
  chunkSeq: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .describe("A chunk's place in its streamed answer, 1-based."),
  chunkFinal: z.literal('true').describe('On the last chunk of a streamed answer.'),
  chunkReply: z
    .literal('true')
    .describe('On the record of the reply, stored after the last chunk (its payload is the reply JSON).'),
  chunkRestart: z
    .literal('true')
    .describe(
      'On a chunk that starts the answer again: the text streamed before it is void (a retried LLM call, a new tool round, a redelivered task). The reply record stays authoritative.',
    ),
  traceparent: z
    .string()
    .regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .describe('W3C trace context; each hop derives its own span from it.'),
  microError: z
    .string()
    .describe('On an error reply: the error message (NATS micro convention, shown by `nats req`).'),
  microErrorCode: z
    .enum([...new Set(Object.values(ErrorCodes).map((c) => String(c.httpStatus)))] as [string, ...string[]])
    .describe("On an error reply: the error code's HTTP status (NATS micro convention)."),
};

/** The JSON Schema of one header of `HeaderNames`, by its key. */
export function headerSchema(key: keyof typeof HeaderNames): Record<string, unknown> {
  const contract = headerContracts[key];
  if (!contract)
    return { type: 'string', description: `See \`HeaderNames.${key}\` in @switchboard/contracts.` };
  const { $schema: _, ...schema } = wireJsonSchema(contract, 'draft-7');
  return schema;
}

/** The headers added to a dead-lettered task (`DeadLetterHeaders` of @switchboard/agent-kit). */
export const deadLetterHeaders = {
  'Switchboard-Dlq-Reason': { type: 'string', description: 'Why the task was dead-lettered.' },
  'Switchboard-Dlq-Detail': {
    type: 'string',
    maxLength: 500,
    description: 'The error, for a person to read.',
  },
  'Switchboard-Dlq-Deliveries': {
    type: 'string',
    pattern: '^\\d+$',
    description: 'How many times the task was delivered.',
  },
  'Switchboard-Dlq-Stream-Seq': {
    type: 'string',
    pattern: '^\\d+$',
    description: 'The sequence of the task in `AGENT_TASKS` (the dead letter is de-duplicated by it).',
  },
  'Switchboard-Dlq-At': { type: 'string', format: 'date-time', description: 'When it was dead-lettered.' },
} as const;

/** A headers object schema of the given `HeaderNames` keys (none required: every header is optional). */
export function headersOf(
  keys: readonly (keyof typeof HeaderNames)[],
  extra: Record<string, object> = {},
): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const key of keys) properties[HeaderNames[key]] = headerSchema(key);
  return { type: 'object', properties: { ...properties, ...extra } };
}
