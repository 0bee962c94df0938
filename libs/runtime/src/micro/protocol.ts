/**
 * The NATS services protocol (ADR-32, "micro"): the discovery and monitoring subjects every
 * Switchboard service answers, and the JSON it answers with. Spec:
 * https://github.com/nats-io/nats-architecture-and-design/blob/main/adr/ADR-32.md
 * JSON schemas: https://github.com/nats-io/jsm.go/tree/main/schemas/micro/v1
 */

/** The prefix of the protocol's subjects. */
export const MicroPrefix = '$SRV';

/** The verbs a service answers (`$SRV.<verb>`, `$SRV.<verb>.<name>`, `$SRV.<verb>.<name>.<id>`). */
export const MicroVerbs = ['PING', 'INFO', 'STATS'] as const;
export type MicroVerb = (typeof MicroVerbs)[number];

/** The `type` of each reply. */
export const MicroTypes = {
  PING: 'io.nats.micro.v1.ping_response',
  INFO: 'io.nats.micro.v1.info_response',
  STATS: 'io.nats.micro.v1.stats_response',
} as const satisfies Record<MicroVerb, string>;

/** Service and endpoint names: `A-Z a-z 0-9 _ -` (ADR-32), at least one character. */
const namePattern = /^[A-Za-z0-9_-]+$/;

/** The semver 2.0 regex the protocol's schemas use for `version`. */
const semverPattern =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** True when `name` is a valid service or endpoint name. */
export function isMicroName(name: string): boolean {
  return namePattern.test(name);
}

/** True when `version` is a semantic version (`0.1.0`, `1.2.3-rc.1`). */
export function isSemver(version: string): boolean {
  return semverPattern.test(version);
}

/**
 * The instance id as a subject token: every character outside `A-Z a-z 0-9 _ -` becomes `_`
 * (`host.example-42` → `host_example-42`), so `$SRV.PING.<name>.<id>` is one token per part.
 */
export function microId(instanceId: string): string {
  const id = instanceId.replace(/[^A-Za-z0-9_-]/g, '_');
  return id.length > 0 ? id : '_';
}

/** The three subjects of one verb that a service `name` with instance `id` answers. */
export function microSubjects(verb: MicroVerb, name: string, id: string): [string, string, string] {
  return [`${MicroPrefix}.${verb}`, `${MicroPrefix}.${verb}.${name}`, `${MicroPrefix}.${verb}.${name}.${id}`];
}

/** The fields every reply carries. */
export interface MicroIdentity {
  name: string;
  id: string;
  version: string;
  metadata: Record<string, string>;
}

export interface PingResponse extends MicroIdentity {
  type: typeof MicroTypes.PING;
}

/** One endpoint as `$SRV.INFO` lists it. */
export interface EndpointInfo {
  name: string;
  subject: string;
  /** Absent for an endpoint that is not a queue subscription. */
  queue_group?: string;
  metadata: Record<string, string> | null;
}

export interface InfoResponse extends MicroIdentity {
  type: typeof MicroTypes.INFO;
  description: string;
  endpoints: EndpointInfo[];
}

/** One endpoint's counters as `$SRV.STATS` reports them; durations in nanoseconds. */
export interface EndpointStats {
  name: string;
  subject: string;
  queue_group?: string;
  num_requests: number;
  num_errors: number;
  /** The last error seen (an error code), `""` when none. */
  last_error: string;
  processing_time: number;
  average_processing_time: number;
  data?: Record<string, unknown>;
}

export interface StatsResponse extends MicroIdentity {
  type: typeof MicroTypes.STATS;
  /** When the service started, RFC 3339 in UTC. */
  started: string;
  endpoints: EndpointStats[];
}
