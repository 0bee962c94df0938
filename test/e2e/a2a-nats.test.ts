// A2A over NATS (docs/a2a.md): the gateway serves the JSON-RPC messages of the A2A JSON-RPC
// binding on `a2a.<agent>` and `a2a.switchboard`, tasks live in the `a2a_tasks` bucket (any gateway,
// any restart), stream responses are stored in `A2A_EVENTS` and resumed after a dropped connection.
// Driven by a plain NATS client (`a2a-nats-client.ts`) against the real service processes.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentCard, Role, type Task, TaskState } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';
import { Names } from '@switchboard/contracts';
import { type DemoTokenFiles, issueDemoTokens } from '@switchboard/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsBindingUri } from '../../services/gateway/src/a2a/cards.js';
import { NatsA2aTransportFactory } from '../../services/gateway/src/a2a/nats-client-transport.js';
import { call, getTaskRequest, type Response, sendRequest, stream, taskOf } from './a2a-nats-client.js';
import { type Stack, startStack, useStack, waitFor } from './harness.js';

const stack = useStack(['router', 'hr-agent', 'gateway']);
const alice = { user: 'alice' };
let nc: NatsConnection;
beforeAll(async () => {
  nc = await stack.current.connect();
});

const textOf = (r: Response) => taskOf(r).status.message?.parts[0]?.text ?? '';

