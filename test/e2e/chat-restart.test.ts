// `npm run chat` when a streamed answer starts again (a chunk with `restart: true`: a retried LLM
// call, a tool round, a redelivered task; docs/streaming.md): the chat marks the restart instead of
// running two answers together, and when the chunks do not add up to the reply it prints the reply,
// which is authoritative. The gateway here is a scripted stand-in serving exactly the SSE events the
// real one sends (the real restart path is covered by test/e2e/streaming-claude.test.ts).
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { cleanEnv, repoRoot } from './harness.js';

const CHAT = join(repoRoot, 'scripts', 'chat.mjs');
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A gateway stand-in whose `POST /v1/ask` answers with these SSE events. */
async function scriptedGateway(events: { event: string; id?: string; data: unknown }[]) {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'switchboard-stream': 'S1' });
    for (const e of events) {
      res.write(`${e.id ? `id: ${e.id}\n` : ''}event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
    }
    res.end();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Runs the chat with piped stdin (one question) and returns what it printed. */
async function chatOnce(url: string, question: string): Promise<string> {
  const child = spawn(process.execPath, [CHAT, '--url', url, '--user', 'alice'], {
    cwd: repoRoot,
    env: cleanEnv({ FORCE_COLOR: '' }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stdin.end(`${question}\n`);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  expect(code, out).toBe(0);
  return out;
}

const reply = (text: string) => ({
  ok: true,
  status: 'answered',
  agent: 'hr',
  sessionId: 'a'.repeat(32),
  text,
});

it('marks an answer that starts again and shows only the new one after the mark', async () => {
  const url = await scriptedGateway([
    { event: 'stream', data: { streamId: 'S1' } },
    { event: 'chunk', id: 'S1:1', data: { seq: 1, text: 'Let me look that up. ' } },
    { event: 'chunk', id: 'S1:100001', data: { seq: 100001, text: 'You have 18 days', restart: true } },
    { event: 'chunk', id: 'S1:100002', data: { seq: 100002, text: ' left.' } },
    { event: 'reply', data: reply('You have 18 days left.') },
  ]);
  const out = await chatOnce(url, 'how many vacation days do I have?');
  const answer = out.slice(out.indexOf('\n') + 1, out.indexOf(')\n', out.indexOf('— hr')) + 2);
  expect(answer).toBe(
    `Let me look that up. \n↺ the answer starts again\nYou have 18 days left.\n— hr (answered, session ${'a'.repeat(32)})\n`,
  );
});

it('prints the reply when the streamed chunks do not add up to it', async () => {
  const url = await scriptedGateway([
    { event: 'stream', data: { streamId: 'S1' } },
    { event: 'chunk', id: 'S1:1', data: { seq: 1, text: 'You have 18' } },
    { event: 'reply', data: reply('You have 18 days left.') },
  ]);
  const out = await chatOnce(url, 'how many vacation days do I have?');
  expect(out).toContain('You have 18\n↺ the final answer:\nYou have 18 days left.\n— hr (answered,');
  // A stream whose chunks are the reply prints it once, with no mark.
  const whole = await scriptedGateway([
    { event: 'stream', data: { streamId: 'S1' } },
    { event: 'chunk', id: 'S1:1', data: { seq: 1, text: 'You have 18 ' } },
    { event: 'chunk', id: 'S1:2', data: { seq: 2, text: 'days left.' } },
    { event: 'reply', data: reply('You have 18 days left.') },
  ]);
  const plain = await chatOnce(whole, 'how many vacation days do I have?');
  expect(plain).not.toContain('↺');
  expect(plain.match(/You have 18 days left\./g)).toHaveLength(1);
});
