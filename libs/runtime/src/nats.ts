import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from './logger.js';
import { patchNatsRequestCancel } from './nats-request-patch.js';

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
  patchNatsRequestCancel();
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
