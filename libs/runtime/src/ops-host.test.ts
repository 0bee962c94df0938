import { describe, expect, it } from 'vitest';
import { BaseEnv, loadConfig } from './config.js';
import { createMetrics } from './metrics.js';
import { startOpsServer } from './ops-server.js';

// Ops endpoints are for this machine unless told otherwise (OPS_HOST).
describe('ops server host', () => {
  const state = () => ({
    registry: createMetrics('test', { processMetrics: false }).registry,
    isReady: () => true,
  });

  it('listens on loopback by default, and OPS_HOST defaults to loopback', async () => {
    const ops = await startOpsServer(0, state());
    try {
      expect(ops.app.server.address()).toMatchObject({ address: '127.0.0.1', port: ops.port });
      expect((await fetch(`http://127.0.0.1:${ops.port}/healthz`)).status).toBe(200);
    } finally {
      await ops.close();
    }
    expect(loadConfig(BaseEnv, {}).OPS_HOST).toBe('127.0.0.1');
  });

  it('listens on the host it is given', async () => {
    const ops = await startOpsServer(0, state(), loadConfig(BaseEnv, { OPS_HOST: '0.0.0.0' }).OPS_HOST);
    try {
      expect(ops.app.server.address()).toMatchObject({ address: '0.0.0.0' });
    } finally {
      await ops.close();
    }
  });
});
