import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { Names } from '@switchboard/contracts';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/** A stream, KV bucket or durable consumer a service cannot work without. */
export type Dependency =
  | { kind: 'stream'; name: string }
  | { kind: 'bucket'; name: string }
  | { kind: 'consumer'; stream: string; name: string };

/** Who creates the streams and buckets (`SWITCHBOARD_PROVISION`). */
export type ProvisionMode = 'self' | 'external';

/** How a dependency is named in `/readyz`, logs and metrics: `stream AGENT_TASKS`, `consumer AGENT_TASKS/agent-hr`. */
export function describeDependency(d: Dependency): string {
  return d.kind === 'consumer' ? `consumer ${d.stream}/${d.name}` : `${d.kind} ${d.name}`;
}

/** The JetStream stream behind a dependency: a bucket `b` is the stream `KV_b`. */
export function streamOf(d: Dependency): string {
  if (d.kind === 'bucket') return Names.bucketStream(d.name);
  return d.kind === 'consumer' ? d.stream : d.name;
}

const stream = (name: string): Dependency => ({ kind: 'stream', name });
const bucket = (name: string): Dependency => ({ kind: 'bucket', name });

/**
 * The streams and buckets each service works with, checked while it runs: `/readyz` fails while
 * one is missing. An agent also checks its durable consumer (`agent-<agent>` on `AGENT_TASKS`,
 * added by agent-kit) and its data bucket (`<agent>_data`, added by its engine); see
 * {@link agentDependencies}. A service checks with `$JS.API.STREAM.INFO.<stream>` and
 * `$JS.API.CONSUMER.INFO.<stream>.<consumer>`, so its identity needs those.
 */
export const ServiceDependencies: Readonly<Record<'gateway' | 'router' | 'agent', readonly Dependency[]>> = {
  gateway: [
    stream(Names.chunksStream),
    stream(Names.a2aEventsStream),
    stream(Names.a2aRequestsStream),
    bucket(Names.sessionsBucket),
    bucket(Names.sagasBucket),
  ],
  router: [
    stream(Names.tasksStream),
    bucket(Names.sessionsBucket),
    bucket(Names.agentsBucket),
    bucket(Names.sagasBucket),
  ],
  agent: [
    stream(Names.tasksStream),
    stream(Names.eventsStream),
    stream(Names.deadLetterStream),
    stream(Names.chunksStream),
    bucket(Names.sessionsBucket),
    bucket(Names.agentsBucket),
    bucket(Names.sagasBucket),
    bucket(Names.approvalsBucket),
  ],
};

/** Everything an agent of type `agent` checks: the shared ones, its consumer and its data bucket. */
export function agentDependencies(agent: string): Dependency[] {
  return [
    ...ServiceDependencies.agent,
    { kind: 'consumer', stream: Names.tasksStream, name: Names.agentConsumer(agent) },
    bucket(Names.agentDataBucket(agent)),
  ];
}

/** The shared dependencies of a service by its name (`gateway`, `router`, `<agent>-agent`). */
export function serviceDependencies(service: string): readonly Dependency[] {
  if (service === 'gateway' || service === 'router') return ServiceDependencies[service];
  if (service.endsWith('-agent')) return ServiceDependencies.agent;
  // Unknown services check everything a service may use.
  return [...ServiceDependencies.agent];
}

/** What a service does about one dependency. */
export interface DependencyHooks {
  /** Recreates it when found missing. Without it the service waits for the owner to. */
  recreate?: () => Promise<unknown>;
  /**
   * Runs when it is back after being missing, or found recreated since the last check (its
   * creation time changed): restart watches on it, seed it again.
   */
  restored?: () => unknown;
}

/** What the last check found. */
type State = 'unknown' | 'present' | 'missing';

interface Tracked {
  dep: Dependency;
  label: string;
  recreate: (() => Promise<unknown>) | undefined;
  restored: (() => unknown)[];
  state: State;
  /** Creation time reported by the server: a change means it was deleted and created again. */
  created: string | undefined;
  /** The last error other than "not found", while checks fail. */
  error: string | undefined;
  /** The last error of `recreate`, while it fails (logged once). */
  recreateError: string | undefined;
}

