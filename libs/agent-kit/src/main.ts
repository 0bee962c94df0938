import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import {
  agentMicroEndpoints,
  type Buckets,
  bootService,
  createLogger,
  createSessionStore,
  type Logger,
  loadConfigOrExit,
  loadTokenVerifierOrExit,
  type Metrics,
  type NatsConnection,
  onShutdownSignal,
  patchNatsRequestCancel,
  type ServiceRuntime,
  type SessionStore,
} from '@switchboard/runtime';
import { startAgentService } from './agent-service.js';
import type { LlmSettings } from './claude/with-claude.js';
import { type AgentConfig, loadAgentConfig } from './config.js';
import type { Engine } from './engine.js';
import type { AgentProfile } from './profile.js';
import type { OutputChecks, ToolExecutor } from './tools/executor.js';

/** What every agent's engine factory gets, built from the agent's config and runtime. */
export interface AgentEngineDeps {
  nc: NatsConnection;
  log: Logger;
  metrics: Metrics;
  /** Replicas of the agent's domain bucket (`JS_REPLICAS`). */
  replicas: number;
  /** Timeout of one tool call on the domain store (`AGENT_TOOL_TIMEOUT_MS`). */
  toolTimeoutMs: number;
  /** Which tool outputs are checked against their schema (`AGENT_TOOL_OUTPUT_CHECK`). */
  toolOutputChecks: OutputChecks;
  /** LLM settings; without an API key the offline engine answers. */
  llm: LlmSettings;
  /**
   * Provides the agent's data bucket (`Names.agentDataBucket`): creates it or waits for the
   * provisioner, then keeps checking it; `restored` runs when it was recreated (seed it again).
   */
  requireBucket: ServiceRuntime['requireBucket'];
  /** For workflow participants: JetStream, the shared buckets (`sagas`, `approvals`) and sessions. */
  js: JetStreamClient;
  jsm: JetStreamManager;
  buckets: Buckets;
  /** The sessions, for telling a conversation a workflow's outcome (`appendNotice`). */
  sessions: SessionStore;
  /** The service's own identity on the bus and in metrics (`hr-agent`). */
  service: string;
  /**
   * Registers something to stop on SIGTERM (an event consumer, a sweeper): run after the agent
   * stopped taking tasks, before the connection closes.
   */
  onStop(stop: () => Promise<void>): void;
}

/**
 * What an agent's engine factory returns: the engine, or the engine with the tools it runs on
 * (the agent then serves them on `agents.<agent>.tools`, e.g. to MCP clients through the gateway).
 */
export type AgentEngineBuilt = Engine | { engine: Engine; tools: ToolExecutor };

/**
 * The whole life of an agent service process: config, logger, boot, wiring, ready, drain on
 * SIGTERM. Each agent's `main.ts` calls it with its profile and engine factory.
 */
export async function runAgentMain(opts: {
  profile: AgentProfile;
  version: string;
  defaultOpsPort: number;
  createEngine: (deps: AgentEngineDeps) => Promise<AgentEngineBuilt>;
}): Promise<void> {
  const service = `${opts.profile.name}-agent`;
  const config = loadConfigOrExit(service, () => loadAgentConfig(opts.defaultOpsPort));
  const log = createLogger({ service, instance: config.INSTANCE_ID, level: config.LOG_LEVEL });
  // Explicit, version-guarded shim for nats.js (see nats-request-patch.ts): no throwaway error per request.
  log.info({ natsRequestPatch: patchNatsRequestCancel() }, 'nats.js request patch');
  const tokens = await loadTokenVerifierOrExit(service, config, log);
  const ops = { opsPort: config.OPS_PORT, opsHost: config.OPS_HOST };
  const rt = await bootService({ service, config, log, ...ops, version: opts.version });
  const stops: (() => Promise<void>)[] = [];
  const built = await opts.createEngine({
    ...engineDeps(config, rt),
    service,
    onStop: (stop) => stops.push(stop),
  });
  const agent = await startAgentService(rt, {
    profile: opts.profile,
    ...('respond' in built ? { engine: built } : built),
    version: opts.version,
    concurrency: config.AGENT_CONCURRENCY,
    maxDeliver: config.AGENT_MAX_DELIVER,
    ackWaitMs: config.AGENT_ACK_WAIT_MS,
    replicas: config.JS_REPLICAS,
    tokens,
  });
  // `nats micro stats <agent>-agent`: its direct endpoint and its task consumer (docs/discovery.md).
  const served = { tools: !('respond' in built) };
  for (const e of agentMicroEndpoints(rt.metrics, opts.profile.name, served)) rt.micro.addEndpoint(e);
  rt.setReady(true);
  log.info({ opsPort: rt.opsPort }, 'ready');
  onShutdownSignal(
    log,
    async () => {
      rt.setReady(false);
      await agent.stop();
      for (const stop of stops) await stop().catch((err: unknown) => log.warn({ err }, 'stop failed'));
      await rt.close();
    },
    { timeoutMs: 10_000 },
  );
}

function engineDeps(
  config: Readonly<AgentConfig>,
  rt: Awaited<ReturnType<typeof bootService>>,
): Omit<AgentEngineDeps, 'service' | 'onStop'> {
  return {
    nc: rt.nc,
    js: rt.js,
    jsm: rt.jsm,
    buckets: rt.buckets,
    sessions: createSessionStore(rt.buckets.sessions),
    log: rt.log,
    metrics: rt.metrics,
    replicas: config.JS_REPLICAS,
    requireBucket: rt.requireBucket,
    toolTimeoutMs: config.AGENT_TOOL_TIMEOUT_MS,
    toolOutputChecks: config.AGENT_TOOL_OUTPUT_CHECK,
    llm: {
      apiKey: config.ANTHROPIC_API_KEY,
      baseURL: config.ANTHROPIC_BASE_URL,
      model: config.ANTHROPIC_MODEL,
      timeoutMs: config.AGENT_LLM_TIMEOUT_MS,
      halfOpenAfterMs: config.AGENT_LLM_HALF_OPEN_MS,
      prices: config.LLM_PRICES,
    },
  };
}
