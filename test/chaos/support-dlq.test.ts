// The dead-letter CLI (`npm run dlq`, scripts/dlq.mjs) against a real server and a real hr-agent.
//
// Two tasks are dead-lettered the ways production does it: an invalid payload (by the worker,
// reason `invalid_task`) and a valid task whose only delivery was taken by an "instance" that died
// without a decision (by the max-deliveries watcher, reason `max_deliveries`). Then: list, show,
// replay (the agent answers the replayed task in its session; a second replay is a no-op), a
// refused replay of the invalid one, purge.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Names, type Task } from '@switchboard/contracts';
import { ensureAgentConsumer, ensureBuckets, ensureStreams, newId, publishTask } from '@switchboard/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanEnv, repoRoot, type Stack, startStack, waitFor } from '../e2e/harness.js';
import { deadLetterCount, readSession } from './support.js';

const run = promisify(execFile);

let stack: Stack | undefined;
let nc: NatsConnection;

beforeAll(async () => {
  stack = await startStack([]);
  nc = await stack.connect();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function dlq(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(repoRoot, 'scripts', 'dlq.mjs'), ...args], {
      env: cleanEnv({ NATS_URL: stack!.nats.url }),
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

interface Row {
  seq: number;
  agent: string;
  reason: string;
  deliveries: number;
  taskId: string;
  sessionId: string;
  text: string;
}

it('lists, shows, replays and purges dead letters', async () => {
  const s = stack!;
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await ensureStreams(jsm);
  await ensureBuckets(nc);
  // One delivery only, 1 s to decide: what the agent below runs with too.
  await ensureAgentConsumer(jsm, 'hr', { maxDeliver: 1, ackWaitMs: 1000 });

  const task: Task = {
    taskId: newId(),
    requestId: newId(),
    sessionId: newId(),
    agent: 'hr',
    text: 'how many vacation days do I have?',
    userId: 'alice',
    newSession: true,
    createdAt: new Date().toISOString(),
  };
  await publishTask(js, task, {});
  // An instance takes the only delivery and dies: no ack, no nak.
  const taken = await (await js.consumers.get(Names.tasksStream, Names.agentConsumer('hr'))).next({
    expires: 2000,
  });
  expect(taken?.info.deliveryCount).toBe(1);
  await js.publish('tasks.hr', '{"taskId": 5}');

  await s.start('hr-agent', { AGENT_MAX_DELIVER: '1', AGENT_ACK_WAIT_MS: '1000' });
  await waitFor('two dead letters', async () => ((await deadLetterCount(nc)) === 2 ? true : undefined), {
    timeoutMs: 15_000,
  });

  const listed = await dlq('list', '--json');
  expect(listed.code, listed.stderr).toBe(0);
  const rows = JSON.parse(listed.stdout) as Row[];
  const lost = rows.find((r) => r.reason === 'max_deliveries');
  const invalid = rows.find((r) => r.reason === 'invalid_task');
  expect(lost).toMatchObject({ agent: 'hr', taskId: task.taskId, sessionId: task.sessionId, deliveries: 1 });
  expect(invalid).toMatchObject({ agent: 'hr', taskId: '' });

  const table = await dlq('list', '--agent', 'hr', '--limit', '10');
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(/^seq\s+agent\s+reason\s+deliveries\s+at\s+taskId\s+text/);
  expect(table.stdout).toContain(task.taskId);
  expect(table.stdout).toContain('how many vacation days');
  expect((await dlq('list', '--agent', 'finance')).stdout).toMatch(/no dead letters for finance/);

  const shown = await dlq('show', String(lost!.seq), '--json');
  expect(shown.code, shown.stderr).toBe(0);
  const record = JSON.parse(shown.stdout) as { headers: Record<string, string>; payload: Task };
  expect(record.headers['Switchboard-Dlq-Reason']).toBe('max_deliveries');
  expect(record.payload).toEqual(task);
  expect((await dlq('show', String(lost!.seq))).stdout).toContain('Switchboard-Dlq-Reason: max_deliveries');

  // Never answered, so the replay runs: the answer lands in the session.
  expect((await readSession(nc, task.sessionId)).agentTurns).toBe(0);
  const replayed = await dlq('replay', String(lost!.seq));
  expect(replayed.code, replayed.stderr).toBe(0);
  expect(replayed.stdout).toContain(`replayed dead letter ${lost!.seq}`);
  await waitFor(
    'the replayed task answered',
    async () => ((await readSession(nc, task.sessionId)).agentTurns === 1 ? true : undefined),
    { timeoutMs: 10_000 },
  );
  const again = await dlq('replay', String(lost!.seq));
  expect(again.stdout).toContain('already replayed');

  const refused = await dlq('replay', String(invalid!.seq));
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/not a valid task/);

  expect((await dlq('purge', String(invalid!.seq))).code).toBe(0);
  const after = JSON.parse((await dlq('list', '--json')).stdout) as Row[];
  expect(after.map((r) => r.seq)).toEqual([lost!.seq]);

  expect((await dlq('show', '99999')).code).toBe(1);
  const usage = await dlq('frobnicate');
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/usage: npm run dlq/);
}, 60_000);
