import { bootService, createLogger, loadConfigOrExit, onShutdownSignal } from '@switchboard/runtime';
import { startAgentService } from './agent-service.js';
import { type AgentConfig, loadAgentConfig } from './config.js';
import type { Engine } from './engine.js';
import type { AgentProfile } from './profile.js';

/**
 * The whole life of an agent service process: config, logger, boot, wiring, ready, drain on
 * SIGTERM. Each agent's `main.ts` calls it with its profile and engine factory.
 */
export async function runAgentMain(opts: {
  profile: AgentProfile;
  version: string;
  defaultOpsPort: number;
  createEngine: (deps: {
    config: Readonly<AgentConfig>;
    rt: Awaited<ReturnType<typeof bootService>>;
  }) => Promise<Engine>;
}): Promise<void> {
  const service = `${opts.profile.name}-agent`;
  const config = loadConfigOrExit(service, () => loadAgentConfig(opts.defaultOpsPort));
  const log = createLogger({ service, instance: config.INSTANCE_ID, level: config.LOG_LEVEL });
  const rt = await bootService({ service, config, log, opsPort: config.OPS_PORT });
  const engine = await opts.createEngine({ config, rt });
  const agent = await startAgentService(rt, {
    profile: opts.profile,
    engine,
    version: opts.version,
    concurrency: config.AGENT_CONCURRENCY,
    maxDeliver: config.AGENT_MAX_DELIVER,
    ackWaitMs: config.AGENT_ACK_WAIT_MS,
    replicas: config.JS_REPLICAS,
  });
  rt.setReady(true);
  log.info({ opsPort: rt.opsPort }, 'ready');
  onShutdownSignal(
    log,
    async () => {
      rt.setReady(false);
      await agent.stop();
      await rt.close();
    },
    { timeoutMs: 10_000 },
  );
}
