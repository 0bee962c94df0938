import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { encodeJson, isInboxSubject } from '@switchboard/contracts';
import type { Logger } from '../logger.js';
import type { StatsSource } from './endpoint-stats.js';
import {
  type EndpointInfo,
  type EndpointStats,
  type InfoResponse,
  isMicroName,
  isSemver,
  type MicroIdentity,
  MicroTypes,
  type MicroVerb,
  MicroVerbs,
  microSubjects,
  type PingResponse,
  type StatsResponse,
} from './protocol.js';

/** An endpoint a service lists in `$SRV.INFO` and counts in `$SRV.STATS`. */
export interface MicroEndpoint {
  /** `A-Z a-z 0-9 _ -` (ADR-32): `ask`, `sagas_get`. */
  name: string;
  /** The subject it serves (`agents.ask`). */
  subject: string;
  /** The queue group of its subscription; absent for one that is not a queue subscription. */
  queueGroup?: string;
  metadata?: Record<string, string>;
  stats: StatsSource;
}

/** What a service says about itself. */
export interface MicroServiceConfig {
  name: string;
  /** Unique per instance, one subject token (see `microId`). */
  id: string;
  version: string;
  description?: string;
  metadata?: Record<string, string>;
  /** When the service started (default: now). */
  started?: Date;
}

/** A running responder of the services protocol. */
export interface MicroResponder {
  readonly name: string;
  readonly id: string;
  /** Lists an endpoint from now on (ADR-32 allows endpoints added after the start). */
  addEndpoint(endpoint: MicroEndpoint): void;
  ping(): PingResponse;
  info(): InfoResponse;
  stats(): Promise<StatsResponse>;
  /** Drains its nine subscriptions: the service no longer answers discovery. */
  stop(): Promise<void>;
}

function checkConfig(config: MicroServiceConfig): void {
  if (!isMicroName(config.name))
    throw new Error(`invalid service name for $SRV: ${JSON.stringify(config.name)}`);
  if (!isMicroName(config.id)) throw new Error(`invalid service id for $SRV: ${JSON.stringify(config.id)}`);
  if (!isSemver(config.version))
    throw new Error(`service version is not semver: ${JSON.stringify(config.version)}`);
}

function endpointInfo(e: MicroEndpoint): EndpointInfo {
  return {
    name: e.name,
    subject: e.subject,
    ...(e.queueGroup === undefined ? {} : { queue_group: e.queueGroup }),
    metadata: e.metadata ?? null,
  };
}

/**
 * Answers the NATS services protocol (ADR-32) for one service instance with nine plain
 * subscriptions: `$SRV.<verb>`, `$SRV.<verb>.<name>` and `$SRV.<verb>.<name>.<id>` for PING, INFO
 * and STATS, so `nats micro ls`, `nats micro info` and `nats micro stats` find it. Not queue
 * subscriptions: every instance answers. Like the service's endpoints, it answers only requests whose
 * reply subject is an inbox (`_INBOX.` prefix): nothing else is ever published.
 */
export function startMicroResponder(
  nc: NatsConnection,
  config: MicroServiceConfig,
  log: Logger,
): MicroResponder {
  checkConfig(config);
  const endpoints: MicroEndpoint[] = [];
  const started = (config.started ?? new Date()).toISOString();
  const identity = (): MicroIdentity => ({
    name: config.name,
    id: config.id,
    version: config.version,
    metadata: { ...(config.metadata ?? {}) },
  });
  const ping = (): PingResponse => ({ type: MicroTypes.PING, ...identity() });
  const info = (): InfoResponse => ({
    type: MicroTypes.INFO,
    ...identity(),
    description: config.description ?? '',
    endpoints: endpoints.map(endpointInfo),
  });
  const stats = async (): Promise<StatsResponse> => ({
    type: MicroTypes.STATS,
    ...identity(),
    started,
    endpoints: await Promise.all(endpoints.map(endpointStats)),
  });
  const answer: Record<MicroVerb, () => unknown> = { PING: ping, INFO: info, STATS: stats };
  const onMessage = async (verb: MicroVerb, msg: Msg) => {
    if (!msg.reply || !isInboxSubject(msg.reply)) {
      log.debug(
        { subject: msg.subject, reply: msg.reply?.slice(0, 80) },
        '$SRV request without an inbox: not answered',
      );
      return;
    }
    try {
      msg.respond(encodeJson(await answer[verb]()));
    } catch (err) {
      log.warn({ err, subject: msg.subject }, '$SRV request not answered');
    }
  };
  const subs: Subscription[] = MicroVerbs.flatMap((verb) =>
    microSubjects(verb, config.name, config.id).map((subject) =>
      nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) log.warn({ err, subject }, '$SRV subscription error');
          else void onMessage(verb, msg);
        },
      }),
    ),
  );
  return {
    name: config.name,
    id: config.id,
    addEndpoint: (e) => {
      if (!isMicroName(e.name)) throw new Error(`invalid endpoint name for $SRV: ${JSON.stringify(e.name)}`);
      endpoints.push(e);
    },
    ping,
    info,
    stats,
    stop: async () => {
      await Promise.all(subs.filter((s) => !s.isClosed()).map((s) => s.drain()));
    },
  };
}

async function endpointStats(e: MicroEndpoint): Promise<EndpointStats> {
  const counts = await e.stats();
  return {
    name: e.name,
    subject: e.subject,
    ...(e.queueGroup === undefined ? {} : { queue_group: e.queueGroup }),
    ...counts,
  };
}
