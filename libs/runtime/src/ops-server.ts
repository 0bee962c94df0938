import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** What the ops endpoints need to know about the service. */
export interface OpsState {
  registry: Registry;
  /** True once NATS is connected and provisioning is done, and while the service takes work. */
  isReady: () => boolean;
  /** Extra readiness detail for `/readyz`. */
  readiness?: () => Record<string, unknown>;
}

/** Adds `/metrics`, `/healthz` and `/readyz` to a Fastify app (the gateway's, or an ops-only one). */
export function registerOpsRoutes(app: FastifyInstance, state: OpsState): void {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const ready = state.isReady();
    return reply.code(ready ? 200 : 503).send({ ok: ready, ...(state.readiness?.() ?? {}) });
  });
  app.get('/metrics', async (_req, reply) => {
    const body = await state.registry.metrics();
    return reply.header('content-type', state.registry.contentType).send(body);
  });
}

/** An ops-only HTTP server on `port` (0 picks a free one). Resolves once it listens. */
export async function startOpsServer(
  port: number,
  state: OpsState,
  host = '0.0.0.0',
): Promise<{ app: FastifyInstance; port: number; close: () => Promise<void> }> {
  const app = Fastify({ logger: false });
  registerOpsRoutes(app, state);
  await app.listen({ port, host });
  const addr = app.server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  return { app, port: bound, close: () => app.close() };
}
