// The JSON-RPC surfaces of the gateway in the OpenAPI document: MCP at `/mcp` and A2A at `/a2a`
// (their own specifications describe the messages; the document gives the envelope and the HTTP
// answers of the gateway).
import { HeaderNames } from '../headers.js';
import { AgentName } from '../ids.js';
import { headerSchema } from './headers.js';
import {
  bare,
  common,
  errorsFor,
  type Json,
  json,
  okHeaders,
  ref,
  schemaRef,
  secured,
} from './openapi-common.js';

const MCP_SPEC = 'https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http';
const A2A_SPEC = 'https://a2a-protocol.org/v1.0.0/specification/';

export function rpcSchemas(): Json {
  const id = { oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }] };
  return {
    'jsonrpc-request': {
      type: 'object',
      description: 'One JSON-RPC 2.0 request (or, without `id`, a notification).',
      properties: {
        jsonrpc: { type: 'string', const: '2.0' },
        id,
        method: { type: 'string' },
        params: { type: 'object' },
      },
      required: ['jsonrpc', 'method'],
    },
    'jsonrpc-response': {
      type: 'object',
      description: 'One JSON-RPC 2.0 response: `result` or `error`.',
      properties: {
        jsonrpc: { type: 'string', const: '2.0' },
        id,
        result: {},
        error: {
          type: 'object',
          properties: { code: { type: 'integer' }, message: { type: 'string' }, data: {} },
          required: ['code', 'message'],
        },
      },
      required: ['jsonrpc', 'id'],
    },
    'a2a-agent-card': {
      type: 'object',
      description: `An A2A v1.0 agent card (${A2A_SPEC}); the fields the gateway always writes are listed.`,
      properties: {
        name: { type: 'string' },
        description: { type: 'string' },
        version: { type: 'string' },
        supportedInterfaces: {
          type: 'array',
          description: 'The JSON-RPC endpoint, once for A2A 1.0 and once for 0.3.',
          items: {
            type: 'object',
            properties: {
              url: { type: 'string' },
              protocolBinding: { type: 'string' },
              protocolVersion: { type: 'string' },
            },
            required: ['url', 'protocolBinding'],
          },
        },
        capabilities: { type: 'object' },
        skills: {
          type: 'array',
          description: 'One per intent of each agent.',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              name: { type: 'string' },
              description: { type: 'string' },
              tags: { type: 'array', items: { type: 'string' } },
            },
            required: ['id', 'name'],
          },
        },
      },
      required: ['name', 'description', 'version', 'supportedInterfaces', 'skills'],
    },
  };
}

const rpcBody = (description: string) => ({
  description,
  content: json(schemaRef('jsonrpc-response')),
});
/** `Switchboard-User`: who is asking, in open mode (a token's user in secure mode). */
const userParam = {
  name: HeaderNames.userId,
  in: 'header',
  required: false,
  description: "Open mode: the user the request runs as. Secure mode: must be the token's user, or left out.",
  schema: headerSchema('userId'),
};
/** A 404 the A2A routes answer for an agent they do not know (code `invalid_request`). */
const noAgent = {
  description: 'No such agent (the body is an `invalid_request` error).',
  headers: { 'X-Request-Id': ref('#/components/headers/X-Request-Id') },
  content: json(schemaRef('error-reply')),
};
const agentParam = {
  name: 'agent',
  in: 'path',
  required: true,
  description: 'An agent type (`hr`, `finance`).',
  schema: bare(AgentName),
};
const unauthenticated = ref('#/components/responses/error-401');

export function mcpPaths(): Json {
  const notAllowed = (method: string) => ({
    operationId: `mcp${method}`,
    summary: 'Not served: the MCP server is stateless',
    tags: ['mcp'],
    security: [],
    responses: {
      '405': {
        description: 'Always: nothing is sent unasked and there is no session to end. Header `Allow: POST`.',
        headers: { Allow: { schema: { type: 'string', const: 'POST' } } },
        content: json(schemaRef('jsonrpc-response')),
      },
    },
  });
  return {
    '/mcp': {
      post: {
        operationId: 'mcp',
        summary: "The agents' tools as an MCP server (Streamable HTTP)",
        description: `The Model Context Protocol's Streamable HTTP transport (${MCP_SPEC}), stateless (no \`Mcp-Session-Id\`) and answering in JSON: one JSON-RPC message per POST (\`initialize\`, \`tools/list\`, \`tools/call\`, notifications). The tools are the live agents' tools, named \`<agent>_<tool>\`, run as the caller (docs/mcp.md). The MCP messages are the protocol's own and are not repeated here. The caller must accept both \`application/json\` and \`text/event-stream\` (the transport's rule).`,
        externalDocs: { description: 'MCP Streamable HTTP transport', url: MCP_SPEC },
        tags: ['mcp'],
        security: secured,
        parameters: [...common, userParam],
        requestBody: { required: true, content: json(schemaRef('jsonrpc-request')) },
        responses: {
          '200': { ...rpcBody('The JSON-RPC response.'), headers: okHeaders },
          '202': { description: 'A notification or response was accepted; no body.' },
          '400': {
            description:
              'Not JSON (a JSON-RPC parse error, `-32700`), or an invalid `Switchboard-User` header (`invalid_request`).',
            content: json({ oneOf: [schemaRef('jsonrpc-response'), schemaRef('error-reply')] }),
          },
          '401': unauthenticated,
          '406': rpcBody('The `Accept` header lacks `application/json` or `text/event-stream`.'),
          '415': rpcBody('The body is not `application/json`.'),
          ...errorsFor(['payload_too_large', 'rate_limited', 'agent_unavailable', 'internal']),
        },
      },
      get: notAllowed('Get'),
      delete: notAllowed('Delete'),
    },
  };
}

