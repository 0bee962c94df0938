import {
  type ApprovalDesk,
  createToolExecutor,
  type Engine,
  type LlmSettings,
  type OutputChecks,
  type Tool,
  type ToolExecutor,
  withClaude,
} from '@switchboard/agent-kit';
import {
  agentDataBucketConfig,
  createGuard,
  type Logger,
  type Metrics,
  type NatsConnection,
  type ServiceRuntime,
} from '@switchboard/runtime';
import { demoEmployees } from '../data/demo.js';
import {
  FinanceBucket,
  type FinanceStore,
  openFinanceStore,
  seedFinanceData,
} from '../store/finance-store.js';
import { financeTools } from '../tools/index.js';
import { createOfflineFinanceEngine } from './offline.js';
import { financeSystemPrompt } from './system-prompt.js';

export { financeTools } from '../tools/index.js';
export { createOfflineFinanceEngine } from './offline.js';
export { financeSystemPrompt } from './system-prompt.js';

/** The Finance engine, with the tools and executor it runs on (for an LLM engine to share). */
export interface FinanceEngine extends Engine {
  readonly tools: readonly Tool[];
  readonly executor: ToolExecutor;
  readonly store: FinanceStore;
}

/**
 * Builds the Finance engine: opens (and on first start seeds) the `finance_data` bucket, binds the
 * tools to it, and answers with the deterministic offline engine, or with Claude when `llm` has an API key. `now` is the clock (tests pin it);
 * `bucket` overrides the bucket name (tests use one per case).
 */
export async function createFinanceEngine(deps: {
  nc: NatsConnection;
  log: Logger;
  metrics?: Metrics;
  now?: () => Date;
  bucket?: string;
  /** Replicas of the `finance_data` bucket (1 on one server, 3 in a cluster). */
  replicas?: number;
  /** Timeout of one tool call against the `finance_data` bucket, in ms (default 5 s). */
  toolTimeoutMs?: number;
  /** Which tool outputs are checked against their schema (default `all`). */
  toolOutputChecks?: OutputChecks;
  /** With an API key, Claude answers on the same tools and the offline engine stands in. */
  llm?: LlmSettings | undefined;
  /** The service runtime's: provides the bucket and seeds it again when it was recreated. */
  requireBucket?: ServiceRuntime['requireBucket'];
  /** The shared approvals (see src/approvals): over-limit expenses wait there for the manager. */
  approvals?: ApprovalDesk;
}): Promise<FinanceEngine> {
  const now = deps.now ?? (() => new Date());
  let opened: FinanceStore | undefined;
  await deps.requireBucket?.(
    { name: deps.bucket ?? FinanceBucket, config: agentDataBucketConfig({ replicas: deps.replicas ?? 1 }) },
    { restored: () => opened && seedFinanceData(opened.kv, now()) },
  );
  const store = await openFinanceStore({
    nc: deps.nc,
    log: deps.log,
    now,
    ...(deps.replicas ? { replicas: deps.replicas } : {}),
    ...(deps.bucket ? { bucket: deps.bucket } : {}),
  });
  opened = store;
  const tools = financeTools({ store, now, approvals: deps.approvals });
  const executor = createToolExecutor({
    agent: 'finance',
    tools,
    metrics: deps.metrics,
    log: deps.log,
    outputChecks: deps.toolOutputChecks,
    guard: createGuard(
      { target: 'finance_data', timeoutMs: deps.toolTimeoutMs ?? 5000, attempts: 1, halfOpenAfterMs: 5000 },
      deps.metrics,
    ),
  });
  const offline = createOfflineFinanceEngine({ executor, now, knownPeople: demoEmployees.map((e) => e.id) });
  const engine = await withClaude({
    agent: 'finance',
    llm: deps.llm,
    offline,
    executor,
    system: financeSystemPrompt,
    metrics: deps.metrics,
    log: deps.log,
  });
  return { tools, executor, store, respond: (input, ctx) => engine.respond(input, ctx) };
}
