import { renderApiDocs } from '@switchboard/contracts';
import type { FastifyInstance } from 'fastify';

/** The routes that serve the API documents, as their request metrics name them. */
export const apiDocRoutes = ['GET /openapi.json', 'GET /asyncapi.json'] as const;

/** The paths of {@link apiDocRoutes}: `/openapi.json` and `/asyncapi.json`. */
export const apiDocPaths: readonly string[] = apiDocRoutes.map((r) => r.slice('GET '.length));

/**
 * Serves the gateway's OpenAPI 3.1 document at `GET /openapi.json` and the AsyncAPI 3.0 document of
 * the NATS subjects at `GET /asyncapi.json`: the same text as `libs/contracts/api/` (both generated
 * from the zod contracts; a test keeps the committed files in step). Rendered once, on first use.
 * Public like `/healthz`: they describe the API, they hold no data.
 */
export function registerApiDocs(app: FastifyInstance): void {
  let docs: Record<string, string> | undefined;
  for (const path of apiDocPaths) {
    app.get(path, async (_req, reply) => {
      docs ??= renderApiDocs();
      return reply
        .type('application/json; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(docs[path.slice(1)]);
    });
  }
}
