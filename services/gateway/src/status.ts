// GET /v1/status: what the gateway sees of the system, for the web chat's status strip and the
// terminal chat. Agents come from their capability cards in the `agents` bucket (listed with
// `listEntries`, never `kv.keys()`: see libs/runtime/src/kv-list.ts), each with the breakers its card
// reports; the gateway adds its own.
import type { KV } from '@nats-io/kv';
import {
  type AgentStatus,
  type AskReplyError,
  type BreakerStatus,
  breakerStateName,
  CapabilityCard,
  errorReply,
  Failure,
  GatewayStatus,
  Limits,
  type SwitchboardError,
} from '@switchboard/contracts';
import { type Guard, identifyCaller, listEntries, type TokenVerifier } from '@switchboard/runtime';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** The route's metric label (primed with the others in `buildGateway`). */
export const statusRoute = 'GET /v1/status';

/** Status requests within this many ms share one listing of the bucket (every open page polls). */
const LISTING_TTL_MS = 1000;

/** What `GET /v1/status` needs; the error helpers are the gateway's own. */
export interface StatusRouteDeps {
  /** The `agents` bucket; absent: only the known types, each with 0 alive. */
  agentsKv?: KV | undefined;
  /** The agent types always listed, even with no card at all (the deployed ones). */
  agents: readonly string[];
  natsGuard: Guard;
  isReady: () => boolean;
  isConnected?: () => boolean;
  tokens?: TokenVerifier | undefined;
  sendError(reply: FastifyReply, body: AskReplyError, requestId: string): FastifyReply;
  natsFailure(err: unknown): SwitchboardError | Failure;
}

/** The valid cards in the bucket, one per instance (a card whose key is not `<name>.<instance>` is ignored). */
async function readCards(kv: KV): Promise<CapabilityCard[]> {
  const cards: CapabilityCard[] = [];
  for (const entry of await listEntries(kv)) {
    let parsed: ReturnType<typeof CapabilityCard.safeParse>;
    try {
      parsed = CapabilityCard.safeParse(entry.json());
    } catch {
      continue;
    }
    if (parsed.success && `${parsed.data.name}.${parsed.data.instanceId}` === entry.key)
      cards.push(parsed.data);
  }
  return cards;
}

/**
 * Every known agent type (the deployed ones and any with a card), sorted, with its live instances:
 * a card whose `heartbeatAt` is within `Limits.cardTtlSeconds`. The router judges by its own clock
 * when a card arrives instead (it watches the bucket); a listing has only the card's own time, so an
 * agent whose clock is off by more than the TTL shows here as not alive while the router routes to it.
 */
export function agentStatuses(
  cards: readonly CapabilityCard[],
  known: readonly string[],
  now = Date.now(),
): AgentStatus[] {
  const byAgent = new Map<string, AgentStatus>(
    known.map((agent) => [agent, { agent, alive: 0, instances: [] }]),
  );
  for (const card of cards) {
    const status = byAgent.get(card.name) ?? { agent: card.name, alive: 0, instances: [] };
    byAgent.set(card.name, status);
    const heartbeatAgeMs = Math.max(0, now - Date.parse(card.heartbeatAt));
    if (heartbeatAgeMs >= Limits.cardTtlSeconds * 1000) continue;
    status.alive++;
    status.instances.push({
      instanceId: card.instanceId,
      version: card.version,
      heartbeatAgeMs,
      breakers: card.breakers ?? [],
    });
  }
  const sorted = [...byAgent.values()].sort((a, b) => a.agent.localeCompare(b.agent));
  for (const s of sorted) s.instances.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  return sorted;
}

/** The whole body: the gateway's readiness and breakers, the agents, and the breakers not closed. */
export function gatewayStatus(
  gateway: { ready: boolean; breakers: BreakerStatus[] },
  agents: AgentStatus[],
): GatewayStatus {
  const all = [...gateway.breakers, ...agents.flatMap((a) => a.instances.flatMap((i) => i.breakers))];
  return GatewayStatus.parse({
    ok: true,
    gateway,
    agents,
    breakersOpen: all.filter((b) => b.state !== 'closed').length,
  });
}

/**
 * `GET /v1/status` (an API route: API key, rate limit and CORS as for `/v1/ask`). Secure mode: a
 * valid token of any user (401 otherwise). The bus down: 503 `agent_unavailable`.
 */
export function registerStatusRoute(app: FastifyInstance, deps: StatusRouteDeps): void {
  let listing: { at: number; cards: Promise<CapabilityCard[]> } | undefined;
  const cards = (): Promise<CapabilityCard[]> => {
    const kv = deps.agentsKv;
    if (!kv) return Promise.resolve([]);
    if (listing && Date.now() - listing.at < LISTING_TTL_MS) return listing.cards;
    const read = deps.natsGuard.execute(() => readCards(kv));
    listing = { at: Date.now(), cards: read };
    // A failed listing is not shared: the next request tries again.
    read.catch(() => {
      if (listing?.cards === read) listing = undefined;
    });
    return read;
  };
  app.get('/v1/status', async (req, reply) => {
    const requestId = (req as { requestId?: string }).requestId!;
    try {
      if (deps.tokens) await identifyCaller(deps.tokens, req.headers.authorization, undefined);
      if (deps.isConnected && !deps.isConnected()) {
        throw new Failure('bus_unavailable', 'the message bus is unavailable; retry shortly');
      }
      const found = await cards().catch((err: unknown) => {
        throw deps.natsFailure(err);
      });
      const gateway = {
        ready: deps.isReady(),
        breakers: [{ target: deps.natsGuard.target, state: breakerStateName(deps.natsGuard.state()) }],
      };
      const body = gatewayStatus(gateway, agentStatuses(found, deps.agents));
      return reply.header('x-request-id', requestId).send(body);
    } catch (err) {
      return deps.sendError(reply, errorReply(err), requestId);
    }
  });
}
