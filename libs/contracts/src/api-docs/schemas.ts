import { z } from 'zod';
import { AskReplyError, AskReplyOk } from '../ask.js';
import { EventData, type KnownEventType, SwitchboardEvent } from '../events.js';
import { wireJsonSchema } from '../json-schema.js';
import { SagaGetRequest, SagaReply } from '../saga.js';
import { wireSchemas } from '../schemas.js';
import { ToolsReply, ToolsRequest } from '../tools.js';

/**
 * The payload contracts the API documents name, by component name: every exported wire schema
 * (`wireSchemas`, the files of `libs/contracts/schema/`) and the few request and reply shapes that
 * only the documents need. Each becomes a JSON Schema component of both documents.
 */
export const docSchemas: Record<string, z.ZodType> = {
  ...wireSchemas,
  'ask-reply-ok': AskReplyOk,
  'error-reply': AskReplyError,
  'saga-get-request': SagaGetRequest,
  'saga-get-reply': z.union([SagaReply, AskReplyError]),
  'tools-request': ToolsRequest,
  'tools-reply': ToolsReply,
};

/** The component name of the envelope of one known event type: `event-hr-leave_requested`. */
export function eventComponent(type: KnownEventType): string {
  return `event-${type.replace('.', '-')}`;
}

/** An event of a known type: the envelope with `data` required and checked by the type's contract. */
export function knownEventContract(type: KnownEventType): z.ZodType {
  return SwitchboardEvent.extend({ type: z.literal(type), data: EventData[type] });
}

/** Every JSON Schema component, draft 7 for AsyncAPI (its default schema format), 2020-12 for OpenAPI 3.1. */
export function componentSchemas(target: 'draft-7' | 'draft-2020-12'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(docSchemas)) out[name] = bare(schema, target);
  for (const type of Object.keys(EventData) as KnownEventType[]) {
    out[eventComponent(type)] = bare(knownEventContract(type), target);
  }
  return out;
}

/** A JSON Schema without `$schema`: the document's dialect applies to its components. */
function bare(schema: z.ZodType, target: 'draft-7' | 'draft-2020-12'): Record<string, unknown> {
  const { $schema: _, ...rest } = wireJsonSchema(schema, target);
  return rest;
}