describe('A2A over NATS', () => {
  it('is listed on the cards as an interface with its own binding URI', async () => {
    const res = await fetch(`${stack.current.gatewayUrl}/a2a/hr/.well-known/agent-card.json`);
    const card = (await res.json()) as { supportedInterfaces: { url: string; protocolBinding: string }[] };
    const port = new URL(stack.current.nats.url).port;
    expect(card.supportedInterfaces).toContainEqual(
      expect.objectContaining({
        protocolBinding: 'https://switchboard.dev/a2a/bindings/nats/v1',
        url: expect.stringMatching(new RegExp(`^nats://[^/]+:${port}/a2a\\.hr$`)),
        protocolVersion: '1.0',
      }),
    );
    const gw = (await (await fetch(`${stack.current.gatewayUrl}/.well-known/agent-card.json`)).json()) as {
      supportedInterfaces: { url: string }[];
    };
    expect(gw.supportedInterfaces.some((i) => i.url.endsWith('/a2a.switchboard'))).toBe(true);
  });

  it('answers SendMessage on a2a.hr and on a2a.switchboard; GetTask over NATS and HTTP', async () => {
    const direct = await call(nc, 'a2a.hr', sendRequest('how many vacation days do I have?'), alice);
    expect(direct.body.id).toBe(1);
    expect(direct.final).toBe(true);
    const task = taskOf(direct);
    expect(task.status.state).toBe('TASK_STATE_COMPLETED');
    expect(textOf(direct)).toMatch(/\bdays?\b/i);

    const routed = await call(nc, 'a2a.switchboard', sendRequest('how many vacation days do I have?'), alice);
    expect(taskOf(routed).metadata?.switchboard?.agent).toBe('hr');

    const got = taskOf(await call(nc, 'a2a.hr', getTaskRequest(task.id), alice));
    expect(got.status.state).toBe('TASK_STATE_COMPLETED');
    expect(got.artifacts?.[0]?.parts[0]?.text).toBe(textOf(direct));
    // The same task over HTTP: one store.
    const http = await fetch(`${stack.current.gatewayUrl}/a2a/hr`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'a2a-version': '1.0', 'switchboard-user': 'alice' },
      body: JSON.stringify(getTaskRequest(task.id)),
    });
    expect(((await http.json()) as { result: { id: string } }).result.id).toBe(task.id);
    // Tasks belong to their caller.
    const bob = await call(nc, 'a2a.hr', getTaskRequest(task.id), { user: 'bob' });
    expect(bob.body.error?.code).toBe(-32001);
  });

  it('streams SendStreamingMessage as numbered responses, the last final; a dropped client resumes', async () => {
    const full = await stream(
      nc,
      'a2a.hr',
      sendRequest('how many vacation days do I have?', { method: 'SendStreamingMessage', id: 7 }),
      alice,
    );
    expect(full.length).toBeGreaterThanOrEqual(2);
    expect(full.map((r) => r.seq)).toEqual(full.map((_, i) => i + 1));
    expect(full.map((r) => r.final)).toEqual(full.map((_, i) => i === full.length - 1));
    expect(new Set(full.map((r) => r.streamId)).size).toBe(1);
    expect(full.every((r) => r.body.id === 7)).toBe(true);
    expect(Object.keys(full[0]!.body.result!)).toEqual(['task']);
    const last = full.at(-1)!.body.result as { statusUpdate?: { status: { state: string } } };
    expect(last.statusUpdate?.status.state).toBe('TASK_STATE_COMPLETED');

    // The client drops after the first response, then resubscribes from the last A2A-Seq it saw.
    const first = await stream(
      nc,
      'a2a.hr',
      sendRequest('how many vacation days do I have?', { method: 'SendStreamingMessage' }),
      { ...alice, stopAfter: 1 },
    );
    expect(first).toHaveLength(1);
    const taskId = taskOf(first[0]!).id;
    const resume = (after: number, as = alice) =>
      stream(
        nc,
        'a2a.hr',
        { jsonrpc: '2.0', id: 9, method: 'SubscribeToTask', params: { id: taskId } },
        {
          ...as,
          headers: { 'A2A-Stream-Id': first[0]!.streamId!, 'A2A-Seq': String(after) },
        },
      );
    const rest = await resume(1);
    const seen = [...first, ...rest];
    // Nothing lost, nothing twice: positions 1..n, the last final, as stored from the start.
    expect(seen.map((r) => r.seq)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.at(-1)!.final).toBe(true);
    const again = await resume(0);
    expect(again.map((r) => r.raw)).toEqual(seen.map((r) => r.raw));
    expect(again.length).toBe(full.length);
    // Only the task's owner may resume it.
    const bob = await resume(0, { user: 'bob' });
    expect(bob).toHaveLength(1);
    expect(bob[0]!.body.error?.code).toBe(-32001);

    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(Names.a2aEventsStream, { subjects_filter: `a2a.events.${taskId}` });
    expect(info.state.subjects?.[`a2a.events.${taskId}`]).toBe(full.length);
  });

  it("is reachable with the SDK's own client through a NATS transport", async () => {
    const res = await fetch(`${stack.current.gatewayUrl}/a2a/hr/.well-known/agent-card.json`);
    const card = AgentCard.fromJSON(await res.json());
    const client = await new ClientFactory({
      transports: [new NatsA2aTransportFactory(nc)],
      preferredTransports: [NatsBindingUri],
    }).createFromAgentCard(card);
    const as = { serviceParameters: { 'Switchboard-User': 'alice' } };
    const message = {
      messageId: randomUUID(),
      contextId: '',
      taskId: '',
      role: Role.ROLE_USER,
      parts: [
        {
          content: { $case: 'text' as const, value: 'how many vacation days do I have?' },
          metadata: undefined,
          filename: '',
          mediaType: 'text/plain',
        },
      ],
      metadata: undefined,
      extensions: [],
      referenceTaskIds: [],
    };
    const task = (await client.sendMessage(
      { tenant: '', message, configuration: undefined, metadata: undefined },
      as,
    )) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const got = await client.getTask({ tenant: '', id: task.id, historyLength: undefined }, as);
    expect(got.id).toBe(task.id);
    await expect(
      client.getTask({ tenant: '', id: randomUUID(), historyLength: undefined }, as),
    ).rejects.toThrow(/not found/i);
    const listed = await client.listTasks(
      {
        tenant: '',
        contextId: task.contextId,
        status: 0,
        pageSize: 10,
        pageToken: '',
        historyLength: undefined,
        statusTimestampAfter: undefined,
        includeArtifacts: false,
      },
      as,
    );
    expect(listed.tasks.map((t) => t.id)).toEqual([task.id]);
  });

  it('answers bad input with JSON-RPC errors', async () => {
    expect((await call(nc, 'a2a.hr', '{not json', alice)).body.error?.code).toBe(-32700);
    expect((await call(nc, 'a2a.hr', { hello: 'world' }, alice)).body.error?.code).toBe(-32600);
    expect((await call(nc, 'a2a.hr', [sendRequest('hi')], alice)).body.error?.code).toBe(-32600);
    const unknown = await call(
      nc,
      'a2a.hr',
      { jsonrpc: '2.0', id: 3, method: 'NoSuchMethod', params: {} },
      alice,
    );
    expect(unknown.body).toMatchObject({ id: 3, error: { code: -32601 } });
    const big = await call(nc, 'a2a.hr', sendRequest('x'.repeat(40 * 1024)), alice);
    expect(big.body.error).toMatchObject({
      code: -32600,
      message: expect.stringMatching(/over 32768 bytes/),
    });
    const badUser = await call(nc, 'a2a.hr', sendRequest('hi'), { user: 'not a user!' });
    expect(badUser.body.error?.code).toBe(-32000);
  });

  it('keeps tasks and contexts in KV: a second gateway, and a restarted one, answer GetTask', async () => {
    const sent = await call(nc, 'a2a.hr', sendRequest('how many vacation days do I have?'), alice);
    const task = taskOf(sent);
    const second = await stack.current.start('gateway');
    const http = await fetch(`${second.baseUrl}/a2a/hr`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'a2a-version': '1.0', 'switchboard-user': 'alice' },
      body: JSON.stringify(getTaskRequest(task.id)),
    });
    expect(((await http.json()) as { result: { status: { state: string } } }).result.status.state).toBe(
      'TASK_STATE_COMPLETED',
    );
    // Every gateway stops; a new one still knows the task and continues the context's session.
    for (const p of stack.current.processes())
      if (p.name === 'gateway' && p.isRunning()) await p.stop('SIGTERM', 10_000);
    await stack.current.start('gateway');
    const got = taskOf(await call(nc, 'a2a.hr', getTaskRequest(task.id), alice));
    expect(got.id).toBe(task.id);
    expect(got.status.state).toBe('TASK_STATE_COMPLETED');
    const followUp = taskOf(
      await call(
        nc,
        'a2a.hr',
        sendRequest('how many vacation days are left for me?', { contextId: task.contextId }),
        alice,
      ),
    );
    expect(followUp.metadata?.switchboard?.sessionId).toBe(task.metadata?.switchboard?.sessionId);
  }, 60_000);

  it('completes a queued task (agent down) once the agent has answered in the session', async () => {
    await stack.current.get('hr-agent').stop('SIGTERM', 10_000);
    // The router sees no live hr instance once its card is gone from its view.
    const queued = await waitFor(
      'a queued reply',
      async () => {
        // Through the router: it stores the task for the agent (a2a.hr asks the agent itself).
        const r = taskOf(
          await call(nc, 'a2a.switchboard', sendRequest('how many vacation days do I have?'), alice),
        );
        return r.metadata?.switchboard?.status === 'queued' ? r : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
    expect(queued.status.state).toBe('TASK_STATE_SUBMITTED');
    await stack.current.start('hr-agent');
    const done = await waitFor(
      'the queued task completed',
      async () => {
        const t = taskOf(await call(nc, 'a2a.switchboard', getTaskRequest(queued.id), alice));
        return t.status.state === 'TASK_STATE_COMPLETED' ? t : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(done.status.message?.parts[0]?.text).toMatch(/\bdays?\b/i);
    expect(done.artifacts?.at(-1)?.parts[0]?.text).toBe(done.status.message?.parts[0]?.text);
  }, 90_000);
});

describe('durable A2A requests (a2a.inbox.<target>)', () => {
  it('keeps a request sent while no gateway runs, and answers it to A2A-Reply-To once one starts', async () => {
    for (const p of stack.current.processes())
      if (p.name === 'gateway' && p.isRunning()) await p.stop('SIGTERM', 10_000);
    const js = jetstream(nc);
    const replyTo = `a2a.replies.e2e.${randomUUID()}`;
    const h = natsHeaders();
    h.set('A2A-Version', '1.0');
    h.set('Switchboard-User', 'alice');
    h.set('A2A-Reply-To', replyTo);
    const request = sendRequest('how many vacation days do I have?', { id: 41 });
    const ack = await js.publish('a2a.inbox.hr', JSON.stringify(request), {
      headers: h,
      msgID: `e2e-${randomUUID()}`,
    });
    expect(ack.stream).toBe(Names.a2aRequestsStream);
    // One without A2A-Reply-To: nobody to answer, dropped once taken.
    await js.publish('a2a.inbox.hr', JSON.stringify(sendRequest('hi')));
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(Names.a2aRequestsStream)).state.messages).toBe(2);

    await stack.current.start('gateway');
    const consumer = await js.consumers.get(Names.a2aEventsStream, { filter_subjects: replyTo });
    const answer = await consumer.next({ expires: 30_000 });
    expect(answer).not.toBeNull();
    expect(answer!.headers?.get('A2A-Final')).toBe('true');
    const body = answer!.json<Response['body']>();
    expect(body.id).toBe(41);
    const task = taskOf({ body } as Response);
    expect(task.status.state).toBe('TASK_STATE_COMPLETED');
    expect(task.status.message?.parts[0]?.text).toMatch(/\bdays?\b/i);
    // Answered and acknowledged: the work queue is empty.
    await waitFor('the durable requests acknowledged', async () =>
      (await jsm.streams.info(Names.a2aRequestsStream)).state.messages === 0 ? true : undefined,
    );
  }, 90_000);
});

