import {
  type ApprovalDesk,
  approvalTools,
  createToolExecutor,
  type Engine,
  type LlmSettings,
  type OutputChecks,
  type ToolExecutor,
  withClaude,
} from '@switchboard/agent-kit';
import {
  agentDataBucketConfig,
  createGuard,
  type Logger,
  type Metrics,
  type NatsConnection,
  type SagaStore,
  type ServiceRuntime,
} from '@switchboard/runtime';
import { todayIn } from '../domain/calendar.js';
import { startOnboardingTool } from '../onboarding/tool.js';
import { HR_BUCKET, type HrStore, openHrStore } from '../store.js';
import { createHrTools } from '../tools/index.js';
import { createOfflineHrEngine } from './offline.js';
import { hrSystemPrompt } from './system-prompt.js';

/** The LLM settings; without an API key the offline engine answers everything. */
export type HrLlmConfig = LlmSettings;

/** Dependencies of the HR engine; all but `nc` and `log` are optional. */
export interface HrEngineDeps {
  nc: NatsConnection;
  log: Logger;
  /** The clock (tests fix it). */
  now?: () => Date;
  /** The company's time zone, for what "today" is (IANA name, default UTC). */
  timeZone?: string;
  metrics?: Metrics;
  llm?: HrLlmConfig | undefined;
  /** Replicas of the `hr_data` bucket (1 on one server, 3 in a cluster). */
  replicas?: number;
  /** Timeout of one tool call against the `hr_data` bucket, in ms (default 5 s). */
  toolTimeoutMs?: number;
  /** Which tool outputs are checked against their schema (default `all`). */
  toolOutputChecks?: OutputChecks;
  /** Another bucket name than `hr_data` (tests use one per test). */
  bucket?: string;
  /** The service runtime's: provides the bucket and re-seeds it when it was recreated. */
  requireBucket?: ServiceRuntime['requireBucket'];
  /** The saga records: with them the engine offers `start_onboarding` (docs/workflows/onboarding-saga.md). */
  sagas?: SagaStore;
  /** The service's name, recorded on saga steps. */
  service?: string;
  /** The shared approvals (see src/approvals): long vacation waits there for the manager. */
  approvals?: ApprovalDesk;
}

/** What {@link createHrEngineParts} builds, for tests and for the engine. */
export interface HrEngineParts {
  engine: Engine;
  offline: Engine;
  executor: ToolExecutor;
  store: HrStore;
}

/**
 * Builds the HR agent's engine: opens (and on first start seeds) the `hr_data` bucket, defines the
 * HR tools once, and answers with the offline engine — or with Claude when an API key is
 * configured, the offline engine standing in whenever Claude cannot answer.
 */
export async function createHrEngineParts(deps: HrEngineDeps): Promise<HrEngineParts> {
  const now = deps.now ?? (() => new Date());
  const today = () => todayIn(now(), deps.timeZone);
  let opened: HrStore | undefined;
  await deps.requireBucket?.(
    { name: deps.bucket ?? HR_BUCKET, config: agentDataBucketConfig({ replicas: deps.replicas ?? 1 }) },
    { restored: () => opened?.restore() },
  );
  const store = await openHrStore(deps.nc, {
    today,
    ...(deps.replicas ? { replicas: deps.replicas } : {}),
    ...(deps.bucket ? { bucket: deps.bucket } : {}),
  });
  opened = store;
  const executor = createToolExecutor({
    agent: 'hr',
    tools: [
      ...createHrTools({ store, today, now, approvals: deps.approvals }),
      ...(deps.approvals ? approvalTools(deps.approvals) : []),
      ...(deps.sagas
        ? [
            startOnboardingTool({
              store,
              sagas: deps.sagas,
              today,
              now,
              metrics: deps.metrics,
              service: deps.service,
            }),
          ]
        : []),
    ],
    metrics: deps.metrics,
    log: deps.log,
    outputChecks: deps.toolOutputChecks,
    guard: createGuard(
      { target: 'hr_data', timeoutMs: deps.toolTimeoutMs ?? 5000, attempts: 1, halfOpenAfterMs: 5000 },
      deps.metrics,
    ),
  });
  const offline = createOfflineHrEngine({ executor, today });
  const engine = await withClaude({
    agent: 'hr',
    llm: deps.llm,
    offline,
    executor,
    system: (input) => hrSystemPrompt(input, today()),
    metrics: deps.metrics,
    log: deps.log,
  });
  return { engine, offline, executor, store };
}

/** The HR engine (see {@link createHrEngineParts}). */
export async function createHrEngine(deps: HrEngineDeps): Promise<Engine> {
  return (await createHrEngineParts(deps)).engine;
}