/** Settings of a {@link DependencyMonitor}. */
export interface DependencyMonitorOptions {
  jsm: JetStreamManager;
  log: Logger;
  metrics?: Metrics;
  /** Time between two checks, ms. */
  intervalMs: number;
  /** Checks are skipped while the connection is down (the state stays as last seen). */
  isConnected?: () => boolean;
}

function isNotFound(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamNotFound || err.code === JetStreamApiCodes.ConsumerNotFound)
  );
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Checks a service's streams, buckets and consumers every `intervalMs` with one STREAM.INFO or
 * CONSUMER.INFO each. A missing one makes {@link missing} non-empty (the service's `/readyz` then
 * fails, naming it) and is recreated when the service owns it (a `recreate` hook); once it is back
 * its `restored` hooks run. A check that fails otherwise (timeout, no permission) changes nothing
 * and is reported by {@link unchecked}.
 */
export class DependencyMonitor {
  readonly #opts: DependencyMonitorOptions;
  readonly #tracked = new Map<string, Tracked>();
  #timer: NodeJS.Timeout | undefined;
  /** The rounds one after the other: a round started while another runs waits for it. */
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(opts: DependencyMonitorOptions) {
    this.#opts = opts;
  }

  /** Starts checking `dep` (again adding hooks to one already checked). */
  add(dep: Dependency, hooks: DependencyHooks = {}): void {
    const label = describeDependency(dep);
    let t = this.#tracked.get(label);
    if (!t) {
      t = {
        dep,
        label,
        recreate: undefined,
        restored: [],
        state: 'unknown',
        created: undefined,
        error: undefined,
        recreateError: undefined,
      };
      this.#tracked.set(label, t);
      this.#opts.metrics?.dependencyMissing.set(this.#labels(dep), 0);
      this.#opts.metrics?.dependencyRecreated.inc(this.#labels(dep), 0);
    }
    if (hooks.recreate) t.recreate = hooks.recreate;
    if (hooks.restored) t.restored.push(hooks.restored);
  }

