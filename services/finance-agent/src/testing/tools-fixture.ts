import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createToolExecutor, type ToolExecutor } from '@switchboard/agent-kit';
import { type NatsServer, startNatsServer } from '@switchboard/runtime/testing';
import { afterAll, beforeAll } from 'vitest';
import { financeTools } from '../tools/index.js';
import { clock, openTestStore } from './harness.js';

/**
 * For one test file of tools that only read: a real nats-server started before its tests and
 * stopped after them, and the Finance tools on one seeded bucket behind an executor.
 */
export function useFinanceToolExecutor(): Pick<ToolExecutor, 'execute'> {
  let server: NatsServer | undefined;
  let nc: NatsConnection | undefined;
  let exec: ToolExecutor | undefined;
  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    const store = await openTestStore(nc);
    exec = createToolExecutor({ agent: 'finance', tools: financeTools({ store, now: clock }) });
  });
  afterAll(async () => {
    await nc?.drain();
    await server?.stop();
  });
  return {
    execute: (name, input, ctx) => {
      if (!exec) throw new Error('the finance tools are not ready: call execute inside a test');
      return exec.execute(name, input, ctx);
    },
  };
}