export function a2aPaths(): Json {
  const card = (operationId: string, summary: string, extra: Json = {}) => ({
    operationId,
    summary,
    description: `Public, like the API documents: a client reads it to learn the endpoint and how to authenticate (a \`bearer\` scheme in secure mode). Made from the capability cards of the \`agents\` bucket (docs/a2a.md).`,
    externalDocs: { description: 'A2A specification', url: A2A_SPEC },
    tags: ['a2a'],
    security: [],
    ...extra,
  });
  const rpc = (operationId: string, summary: string, target: string, path: Json[], responses: Json) => ({
    operationId,
    summary,
    description: `A2A JSON-RPC (${A2A_SPEC}): with \`A2A-Version: 1.0\` the v1.0 methods (\`SendMessage\`, \`SendStreamingMessage\`, \`GetTask\`, \`CancelTask\`), without it (or with \`0.3\`) the v0.3 ones (\`message/send\`, \`message/stream\`, \`tasks/get\`, \`tasks/cancel\`). A message is one turn on ${target}; a \`contextId\` is a session. JSON-RPC errors are answered with HTTP 200, as the binding says; the statuses below are the gateway's, before any JSON-RPC is read.`,
    externalDocs: { description: 'A2A specification', url: A2A_SPEC },
    tags: ['a2a'],
    security: secured,
    parameters: [
      ...path,
      ...common,
      userParam,
      {
        name: 'A2A-Version',
        in: 'header',
        required: false,
        description: 'The A2A version of the request: `1.0`, or `0.3` (the default).',
        schema: { type: 'string', enum: ['1.0', '0.3'] },
      },
    ],
    requestBody: { required: true, content: json(schemaRef('jsonrpc-request')) },
    responses,
  });
  const rpcResponses = (more: Json = {}) => ({
    '200': {
      description:
        'The JSON-RPC response; for the streaming methods, Server-Sent Events whose `data` is each a JSON-RPC response (the task, the answer, the final status; `event: error` on a failure).',
      headers: okHeaders,
      content: {
        ...json(schemaRef('jsonrpc-response')),
        'text/event-stream': { schema: { type: 'string' } },
      },
    },
    '400': { description: 'An invalid `Switchboard-User` header.', content: json(schemaRef('error-reply')) },
    '401': unauthenticated,
    ...more,
    ...errorsFor(['payload_too_large', 'rate_limited']),
  });
  return {
    '/.well-known/agent-card.json': {
      get: card('gatewayAgentCard', "The gateway's A2A card: every agent's skills, endpoint `POST /a2a`", {
        responses: { '200': { description: 'The card.', content: json(schemaRef('a2a-agent-card')) } },
      }),
    },
    '/a2a/{agent}/.well-known/agent-card.json': {
      get: card('agentCard', "One agent's A2A card, endpoint `POST /a2a/{agent}`", {
        parameters: [agentParam],
        responses: {
          '200': { description: 'The card.', content: json(schemaRef('a2a-agent-card')) },
          '404': { ...noAgent, description: 'No agent of this type in the registry.' },
        },
      }),
    },
    '/a2a': {
      post: rpc('a2a', 'A2A JSON-RPC: the router picks the agent', '`agents.ask`', [], rpcResponses()),
    },
    '/a2a/{agent}': {
      post: rpc(
        'a2aAgent',
        'A2A JSON-RPC to one agent',
        '`agents.<agent>.ask`',
        [agentParam],
        rpcResponses({ '404': { ...noAgent, description: 'The gateway serves no such agent.' } }),
      ),
    },
  };
}
