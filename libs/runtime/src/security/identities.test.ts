import { Names, Subjects } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { DeployedAgents } from '../provision.js';
import {
  agentIdentity,
  Identities,
  IdentityNames,
  identities,
  JsApi,
  userClientIdentity,
} from './identities.js';

const services = ['router', ...DeployedAgents.map(agentIdentity), 'gateway'];
const publish = (id: string) => Identities[id]!.publish.map((a) => a.subject);
const subscribe = (id: string) =>
  Identities[id]!.subscribe.map((a) => (a.queue ? `${a.subject} ${a.queue}` : a.subject));

describe('the identity table', () => {
  it('has the identities of the issue, in order', () => {
    expect(IdentityNames).toEqual([
      'router',
      'hr-agent',
      'finance-agent',
      'gateway',
      'client',
      'client-alice',
      'client-bob',
      'client-carol',
      'admin',
    ]);
  });

  it('lets no service create, update, purge or delete a stream, nor use the JetStream API at large', () => {
    for (const id of services) {
      for (const s of publish(id)) {
        expect(s, `${id}: ${s}`).not.toMatch(/^\$JS\.API\.STREAM\.(CREATE|UPDATE|DELETE|PURGE|MSG\.DELETE)/);
        expect(s, `${id}: ${s}`).not.toMatch(/^\$JS\.API\.(>|\*)|^>$|^\$JS\.API\.[A-Z]+\.>$/);
        expect(s, `${id}: ${s}`).not.toMatch(/^\$JS\.API\.CONSUMER\.(DELETE|DURABLE)\.AGENT_TASKS/);
      }
    }
  });

  it('lets each agent create, read and pull only its own consumer, with its own filter in the subject', () => {
    for (const agent of DeployedAgents) {
      const id = agentIdentity(agent);
      const consumerApi = publish(id).filter(
        (s) => s.includes(`.${Names.tasksStream}.`) && s.startsWith('$JS.API.CONSUMER'),
      );
      const consumer = Names.agentConsumer(agent);
      expect(consumerApi.sort()).toEqual(
        [
          JsApi.consumerInfo(Names.tasksStream, consumer),
          `$JS.API.CONSUMER.CREATE.AGENT_TASKS.${consumer}.tasks.${agent}`,
          JsApi.consumerNext(Names.tasksStream, consumer),
        ].sort(),
      );
      expect(publish(id)).toContain(`$JS.ACK.AGENT_TASKS.${consumer}.>`);
      for (const other of DeployedAgents.filter((a) => a !== agent)) {
        expect(publish(id).join(' ')).not.toContain(Names.agentConsumer(other));
        expect(publish(id)).not.toContain(Subjects.task(other));
        expect(publish(id).join(' ')).not.toContain(Names.agentDataBucket(other));
      }
    }
  });

  it('binds the endpoints to the queue groups the code uses', () => {
    expect(subscribe('router')).toContain(`${Subjects.ask} ${Names.routerQueue}`);
    for (const agent of DeployedAgents) {
      expect(subscribe(agentIdentity(agent))).toContain(
        `${Subjects.agentAsk(agent)} ${Names.agentQueue(agent)}`,
      );
      expect(subscribe(agentIdentity(agent))).toContain(
        `${Subjects.maxDeliveriesAdvisory(agent)} ${Names.agentQueue(agent)}-advisories`,
      );
      expect(subscribe(agentIdentity(agent))).toContain(
        `${Subjects.agentTools(agent)} ${Names.agentQueue(agent)}`,
      );
    }
  });

  it('gives each identity its own inbox prefix and subscriptions to its own inboxes only', () => {
    for (const id of IdentityNames) {
      const spec = Identities[id]!;
      expect(spec.inboxPrefix).toBe(Subjects.identityInbox(id));
      const inboxes = subscribe(id).filter((s) => s.startsWith('_INBOX'));
      expect(inboxes).toEqual([`_INBOX.${id}.>`]);
    }
  });

  it('lets only the agents publish to inboxes (answers carried by tasks), and only the router and gateway answer requests', () => {
    for (const id of IdentityNames) {
      const toInbox = publish(id).filter((s) => s.startsWith('_INBOX'));
      expect(toInbox, id).toEqual(id.endsWith('-agent') ? ['_INBOX.>'] : []);
      // The gateway answers only the $SRV discovery requests it receives (docs/discovery.md).
      expect(Boolean(Identities[id]!.allowResponses), id).toBe(id === 'router' || id === 'gateway');
    }
  });

  it('reads KV values by key only, never by sequence', () => {
    for (const id of services) {
      for (const s of publish(id).filter((x) => x.includes('DIRECT.GET') || x.includes('MSG.GET'))) {
        expect(
          s === JsApi.messageGet(Names.tasksStream) ||
            /^\$JS\.API\.DIRECT\.GET\.KV_\w+\.\$KV\.\w+\.>$/.test(s),
          s,
        ).toBe(true);
      }
    }
  });

  it('keeps the client to asking', () => {
    expect(publish('client')).toEqual([
      Subjects.ask,
      Subjects.sagaGet,
      ...DeployedAgents.map((a) => Subjects.agentAsk(a)),
      // A2A over NATS (docs/a2a.md), served by the gateway, and its durable requests
      Subjects.a2aRouter,
      ...DeployedAgents.map((a) => Subjects.a2aAgent(a)),
      Subjects.a2aInbox('switchboard'),
      ...DeployedAgents.map((a) => Subjects.a2aInbox(a)),
    ]);
    expect(subscribe('client')).toEqual(['_INBOX.client.>', 'a2a.replies.client.>']);
    expect(publish('gateway').filter((s) => !s.startsWith('$JS.API.STREAM.INFO.'))).toEqual([
      JsApi.info,
      Subjects.ask,
      JsApi.keyGet(Names.sessionsBucket),
      JsApi.keyGet(Names.sagasBucket),
      // SSE and resume of streamed answers (docs/streaming.md): ordered consumers on AGENT_CHUNKS
      `$JS.API.CONSUMER.CREATE.${Names.chunksStream}.*.${Subjects.allChunks}`,
      `$JS.API.CONSUMER.CREATE.${Names.chunksStream}.*`,
      `$JS.API.CONSUMER.MSG.NEXT.${Names.chunksStream}.*`,
      `$JS.API.CONSUMER.INFO.${Names.chunksStream}.*`,
      `$JS.API.CONSUMER.DELETE.${Names.chunksStream}.*`,
      // POST /mcp: the agents' tools (docs/mcp.md)
      ...DeployedAgents.map((a) => Subjects.agentTools(a)),
      // A2A (docs/a2a.md): POST /a2a/<agent>, and the capability cards the agent cards are made from
      ...DeployedAgents.map((a) => Subjects.agentAsk(a)),
      `$JS.API.CONSUMER.CREATE.KV_agents.*.$KV.agents.>`,
      '$JS.API.CONSUMER.INFO.KV_agents.*',
      '$JS.API.CONSUMER.DELETE.KV_agents.*',
      '$JS.FC.KV_agents.>',
      // A2A over NATS (docs/a2a.md): answers to durable requests, their consumers; stream responses
      // stored and resumed; tasks and contexts in KV
      Subjects.allA2aReplies,
      ...['switchboard', ...DeployedAgents].flatMap((t) => {
        const c = Names.a2aInboxConsumer(t);
        return [
          JsApi.consumerInfo(Names.a2aRequestsStream, c),
          JsApi.consumerCreate(Names.a2aRequestsStream, c, Subjects.a2aInbox(t)),
          JsApi.consumerNext(Names.a2aRequestsStream, c),
          ...JsApi.acks(Names.a2aRequestsStream, c),
        ];
      }),
      Subjects.allA2aEvents,
      `$JS.API.CONSUMER.CREATE.${Names.a2aEventsStream}.*.${Subjects.allA2aEvents}`,
      `$JS.API.CONSUMER.CREATE.${Names.a2aEventsStream}.*`,
      `$JS.API.CONSUMER.MSG.NEXT.${Names.a2aEventsStream}.*`,
      `$JS.API.CONSUMER.INFO.${Names.a2aEventsStream}.*`,
      `$JS.API.CONSUMER.DELETE.${Names.a2aEventsStream}.*`,
      '$KV.a2a_tasks.>',
      '$JS.API.DIRECT.GET.KV_a2a_tasks.$KV.a2a_tasks.>',
      '$JS.API.CONSUMER.CREATE.KV_a2a_tasks.*.$KV.a2a_tasks.>',
      '$JS.API.CONSUMER.INFO.KV_a2a_tasks.*',
      '$JS.API.CONSUMER.DELETE.KV_a2a_tasks.*',
      '$JS.FC.KV_a2a_tasks.>',
    ]);
    // It answers A2A requests over NATS (several responses for a stream), never other inboxes.
    expect(Identities.gateway!.allowResponses).toEqual({ max: 10_000, expires: '15m' });
    expect(subscribe('gateway')).toEqual(
      expect.arrayContaining([
        `${Subjects.a2aRouter} a2a-switchboard`,
        ...DeployedAgents.map((a) => `${Subjects.a2aAgent(a)} a2a-${a}`),
      ]),
    );
  });

  it("gives each user a client identity of their own: the client's permissions, only their own inboxes", () => {
    const users = ['alice', 'bob', 'carol'];
    for (const user of users) {
      const id = userClientIdentity(user);
      expect(id).toBe(`client-${user}`);
      expect(publish(id)).toEqual(publish('client'));
      expect(subscribe(id)).toEqual([`_INBOX.client-${user}.>`, `a2a.replies.client-${user}.>`]);
      expect(Identities[id]!.inboxPrefix).toBe(`_INBOX.client-${user}`);
      expect(Identities[id]!.allowResponses).toBe(false);
      // No subscription of one user covers another's inboxes, nor the shared client's.
      for (const other of ['client', ...users.filter((u) => u !== user).map(userClientIdentity)]) {
        for (const s of subscribe(id)) expect(`_INBOX.${other}.x`.startsWith(s.slice(0, -1))).toBe(false);
      }
    }
    expect(Object.keys(identities(['hr'], ['dave']))).toContain('client-dave');
    expect(Object.keys(identities(['hr'], []))).not.toContain('client-alice');
  });

  it('writes only well-formed subjects: no empty tokens, wildcards only as whole tokens', () => {
    for (const id of IdentityNames) {
      for (const s of [...publish(id), ...Identities[id]!.subscribe.map((a) => a.subject)]) {
        const tokens = s.split('.');
        expect(
          tokens.every((t) => t.length > 0 && (!/[*>]/.test(t) || t === '*' || t === '>')),
          `${id}: ${s}`,
        ).toBe(true);
        expect(tokens.indexOf('>') === -1 || tokens.indexOf('>') === tokens.length - 1, `${id}: ${s}`).toBe(
          true,
        );
      }
    }
  });

  it('follows the agent types it is built for', () => {
    const t = identities(['hr', 'finance', 'legal']);
    // The new agent after the others; the rest of the table as it is.
    const at = IdentityNames.indexOf('gateway');
    expect(Object.keys(t)).toEqual([
      ...IdentityNames.slice(0, at),
      'legal-agent',
      ...IdentityNames.slice(at),
    ]);
    expect(t.router!.publish.map((a) => a.subject)).toContain('tasks.legal');
    expect(t['legal-agent']!.subscribe.map((a) => a.subject)).toContain('agents.legal.ask');
  });
});