describe('A2A over NATS in secure mode (a token is required)', () => {
  let dir: string;
  let files: DemoTokenFiles;
  let secure: Stack | undefined;
  let snc: NatsConnection;
  const token = (user: string) => readFile(files.tokenFiles[user]!, 'utf8').then((t) => t.trim());
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-e2e-a2a-nats-'));
    files = await issueDemoTokens(dir);
    secure = await startStack(['router', 'hr-agent', 'gateway'], { env: files.env });
    snc = await secure.connect();
  }, 90_000);
  afterAll(async () => {
    await secure?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it("refuses a request without a token; answers one as the token's user; hides it from another", async () => {
    const none = await call(snc, 'a2a.hr', sendRequest('how many vacation days do I have?', { id: 5 }));
    expect(none.body).toMatchObject({
      id: 5,
      error: { code: -32000, message: expect.stringMatching(/unauthorized/) },
    });
    const named = await call(snc, 'a2a.hr', sendRequest('how many vacation days do I have?'), {
      user: 'alice',
    });
    expect(named.body.error?.code).toBe(-32000);
    const sent = await call(snc, 'a2a.hr', sendRequest('how many vacation days do I have?'), {
      token: await token('alice'),
    });
    const task = taskOf(sent);
    expect(task.status.state).toBe('TASK_STATE_COMPLETED');
    const mine = await call(snc, 'a2a.hr', getTaskRequest(task.id), { token: await token('alice') });
    expect(taskOf(mine).id).toBe(task.id);
    const bobs = await call(snc, 'a2a.hr', getTaskRequest(task.id), { token: await token('bob') });
    expect(bobs.body.error?.code).toBe(-32001);
  });
});
