import { A2A_PROTOCOL_VERSION, type AgentCard, type AgentSkill } from '@a2a-js/sdk';
import { duplicateInterfacesForLegacy } from '@a2a-js/sdk/compat/v0_3';
import type { KV } from '@nats-io/kv';
import { CapabilityCard, Limits } from '@switchboard/contracts';
import { listEntries } from '@switchboard/runtime';

/** One agent type as the registry knows it: its newest card, and whether an instance is alive. */
export interface RegisteredAgent {
  card: CapabilityCard;
  alive: boolean;
}

/**
 * The agent types in the `agents` bucket (one card per instance, `<agent>.<instance>`): the newest
 * card of each type, alive while one instance refreshed its card within `Limits.cardTtlSeconds`.
 * A type without a live instance stays listed (its tasks are `queued`, A2A `submitted`).
 */
export async function registeredAgents(kv: KV, now = Date.now()): Promise<Map<string, RegisteredAgent>> {
  const found = new Map<string, RegisteredAgent>();
  for (const entry of await listEntries(kv)) {
    let parsed: ReturnType<typeof CapabilityCard.safeParse>;
    try {
      parsed = CapabilityCard.safeParse(entry.json());
    } catch {
      continue;
    }
    if (!parsed.success) continue;
    const card = parsed.data;
    const alive = now - Date.parse(card.heartbeatAt) < Limits.cardTtlSeconds * 1000;
    const known = found.get(card.name);
    if (!known || Date.parse(card.heartbeatAt) > Date.parse(known.card.heartbeatAt))
      found.set(card.name, { card, alive: alive || (known?.alive ?? false) });
    else if (alive) known.alive = true;
  }
  return found;
}

/** The skills of one agent: one per intent, with the card's examples. */
export function skillsOf(card: CapabilityCard): AgentSkill[] {
  return card.intents.map((intent) => ({
    id: `${card.name}.${intent}`,
    name: `${card.name}: ${intent.replaceAll('_', ' ')}`,
    description: `${card.description} (intent ${intent})`,
    tags: [card.name, intent],
    examples: card.examples.slice(0, 10),
    inputModes: ['text/plain'],
    outputModes: ['text/plain'],
    securityRequirements: [],
  }));
}

/** The URI of Switchboard's A2A binding over NATS (docs/a2a.md), a custom binding of its own. */
export const NatsBindingUri = 'https://switchboard.dev/a2a/bindings/nats/v1';

/**
 * What a gateway adds to its cards: `natsUrl`, the same agent over NATS
 * (`nats://<server>/a2a.<agent>`) when it serves the binding; `streaming`, when streamed answers'
 * chunks reach it (`AGENT_CHUNKS`), so `SendStreamingMessage` streams the answer.
 */
export interface CardOptions {
  natsUrl?: string | undefined;
  streaming?: boolean | undefined;
}

/** What every card of this gateway shares; `secure`: callers need a bearer token. */
function baseCard(
  url: string,
  secure: boolean,
  { natsUrl, streaming = false }: CardOptions = {},
): Omit<AgentCard, 'name' | 'description' | 'skills' | 'version'> {
  const nats = natsUrl
    ? [{ url: natsUrl, protocolBinding: NatsBindingUri, tenant: '', protocolVersion: A2A_PROTOCOL_VERSION }]
    : [];
  return {
    // v1.0 first (the SDK's clients pick it), then the same endpoint for v0.3 peers (`message/send`),
    // then the NATS binding (v1.0 only).
    supportedInterfaces: [
      ...duplicateInterfacesForLegacy(
        [{ url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_PROTOCOL_VERSION }],
        ['JSONRPC'],
      ),
      ...nats,
    ],
    provider: { organization: 'Switchboard', url: 'https://github.com/switchboard' },
    documentationUrl: 'docs/a2a.md',
    // Without chunks, one final event per turn: `message/stream` answers, but does not stream.
    capabilities: { streaming, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: secure
      ? {
          bearer: {
            scheme: {
              $case: 'httpAuthSecurityScheme',
              value: { description: 'a Switchboard token', scheme: 'Bearer', bearerFormat: 'JWT' },
            },
          },
        }
      : {},
    securityRequirements: secure ? [{ schemes: { bearer: { list: [] } } }] : [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    signatures: [],
  };
}

/** The card of one agent, reached at `<base>/a2a/<agent>`. */
export function agentCard(
  card: CapabilityCard,
  base: string,
  secure: boolean,
  opts: CardOptions = {},
): AgentCard {
  return {
    ...baseCard(`${base}/a2a/${card.name}`, secure, opts),
    name: `switchboard-${card.name}`,
    description: card.description,
    version: card.version,
    skills: skillsOf(card),
  };
}

/** The gateway's own card: the router picks the agent; the skills of every registered agent. */
export function gatewayCard(
  agents: Iterable<CapabilityCard>,
  base: string,
  secure: boolean,
  opts: CardOptions = {},
): AgentCard {
  const cards = [...agents].sort((a, b) => a.name.localeCompare(b.name));
  return {
    ...baseCard(`${base}/a2a`, secure, opts),
    name: 'Switchboard',
    description: `Routes each message to the agent that fits (${cards.map((c) => c.name).join(', ') || 'none registered yet'}) and keeps the conversation as a session.`,
    version: '0.1.0',
    skills: cards.flatMap(skillsOf),
  };
}
