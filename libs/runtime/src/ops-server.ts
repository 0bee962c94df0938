import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** What the ops endpoints need to know about the service. */
export interface OpsState {
  registry: Registry;
  /**
   * True once NATS is connected and provisioning is done, while the service takes work and every
   * stream, bucket and consumer it needs exists.
   */
  isReady: () => boolean;
  /** Extra readiness detail for `/readyz`: the runtime's `Readiness` (connection, what is missing, reason). */
  readiness?: () => object;
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

/**
 * An ops-only HTTP server on `host:port` (0 picks a free port). Resolves once it listens. The host
 * is loopback unless given (a service passes its `OPS_HOST`): ops endpoints are not for the world.
 */
export async function startOpsServer(
  port: number,
  state: OpsState,
  host = '127.0.0.1',
): Promise<{ app: FastifyInstance; port: number; close: () => Promise<void> }> {
  const app = Fastify({ logger: false });
  registerOpsRoutes(app, state);
  await app.listen({ port, host });
  const addr = app.server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  return { app, port: bound, close: () => app.close() };
}