  /** What is missing now, e.g. `['stream AGENT_TASKS', 'consumer AGENT_TASKS/agent-hr']`. */
  missing(): string[] {
    return [...this.#tracked.values()].filter((t) => t.state === 'missing').map((t) => t.label);
  }

  /** Dependencies whose last check failed for another reason than "not found", with the error. */
  unchecked(): string[] {
    return [...this.#tracked.values()].filter((t) => t.error).map((t) => `${t.label}: ${t.error}`);
  }

  /** Checks every `intervalMs` from now on (a check never overlaps the previous one). */
  start(): void {
    if (this.#timer || this.#stopped) return;
    const tick = () => {
      void this.check().finally(() => {
        if (!this.#stopped) {
          this.#timer = setTimeout(tick, this.#opts.intervalMs);
          this.#timer.unref();
        }
      });
    };
    this.#timer = setTimeout(tick, this.#opts.intervalMs);
    this.#timer.unref();
  }

  /** Stops checking; resolves once a check under way has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#queue;
  }

  /**
   * One round: looks at every dependency, recreates the missing ones this service owns (in the
   * order they were added: a stream before the consumer on it) and runs `restored` hooks.
   */
  check(): Promise<void> {
    const round = this.#queue.then(() => this.#round());
    this.#queue = round.catch(() => undefined);
    return round;
  }

  async #round(): Promise<void> {
    if (this.#opts.isConnected && !this.#opts.isConnected()) return;
    const found = await Promise.all(
      [...this.#tracked.values()].map(async (t) => ({ t, seen: await this.#look(t) })),
    );
    for (const { t, seen } of found) {
      if (seen === 'error') continue;
      if (seen === 'missing' && t.recreate && !this.#stopped) {
        await this.#recreate(t);
      } else {
        this.#record(t, seen);
      }
    }
  }

  /**
   * Resolves once none of `deps` is missing, checking every `intervalMs` (they are added if they
   * were not yet): a service whose streams are provisioned by someone else waits here at start.
   */
  async waitFor(deps: readonly Dependency[]): Promise<void> {
    for (const d of deps) this.add(d);
    const labels = new Set(deps.map(describeDependency));
    let waiting: string[] = [];
    for (;;) {
      await this.check();
      const missing = this.missing().filter((l) => labels.has(l));
      const unknown = [...labels].filter((l) => this.#tracked.get(l)?.state === 'unknown');
      if (missing.length === 0 && unknown.length === 0) return;
      if (missing.join() !== waiting.join()) {
        waiting = missing;
        if (missing.length > 0) this.#opts.log.warn({ missing }, 'waiting for the provisioner to create');
      }
      if (this.#stopped) throw new Error('stopped while waiting for streams and buckets');
      await new Promise((r) => setTimeout(r, this.#opts.intervalMs));
    }
  }

  #labels(dep: Dependency): { kind: string; name: string } {
    return { kind: dep.kind, name: dep.kind === 'consumer' ? `${dep.stream}/${dep.name}` : dep.name };
  }

  /** Asks the server about one dependency; records its creation time. */
  async #look(t: Tracked): Promise<{ created: string } | 'missing' | 'error'> {
    const { jsm } = this.#opts;
    try {
      const info =
        t.dep.kind === 'consumer'
          ? await jsm.consumers.info(t.dep.stream, t.dep.name)
          : await jsm.streams.info(streamOf(t.dep));
      if (t.error) this.#opts.log.info({ dependency: t.label }, 'dependency can be checked again');
      t.error = undefined;
      return { created: info.created };
    } catch (err) {
      if (isNotFound(err)) {
        t.error = undefined;
        return 'missing';
      }
      const text = message(err);
      if (t.error !== text) this.#opts.log.warn({ dependency: t.label, err }, 'dependency check failed');
      t.error = text;
      return 'error';
    }
  }

  /** Applies what a check saw: state, metric, log, and `restored` hooks when it came back. */
  #record(t: Tracked, seen: { created: string } | 'missing'): void {
    const { log, metrics } = this.#opts;
    if (seen === 'missing') {
      if (t.state !== 'missing') {
        // Gone after it was there is an incident; not there yet at start is the provisioner's turn
        // (`waitFor` says once what it waits for).
        const level = t.state === 'present' ? 'error' : 'info';
        log[level]({ dependency: t.label }, `${t.label} is missing: not ready until it exists again`);
        metrics?.dependencyMissing.set(this.#labels(t.dep), 1);
      }
      t.state = 'missing';
      t.created = undefined;
      return;
    }
    const wasMissing = t.state === 'missing';
    const recreated = t.created !== undefined && t.created !== seen.created;
    t.state = 'present';
    t.created = seen.created;
    if (!wasMissing && !recreated) return;
    metrics?.dependencyMissing.set(this.#labels(t.dep), 0);
    log.warn(
      { dependency: t.label, created: seen.created },
      wasMissing ? `${t.label} exists now` : `${t.label} was deleted and created again`,
    );
    for (const hook of t.restored) {
      try {
        Promise.resolve(hook()).catch((err: unknown) =>
          log.error({ err, dependency: t.label }, 'restoring after a recreate failed'),
        );
      } catch (err) {
        log.error({ err, dependency: t.label }, 'restoring after a recreate failed');
      }
    }
  }

  async #recreate(t: Tracked): Promise<void> {
    this.#record(t, 'missing');
    try {
      await t.recreate?.();
      t.recreateError = undefined;
    } catch (err) {
      // Often waits for another one (a consumer for its stream): said once, tried every round.
      const text = message(err);
      if (t.recreateError !== text) {
        this.#opts.log.warn({ err, dependency: t.label }, `could not recreate ${t.label}; trying again`);
      }
      t.recreateError = text;
      return;
    }
    this.#opts.metrics?.dependencyRecreated.inc(this.#labels(t.dep));
    this.#opts.log.warn({ dependency: t.label }, `recreated ${t.label}`);
    const seen = await this.#look(t);
    if (seen !== 'error') this.#record(t, seen);
  }
}
