// `npm run chat` (scripts/chat.mjs, docs/chat.md) driven through a pseudo-terminal (Python's `pty`
// module gives it a TTY) against the real services: a streamed HR answer with the agent's name, a
// follow-up in the same session, `/agents`, `END`. And once with piped stdin: no colour, no spinner.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { cleanEnv, repoRoot, useStack, waitFor } from './harness.js';

const stack = useStack(['router', 'hr-agent', 'finance-agent', 'gateway']);
const CHAT = join(repoRoot, 'scripts', 'chat.mjs');
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g');
const strip = (s: string) => s.replace(ANSI, '').replace(/\r/g, '');
const FOOTER = /— (\w+) \((\w+), session ([\w-]+)\)/g;

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function startChat(viaPty: boolean, mode: string[] = ['--url', stack.current.gatewayUrl]) {
  const args = [CHAT, ...mode, '--user', 'alice'];
  const [cmd, argv] = viaPty
    ? ['python3', ['-c', 'import pty,sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)', process.execPath, ...args]]
    : [process.execPath, args];
  const child = spawn(cmd as string, argv as string[], {
    cwd: repoRoot,
    env: cleanEnv({ TERM: 'xterm-256color', FORCE_COLOR: '' }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  started.push(child);
  let raw = '';
  child.stdout?.on('data', (b: Buffer) => {
    raw += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    raw += b.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, raw: () => raw, text: () => strip(raw), exited };
}

/** The footers (`— agent (status, session id)`) printed so far. */
function footers(text: string) {
  return [...text.matchAll(FOOTER)].map((m) => ({ agent: m[1], status: m[2], sessionId: m[3] }));
}

it('chats through a pseudo-terminal: streamed answer, follow-up, /agents, END', async () => {
  const chat = startChat(true);
  const send = (line: string) => chat.child.stdin?.write(`${line}\r`);
  await waitFor('the prompt', () => (chat.text().includes('you › ') ? true : undefined), {
    timeoutMs: 15_000,
  });

  send('how many vacation days do I have?');
  const first = await waitFor('the first answer', () => footers(chat.text())[0], { timeoutMs: 20_000 });
  expect(first).toMatchObject({ agent: 'hr', status: 'answered' });
  const answer = chat.text().split('how many vacation days do I have?').at(-1) ?? '';
  expect(answer).toMatch(/days/i);

  send('how many vacation days are left for me?');
  const second = await waitFor('the follow-up', () => footers(chat.text())[1], { timeoutMs: 20_000 });
  expect(second).toEqual({ agent: 'hr', status: 'answered', sessionId: first.sessionId });

  send('/agents');
  const listing = await waitFor(
    'the agent list',
    () => {
      const t = chat.text();
      const at = t.indexOf('gateway: ');
      return at >= 0 && /finance/.test(t.slice(at)) && /\bhr\b/.test(t.slice(at)) ? t.slice(at) : undefined;
    },
    { timeoutMs: 10_000 },
  );
  expect(listing).toMatch(/gateway: ready/);
  expect(listing).toMatch(/^\s+hr\s+\S/m);
  expect(listing).toMatch(/^\s+finance\s+\S/m);

  send('END');
  const end = await waitFor('the end of the session', () => footers(chat.text())[2], { timeoutMs: 20_000 });
  expect(end).toEqual({ agent: 'hr', status: 'ended', sessionId: first.sessionId });

  send('/quit');
  expect(await chat.exited).toBe(0);
  // On a terminal the agent's name is in colour (an SGR sequence right before it).
  expect(chat.raw()).toMatch(new RegExp(`${ESC}\\[[0-9;]*m\\s*hr${ESC}\\[`));
}, 50_000);

it('works with piped stdin: no colour, no spinner, same session until END', async () => {
  const chat = startChat(false);
  chat.child.stdin?.end(
    ['how many vacation days do I have?', 'how many vacation days are left for me?', 'END', ''].join('\n'),
  );
  expect(await chat.exited).toBe(0);
  const raw = chat.raw();
  expect(raw).not.toContain('\x1b');
  expect(raw).not.toContain('thinking');
  const f = footers(raw);
  expect(f.map((x) => [x.agent, x.status])).toEqual([
    ['hr', 'answered'],
    ['hr', 'answered'],
    ['hr', 'ended'],
  ]);
  expect(new Set(f.map((x) => x.sessionId)).size).toBe(1);
}, 40_000);

it('talks over NATS: follow-ups on the agent subject, /agents from $SRV.PING', async () => {
  const chat = startChat(false, ['--nats', '--server', stack.current.nats.url]);
  chat.child.stdin?.end(
    [
      'how many vacation days do I have?',
      'how many vacation days are left for me?',
      '/agents',
      'END',
      '',
    ].join('\n'),
  );
  expect(await chat.exited).toBe(0);
  const text = chat.text();
  const f = footers(text);
  expect(f.map((x) => [x.agent, x.status])).toEqual([
    ['hr', 'answered'],
    ['hr', 'answered'],
    ['hr', 'ended'],
  ]);
  expect(new Set(f.map((x) => x.sessionId)).size).toBe(1);
  expect(text).toMatch(/^\s+finance\s+alive/m);
  expect(text).toMatch(/^\s+hr\s+alive/m);
}, 40_000);
