// The pieces every part of the OpenAPI document uses: references, JSON bodies, the error
// responses of an operation, the common headers and security.
import { type ErrorCode, ErrorCodes } from '../errors.js';
import { wireJsonSchema } from '../json-schema.js';

export type Json = Record<string, unknown>;

export const ref = (path: string) => ({ $ref: path });
export const json = (schema: object, extra: Json = {}) => ({ 'application/json': { schema, ...extra } });
export const schemaRef = (name: string) => ref(`#/components/schemas/${name}`);

/** The HTTP statuses of the error catalogue, each with the codes answered with it. */
export function statusesOf(codes: readonly ErrorCode[]): Map<number, ErrorCode[]> {
  const out = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ErrorCodes[code].httpStatus;
    out.set(status, [...(out.get(status) ?? []), code]);
  }
  return new Map([...out].sort(([a], [b]) => a - b));
}

/** The error responses of an operation that can fail with `codes`. */
export function errorsFor(codes: readonly ErrorCode[]): Json {
  return Object.fromEntries(
    [...statusesOf(codes).keys()].map((s) => [String(s), ref(`#/components/responses/error-${s}`)]),
  );
}

/** The headers of every answer. */
export const okHeaders = {
  'X-Request-Id': ref('#/components/headers/X-Request-Id'),
  traceparent: ref('#/components/headers/traceparent'),
};
/** An API key, a user token, or neither (open mode, no `GATEWAY_API_KEYS`). */
export const secured = [{ apiKey: [] }, { bearer: [] }, {}];
/** The request headers every operation takes. */
export const common = [
  ref('#/components/parameters/X-Request-Id'),
  ref('#/components/parameters/traceparent'),
];
/** What a read of the API can fail with. */
export const reads: ErrorCode[] = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'agent_unavailable',
  'timeout',
  'internal',
];

/** A zod contract as a JSON Schema without `$schema`: the document's dialect applies. */
export function bare(schema: Parameters<typeof wireJsonSchema>[0]): Json {
  const { $schema: _, ...rest } = wireJsonSchema(schema);
  return rest;
}
