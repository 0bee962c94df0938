// `npm run chat` (scripts/chat.mjs, docs/chat.md) driven through a pseudo-terminal (Python's `pty`
// module gives it a TTY) against the real services: a streamed HR answer with the agent's name, a
// follow-up in the same session, `/agents` from `GET /v1/status`, `END`. Once with piped stdin: no
// colour, no spinner. And through a small HTTP proxy in front of the real gateway that cuts the
// streamed answer after its first chunk: the chat resumes with `Last-Event-ID`, nothing twice.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  // From GET /v1/status: live instances and the age of the freshest heartbeat, per agent type.
  expect(listing).toMatch(/^\s+hr\s+1 alive\s+heartbeat [\d.]+ (ms|s) ago/m);
  expect(listing).toMatch(/^\s+finance\s+1 alive\s+heartbeat [\d.]+ (ms|s) ago/m);
  await waitFor('the breaker count', () => (/breakers not closed: 0/.test(chat.text()) ? true : undefined));

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

/**
 * An HTTP proxy in front of the gateway. `cutAfter`: it breaks the first streamed answer, passing the
 * SSE response on up to the end of that event (`chunk`: the first chunk; `stream`: the stream id
 * only), then destroying the connection. `notFound`: that path answers 404 as a gateway without the
 * route would. Everything else passes unchanged; it records each request and what came back.
 */
async function gatewayProxy(target: string, opts: { cutAfter?: 'chunk' | 'stream'; notFound?: string }) {
  const { cutAfter, notFound } = opts;
  const seen: { method: string; url: string; lastEventId?: string; body: string }[] = [];
  let cut = false;
  const server: Server = createServer((req, res) => {
    const entry = { method: req.method!, url: req.url!, body: '' } as (typeof seen)[number];
    if (typeof req.headers['last-event-id'] === 'string') entry.lastEventId = req.headers['last-event-id'];
    seen.push(entry);
    if (req.url === notFound) {
      const message = `no route ${req.method} ${req.url}`;
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ ok: false, error: { code: 'invalid_request', message } }));
    }
    const upstream = request(
      new URL(req.url!, target),
      { method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode!, up.headers);
        res.flushHeaders();
        const sse = (up.headers['content-type'] ?? '').startsWith('text/event-stream');
        const cutThis = cutAfter !== undefined && sse && req.method === 'POST' && !cut;
        if (cutThis) cut = true;
        up.on('data', (b: Buffer) => {
          entry.body += b.toString();
          if (!cutThis) return void res.write(b);
          const at = entry.body.indexOf(`event: ${cutAfter}\n`);
          const end = at < 0 ? -1 : entry.body.indexOf('\n\n', at);
          if (end < 0) return; // held back until the event is complete
          up.destroy();
          // Cut once what is passed on has gone out: the client has the headers and the events.
          res.write(entry.body.slice(0, end + 2), () => setTimeout(() => res.socket?.destroy(), 50));
        });
        up.on('end', () => res.end());
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The `data` of the `reply` event in an SSE body. */
const replyIn = (body: string) => {
  const m = /event: reply\ndata: (.*)\n/.exec(body);
  return m ? (JSON.parse(m[1]!) as { text: string; agent: string }) : undefined;
};

for (const cutAfter of ['chunk', 'stream'] as const) {
  it(`resumes a stream cut after the first ${cutAfter} event, printing nothing twice`, async () => {
    const proxy = await gatewayProxy(stack.current.gatewayUrl, { cutAfter });
    try {
      const chat = startChat(false, ['--url', proxy.url]);
      const question = 'what is the parental leave policy?';
      chat.child.stdin?.end(`${question}\n`);
      expect(await chat.exited).toBe(0);
      const [ask, resume, ...more] = proxy.seen;
      expect(ask).toMatchObject({ method: 'POST', url: '/v1/ask' });
      expect(resume?.method).toBe('GET');
      const streamId = /"streamId":"(\w+)"/.exec(ask!.body)![1]!;
      expect(resume?.url).toBe(`/v1/streams/${streamId}`);
      // After a chunk, from the chunk after it; before any, from the start.
      expect(resume?.lastEventId).toBe(cutAfter === 'chunk' ? `${streamId}:1` : undefined);
      expect(more).toEqual([]);
      // The cut fell inside the answer: chunks were still to come after it.
      const resumed = resume!.body.match(/event: chunk\n/g)?.length ?? 0;
      expect(resumed).toBeGreaterThanOrEqual(cutAfter === 'chunk' ? 1 : 2);
      const reply = replyIn(resume!.body);
      expect(reply?.agent).toBe('hr');
      const text = chat.text();
      const printed = text.slice(text.indexOf('\n') + 1, text.indexOf('\n— '));
      expect(printed).toBe(reply!.text);
      expect(footers(text)).toEqual([{ agent: 'hr', status: 'answered', sessionId: expect.any(String) }]);
    } finally {
      await proxy.close();
    }
  }, 40_000);
}

it('/agents falls back to /readyz and the A2A card on a gateway without /v1/status', async () => {
  const proxy = await gatewayProxy(stack.current.gatewayUrl, { notFound: '/v1/status' });
  try {
    const chat = startChat(false, ['--url', proxy.url]);
    chat.child.stdin?.end('/agents\n');
    expect(await chat.exited).toBe(0);
    const text = chat.text();
    expect(text).toMatch(/gateway: ready/);
    // The card's skills: each agent with its intents (no live count: the card does not know it).
    expect(text).toMatch(/^\s+hr\s+\w+(, \w+)*$/m);
    expect(text).toMatch(/^\s+finance\s+\w+(, \w+)*$/m);
    expect(text).not.toMatch(/alive/);
    expect(proxy.seen.map((r) => r.url).sort()).toEqual(
      ['/.well-known/agent-card.json', '/readyz', '/v1/status'].sort(),
    );
  } finally {
    await proxy.close();
  }
}, 30_000);
