import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from './logger.js';

export type { NatsConnection } from '@nats-io/transport-node';

/**
 * Connects to NATS as `<service>@<instance>`, reconnecting forever, and logs connection status
 * changes. `waitOnFirstConnect` lets a service start before the server is up.
 */
export async function connectNats(opts: {
  url: string;
  service: string;
  instance: string;
  log: Logger;
  /** Give up the first connection after this long (ms); reconnects after that are unbounded. */
  firstConnectTimeoutMs?: number;
}): Promise<NatsConnection> {
  const nc = await connect({
    servers: opts.url.split(',').map((s) => s.trim()),
    name: `${opts.service}@${opts.instance}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    waitOnFirstConnect: true,
    timeout: opts.firstConnectTimeoutMs ?? 20_000,
    pingInterval: 10_000,
    noAsyncTraces: true,
  });
  opts.log.info({ server: nc.getServer() }, 'connected to NATS');
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnecting')
        opts.log.warn({ status: s.type }, 'NATS connection lost');
      else if (s.type === 'reconnect') opts.log.info({ status: s.type }, 'NATS connection restored');
      else if (s.type === 'error') opts.log.error({ err: s.error }, 'NATS connection error');
    }
  })();
  return nc;
}

/**
 * Makes the next messages start a new socket write when the connection's buffer is close to the
 * size at which nats.js writes it out in the middle of a publish (32 KB). A reply and its ack
 * published next then leave in one write: were they split, a process killed between the two
 * writes would have answered without acking, and the task's redelivery would answer again.
 * Uses nats.js internals; does nothing if their shape changes.
 */
export function startNewWrite(nc: NatsConnection, roomBytes = 8 * 1024): void {
  const p = (
    nc as unknown as {
      protocol?: { outbound?: { size(): number }; pendingLimit?: number; flushPending?: () => void };
    }
  ).protocol;
  if (!p?.outbound || typeof p.pendingLimit !== 'number' || typeof p.flushPending !== 'function') return;
  if (p.outbound.size() + roomBytes >= p.pendingLimit) p.flushPending();
}
