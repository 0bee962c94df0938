#!/usr/bin/env node
// `npm run chat -- [--url URL | --nats [--server NATS_URL] [--agent NAME]] [--user ID] [--token FILE]`
// A terminal chat with Switchboard (docs/chat.md). Over HTTP (default) the answer streams in as the
// gateway's Server-Sent Events, resumed where it stopped when the connection drops; over NATS
// (`--nats`) it arrives as one reply. The session id of the first reply is kept for the
// follow-ups; `END` ends the session, `/agents` lists the agents, `/quit` or Ctrl-D exits.
import { createInterface } from 'node:readline';
import { parseArgs, styleText } from 'node:util';
import { statusLines } from './lib/agent-status.mjs';
import { askStreamed } from './lib/sse-answer.mjs';
import { readTokenFile } from './lib/token-file.mjs';

const USAGE =
  'usage: npm run chat -- [--url http://127.0.0.1:8080 | --nats [--server nats://127.0.0.1:4222] [--agent hr]] [--user alice] [--token FILE]\n';
let values;
try {
  ({ values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:8080' },
      nats: { type: 'boolean', default: false },
      server: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
      user: { type: 'string', short: 'u' },
      agent: { type: 'string', short: 'a' },
      token: { type: 'string', short: 't' },
      timeout: { type: 'string', default: '30000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (err) {
  process.stderr.write(`${err.message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (values.agent && !values.nats) {
  // POST /v1/ask has no agent field: the router picks the agent, follow-ups keep it.
  process.stderr.write(`--agent needs --nats (over HTTP the router picks the agent)\n${USAGE}`);
  process.exit(2);
}

const tty = Boolean(process.stdout.isTTY);
const useColour = tty && !process.env.NO_COLOR && typeof styleText === 'function';
const paint = (style, text) => (useColour ? styleText(style, text) : text);
const out = (s) => process.stdout.write(s);
const timeoutMs = Number(values.timeout);

const token = readTokenFile(values.token);

/** A few frames on a timer while nothing has arrived yet; only on a terminal. */
function spinner() {
  if (!tty) return { stop() {} };
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  const timer = setInterval(() => out(`\r${paint('cyan', frames[i++ % frames.length])} thinking…`), 80);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      out('\r\x1b[2K');
    },
  };
}

const AGENT_COLOURS = ['magenta', 'green', 'yellow', 'blue', 'cyan'];
function agentLabel(name) {
  if (!name) return paint('gray', 'switchboard');
  const sum = [...name].reduce((n, c) => n + c.charCodeAt(0), 0);
  return paint(['bold', AGENT_COLOURS[sum % AGENT_COLOURS.length]], name);
}

function requestBody(text, sessionId) {
  return {
    text,
    ...(sessionId ? { sessionId } : {}),
    ...(values.user ? { userId: values.user } : {}),
  };
}

// ---- HTTP: the gateway's POST /v1/ask as Server-Sent Events ----

function httpHeaders() {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Asks over HTTP; `onChunk(text)` per streamed chunk; a dropped stream is resumed. Resolves with the reply JSON. */
function askHttp(text, sessionId, onChunk) {
  return askStreamed(values.url, requestBody(text, sessionId), httpHeaders(), {
    onChunk,
    onResume: (attempt) => {
      if (tty) out(paint('gray', attempt === 1 ? ' ↻ ' : '↻ '));
    },
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/** `/agents` over HTTP: `GET /v1/status`, or, from a gateway without it (404), the readiness and the A2A card. */
async function agentsHttp() {
  const res = await fetch(`${values.url}/v1/status`, {
    headers: httpHeaders(),
    signal: AbortSignal.timeout(5000),
  });
  if (res.status !== 404) {
    const body = await res.json();
    if (!body.ok) throw new Error(`${body.error?.code}: ${body.error?.message}`);
    for (const line of statusLines(body, paint, agentLabel)) out(`${line}\n`);
    return;
  }
  const [ready, card] = await Promise.all([
    fetch(`${values.url}/readyz`, { signal: AbortSignal.timeout(5000) }).then(async (r) => ({
      status: r.status,
      body: await r.json().catch(() => ({})),
    })),
    fetch(`${values.url}/.well-known/agent-card.json`, {
      headers: httpHeaders(),
      signal: AbortSignal.timeout(5000),
    }).then((r) => r.json()),
  ]);
  const health = ready.status === 200 ? paint('green', 'ready') : paint('red', `not ready (${ready.status})`);
  out(`gateway: ${health}\n`);
  const byAgent = new Map();
  for (const skill of card.skills ?? []) {
    const [agent, intent] = skill.tags ?? [];
    if (!agent) continue;
    if (!byAgent.has(agent)) byAgent.set(agent, []);
    byAgent.get(agent).push(intent);
  }
  if (byAgent.size === 0) out('no agents registered\n');
  for (const [agent, intents] of byAgent)
    out(`  ${agentLabel(agent)}  ${paint('gray', intents.join(', '))}\n`);
}

// ---- NATS: agents.ask (or agents.<agent>.ask), one reply ----

let nats;
async function natsConnection() {
  if (nats) return nats;
  const { connect } = await import('@nats-io/transport-node');
  const { natsSecurity } = await import('./lib/nats-security.mjs');
  nats = await connect({ ...natsSecurity(values.server), servers: values.server, timeout: 3000 });
  return nats;
}

async function askNats(text, sessionId) {
  const nc = await natsConnection();
  const { headers } = await import('@nats-io/transport-node');
  const h = headers();
  h.set('Switchboard-Deadline', String(Date.now() + timeoutMs));
  if (token) h.set('Authorization', `Bearer ${token}`);
  // A follow-up goes to the subject the first reply named (`data.followUp`, e.g. agents.hr.ask).
  const subject = (sessionId && followUp) || (values.agent ? `agents.${values.agent}.ask` : 'agents.ask');
  const msg = await nc.request(subject, JSON.stringify(requestBody(text, sessionId)), {
    timeout: timeoutMs,
    headers: h,
  });
  return msg.json();
}

/** Over NATS the `agents` bucket is not readable by client identities; `$SRV.PING` is, in open mode and for admin. */
async function agentsNats() {
  const nc = await natsConnection();
  const seen = new Set();
  try {
    const replies = await nc.requestMany('$SRV.PING', '', { maxWait: 1000 });
    for await (const m of replies) seen.add(m.json().name);
  } catch {
    // no permission to send $SRV requests
  }
  const agents = [...seen].filter((n) => n.endsWith('-agent')).sort();
  if (agents.length === 0) {
    out(
      'no services answered $SRV.PING (only admin may send it on a secured server); use the HTTP mode for /agents\n',
    );
    return;
  }
  for (const s of agents)
    out(`  ${agentLabel(s.replace(/-agent$/, ''))}  ${paint('green', 'alive')} (answers $SRV.PING)\n`);
}

// ---- the REPL ----

let sessionId;
let followUp;

async function turn(text) {
  const spin = spinner();
  let streamed = false;
  // The text shown since the answer last started again: a chunk marked `restart` voids what came
  // before it (a retry, a tool round, a redelivered task; docs/streaming.md).
  let shown = '';
  try {
    const onChunk = (text, chunk) => {
      spin.stop();
      if (chunk?.restart && streamed) {
        out(`\n${paint('gray', '↺ the answer starts again')}\n`);
        shown = '';
      }
      streamed = true;
      shown += text;
      out(text);
    };
    const reply = values.nats ? await askNats(text, sessionId) : await askHttp(text, sessionId, onChunk);
    spin.stop();
    if (!reply.ok) {
      out(`${paint('red', `error ${reply.error?.code}`)}: ${reply.error?.message}\n`);
      return;
    }
    if (!streamed) out(reply.text);
    // The reply is what counts: chunks that do not add up to it are followed by it.
    else if (shown !== reply.text) out(`\n${paint('gray', '↺ the final answer:')}\n${reply.text}`);
    out(
      `\n${paint('gray', '— ')}${agentLabel(reply.agent)} ${paint('gray', `(${reply.status}, session ${reply.sessionId})`)}\n`,
    );
    sessionId = reply.status === 'ended' ? undefined : reply.sessionId;
    if (typeof reply.data?.followUp === 'string') followUp = reply.data.followUp;
    if (!sessionId) followUp = undefined;
    if (reply.status === 'ended') out(paint('gray', 'session ended; the next message starts a new one\n'));
  } catch (err) {
    spin.stop();
    out(`${paint('red', 'request failed')}: ${err.message}\n`);
  }
}

const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: tty });
rl.on('SIGINT', () => {
  out('\n');
  process.exit(130);
});
const target = values.nats ? values.server : values.url;
out(paint('gray', `Switchboard chat (${values.nats ? 'NATS' : 'HTTP'} ${target}). /agents, END, /quit\n`));
rl.setPrompt(paint('bold', 'you › '));
// Piped input (a script, a test) gets the answers only, without prompts between them.
const prompt = () => tty && rl.prompt();
prompt();
for await (const raw of rl) {
  const line = raw.trim();
  if (line === '/quit' || line === '/exit') break;
  if (line === '/agents') {
    await (values.nats ? agentsNats() : agentsHttp()).catch((err) =>
      out(`${paint('red', 'cannot list the agents')}: ${err.message}\n`),
    );
  } else if (line) await turn(line);
  prompt();
}
rl.close();
if (!tty) out('\n');
await nats?.close();
