// Every agent as an A2A agent through the gateway, driven by the official SDK's own client
// (`ClientFactory` + JSON-RPC transport) against the real service processes: the cards generated
// from the capability cards, a message answered as a completed task, a follow-up in the same
// context continuing the same Switchboard session, `GetTask`, an error as a rejected task, an
// unknown task as the protocol's error; and a v0.3 peer's plain `message/send`.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Message, Role, type Task, TaskState } from '@a2a-js/sdk';
import { type Client, ClientFactory } from '@a2a-js/sdk/client';
import { type DemoTokenFiles, issueDemoTokens } from '@switchboard/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, useStack } from './harness.js';

const stack = useStack(['router', 'hr-agent', 'finance-agent', 'gateway']);
const alice: { serviceParameters: Record<string, string> } = {
  serviceParameters: { 'switchboard-user': 'alice' },
};

function userMessage(text: string, contextId = ''): Message {
  return {
    messageId: randomUUID(),
    contextId,
    taskId: '',
    role: Role.ROLE_USER,
    parts: [
      { content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' },
    ],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

async function send(client: Client, text: string, contextId = '', as = alice): Promise<Task> {
  const result = await client.sendMessage(
    { tenant: '', message: userMessage(text, contextId), configuration: undefined, metadata: undefined },
    as,
  );
  expect('id' in result && 'status' in result).toBe(true);
  return result as Task;
}

/** The text of the task's final status message. */
function answerOf(task: Task): string {
  const part = task.status?.message?.parts[0]?.content;
  expect(part?.$case).toBe('text');
  return part?.$case === 'text' ? part.value : '';
}

function switchboardOf(task: Task): {
  sessionId?: string;
  agent?: string;
  status?: string;
  error?: { code: string };
} {
  return (task.metadata?.switchboard ?? {}) as {
    sessionId?: string;
    agent?: string;
    error?: { code: string };
  };
}

describe('A2A through the gateway', () => {
  it("serves the gateway's card and one per agent, made from the capability cards", async () => {
    const client = await new ClientFactory().createFromUrl(stack.current.gatewayUrl);
    const card = await client.getAgentCard();
    expect(card.name).toBe('Switchboard');
    expect(card.supportedInterfaces[0]).toMatchObject({
      url: `${stack.current.gatewayUrl}/a2a`,
      protocolBinding: 'JSONRPC',
      protocolVersion: '1.0',
    });
    const skillIds = card.skills.map((s) => s.id);
    expect(skillIds.some((id) => id.startsWith('hr.'))).toBe(true);
    expect(skillIds.some((id) => id.startsWith('finance.'))).toBe(true);
    // Streamed answers' chunks reach the gateway (AGENT_CHUNKS): SendStreamingMessage streams.
    expect(card.capabilities?.streaming).toBe(true);

    const hr = await new ClientFactory().createFromUrl(`${stack.current.gatewayUrl}/a2a/hr/`);
    const hrCard = await hr.getAgentCard();
    expect(hrCard.name).toBe('switchboard-hr');
    expect(hrCard.supportedInterfaces[0]?.url).toBe(`${stack.current.gatewayUrl}/a2a/hr`);
    expect(hrCard.skills.length).toBeGreaterThan(0);
    expect(hrCard.skills.every((s) => s.id.startsWith('hr.') && s.examples.length > 0)).toBe(true);

    const unknown = await fetch(`${stack.current.gatewayUrl}/a2a/nobody/.well-known/agent-card.json`);
    expect(unknown.status).toBe(404);
  });

  it('answers a message as a completed task; a follow-up in its context continues the session', async () => {
    const client = await new ClientFactory().createFromUrl(stack.current.gatewayUrl);
    const first = await send(client, 'how many vacation days do I have?');
    expect(first.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(first)).toMatch(/\bdays?\b/i);
    expect(switchboardOf(first).agent).toBe('hr');
    const sessionId = switchboardOf(first).sessionId;
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(first.contextId.length).toBeGreaterThan(0);

    const followUp = await send(client, 'how many vacation days are left for me?', first.contextId);
    expect(followUp.id).not.toBe(first.id);
    expect(followUp.contextId).toBe(first.contextId);
    expect(followUp.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(switchboardOf(followUp).sessionId).toBe(sessionId);

    const got = await client.getTask({ tenant: '', id: first.id, historyLength: undefined }, alice);
    expect(got.id).toBe(first.id);
    expect(got.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(got)).toBe(answerOf(first));
    expect(got.artifacts[0]?.parts[0]?.content).toEqual({ $case: 'text', value: answerOf(first) });
  });

  it("talks to one agent at /a2a/<agent>; a streamed turn sends the answer's chunks as artifact updates", async () => {
    const hr = await new ClientFactory().createFromUrl(`${stack.current.gatewayUrl}/a2a/hr/`);
    const events = [];
    for await (const e of hr.sendMessageStream(
      {
        tenant: '',
        message: userMessage('what is the parental leave policy?'),
        configuration: undefined,
        metadata: undefined,
      },
      alice,
    ))
      events.push(e.payload);
    expect(events[0]?.$case).toBe('task');
    const last = events.at(-1);
    expect(last?.$case).toBe('statusUpdate');
    if (last?.$case !== 'statusUpdate') return;
    expect(last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const finalText = last.value.status?.message?.parts[0]?.content;
    // The chunks (lastChunk false), then the whole answer (lastChunk true), all one artifact.
    const updates = events.flatMap((e) => (e?.$case === 'artifactUpdate' ? [e.value] : []));
    const chunks = updates.filter((u) => !u.lastChunk);
    expect(chunks.length).toBeGreaterThanOrEqual(1);
    expect(chunks[0]!.append).toBe(false);
    expect(new Set(updates.map((u) => u.artifact?.artifactId)).size).toBe(1);
    // Joined as the append flags say, the chunks are the answer; the last update replaces them with it.
    let text = '';
    for (const c of chunks) {
      const part = c.artifact?.parts[0]?.content;
      const piece = part?.$case === 'text' ? part.value : '';
      text = c.append ? text + piece : piece;
    }
    expect(finalText?.$case === 'text' && finalText.value).toBe(text);
    expect(updates.at(-1)).toMatchObject({ append: false, lastChunk: true });
    expect(updates.at(-1)!.artifact?.parts[0]?.content).toEqual(finalText);
    expect(switchboardOf({ metadata: last.value.metadata } as Task).agent).toBe('hr');

    // SendStreamingMessage itself answers with Server-Sent Events: the task, then its final events.
    const res = await fetch(`${stack.current.gatewayUrl}/a2a/hr`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'a2a-version': '1.0', 'switchboard-user': 'alice' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'SendStreamingMessage',
        params: {
          message: {
            messageId: randomUUID(),
            role: 'ROLE_USER',
            parts: [{ text: 'how many vacation days do I have?' }],
          },
        },
      }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = (await res.text())
      .split('\n\n')
      .filter((f) => f.startsWith('data: '))
      .map(
        (f) =>
          JSON.parse(f.slice('data: '.length)) as {
            id: number;
            result: Record<string, { status?: { state: string } }>;
          },
      );
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames.every((f) => f.id === 7)).toBe(true);
    expect(Object.keys(frames[0]!.result)).toEqual(['task']);
    expect(frames.at(-1)!.result.statusUpdate?.status?.state).toBe('TASK_STATE_COMPLETED');
  });

  it('asks back as input-required when no agent fits; the answer to it completes the same task', async () => {
    const client = await new ClientFactory().createFromUrl(stack.current.gatewayUrl);
    const asked = await send(client, 'what is the weather in Paris?');
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(answerOf(asked).length).toBeGreaterThan(10);
    const reply = userMessage('how many vacation days do I have?', asked.contextId);
    reply.taskId = asked.id;
    const done = (await client.sendMessage(
      { tenant: '', message: reply, configuration: undefined, metadata: undefined },
      alice,
    )) as Task;
    expect(done.id).toBe(asked.id);
    expect(done.status?.state, JSON.stringify(done.metadata)).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(switchboardOf(done).agent).toBe('hr');
    // The router's question opened no session; the answer did, and the context continues it.
    const again = await send(client, 'how many vacation days are left for me?', asked.contextId);
    expect(switchboardOf(again).sessionId).toBe(switchboardOf(done).sessionId);
  });

  it('is input-required while the agent waits for an answer to its own question', async () => {
    const hr = await new ClientFactory().createFromUrl(`${stack.current.gatewayUrl}/a2a/hr/`);
    const asked = await send(hr, 'I want to take leave');
    expect(answerOf(asked)).toMatch(/Which dates would you like to book/);
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const end = userMessage('END', asked.contextId);
    end.taskId = asked.id;
    const ended = (await hr.sendMessage(
      { tenant: '', message: end, configuration: undefined, metadata: undefined },
      alice,
    )) as Task;
    expect(ended.id).toBe(asked.id);
    expect(ended.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(switchboardOf(ended)).toMatchObject({
      sessionId: switchboardOf(asked).sessionId,
      status: 'ended',
    });

    // A task waiting for an answer can be cancelled; a finished one cannot.
    const waiting = await send(hr, 'I want to take leave');
    expect(waiting.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const canceled = await hr.cancelTask({ tenant: '', id: waiting.id, metadata: undefined }, alice);
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    await expect(hr.cancelTask({ tenant: '', id: ended.id, metadata: undefined }, alice)).rejects.toThrow(
      /not cancelable/i,
    );
  });

  it('rejects a message with no text, and answers an unknown task with the protocol error', async () => {
    const client = await new ClientFactory().createFromUrl(stack.current.gatewayUrl);
    const rejected = await send(client, '   ');
    expect(rejected.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(switchboardOf(rejected).error?.code).toBe('invalid_request');
    await expect(
      client.getTask({ tenant: '', id: randomUUID(), historyLength: undefined }, alice),
    ).rejects.toThrow(/not found/i);
    // Tasks belong to their caller: bob does not see alice's.
    await expect(
      client.getTask(
        { tenant: '', id: rejected.id, historyLength: undefined },
        { serviceParameters: { 'switchboard-user': 'bob' } },
      ),
    ).rejects.toThrow(/not found/i);
  });

  it("answers a v0.3 peer's plain message/send (no A2A-Version header)", async () => {
    const res = await fetch(`${stack.current.gatewayUrl}/a2a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'switchboard-user': 'alice' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'message/send',
        params: {
          message: {
            kind: 'message',
            messageId: randomUUID(),
            role: 'user',
            parts: [{ kind: 'text', text: 'what is the remaining budget of engineering?' }],
          },
        },
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      result: {
        kind: string;
        status: { state: string; message: { parts: { kind: string; text: string }[] } };
      };
    };
    expect(body.result.kind).toBe('task');
    expect(body.result.status.state).toBe('completed');
    expect(body.result.status.message.parts[0]?.kind).toBe('text');
    expect(body.result.status.message.parts[0]?.text.length).toBeGreaterThan(0);
  });
});

describe('A2A in secure mode (a token is required)', () => {
  let dir: string;
  let files: DemoTokenFiles;
  let secure: Stack | undefined;
  let aliceToken = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-e2e-a2a-'));
    files = await issueDemoTokens(dir);
    aliceToken = (await readFile(files.tokenFiles.alice!, 'utf8')).trim();
    secure = await startStack(['router', 'hr-agent', 'gateway'], { env: files.env });
  }, 90_000);
  afterAll(async () => {
    await secure?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it("refuses a message without a token (401), and answers one as the token's user", async () => {
    const url = secure!.gatewayUrl;
    const client = await new ClientFactory().createFromUrl(url);
    const card = await client.getAgentCard();
    expect(Object.keys(card.securitySchemes)).toEqual(['bearer']);
    await expect(
      send(client, 'how many vacation days do I have?', '', { serviceParameters: {} }),
    ).rejects.toThrow(/401/);
    const task = await send(client, 'how many vacation days do I have?', '', {
      serviceParameters: { authorization: `Bearer ${aliceToken}` },
    });
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(switchboardOf(task).agent).toBe('hr');
    expect(answerOf(task)).toMatch(/\bdays?\b/i);
  });
});
