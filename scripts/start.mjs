// `npm start [-- --own-nats]`: the whole system on one machine. Finds or starts NATS (with
// --own-nats or SWITCHBOARD_OWN_NATS=1 always its own), starts the four services as separate
// processes with readable logs, prints how to try it, and on SIGINT or SIGTERM drains and stops what
// it started: the services first, then a nats-server it started. Each service gets the heap limits
// of lib/node-options.mjs in its NODE_OPTIONS.
//
// A nats-server started here is secure: it runs the identities and TLS of `npm run secure:init`
// (written afresh into <data>/secure), the provisioner keeps the streams and buckets as the `admin`
// identity, each service connects as itself and callers need a token (<data>/secure/alice.token,
// ...). Joining a server that is already running (NATS_URL or 127.0.0.1:4222) runs open, and says so.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findOrStartNats } from './lib/find-nats.mjs';
import { serviceNodeOptions } from './lib/node-options.mjs';
import { prettyLine } from './lib/pretty-log.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (msg) => process.stdout.write(`[start] ${msg}\n`);
const gatewayPort = process.env.GATEWAY_PORT ?? '8080';
const services = [
  { name: 'router', env: { OPS_PORT: process.env.ROUTER_OPS_PORT ?? '9410' } },
  { name: 'hr-agent', env: { OPS_PORT: process.env.HR_OPS_PORT ?? '9411' } },
  { name: 'finance-agent', env: { OPS_PORT: process.env.FINANCE_OPS_PORT ?? '9412' } },
  { name: 'gateway', env: { GATEWAY_PORT: gatewayPort } },
];

const { values: flags } = parseArgs({ options: { 'own-nats': { type: 'boolean', default: false } } });
const own = flags['own-nats'] || process.env.SWITCHBOARD_OWN_NATS === '1';

let nats;
try {
  nats = await findOrStartNats(root, say, { own });
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

/** The `VAR=value` lines of an identity's env file (written by secure:init). */
function identityEnv(name) {
  if (!nats.secure) return { NATS_URL: nats.url };
  const vars = {};
  for (const line of readFileSync(nats.secure.identities[name].envFile, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

if (!nats.secure) {
  say(
    `running UNAUTHENTICATED on ${nats.url}: no NATS identities or TLS, and callers are not verified (anyone on this server can read, forge or delete messages); npm start -- --own-nats starts a secure server of its own`,
  );
}

const children = [];
let stopping = false;
/** The provisioner, as `admin`, when this script runs its own secure server. */
const provisioner = nats.secure ? startProvisioner() : undefined;

function startProvisioner() {
  const child = spawn(process.execPath, [join(root, 'scripts', 'provision.mjs'), '--watch'], {
    env: { ...process.env, ...identityEnv('admin'), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.on('data', (b) => {
    for (const line of String(b).split('\n').filter(Boolean))
      process.stdout.write(`${prettyLine('provision', line)}\n`);
  });
  child.stderr.on('data', (b) => process.stderr.write(b));
  return child;
}

for (const svc of services) {
  const env = { ...process.env, ...identityEnv(svc.name), ...svc.env, NODE_OPTIONS: serviceNodeOptions() };
  delete env.ROUTER_OPS_PORT;
  const child = spawn(process.execPath, [join(root, 'services', svc.name, 'dist', 'main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: a terminal's Ctrl-C reaches only this script, which drains the services.
    detached: true,
  });
  children.push({ svc, child });
  let buf = '';
  const onData = (b) => {
    buf += b;
    let i = buf.indexOf('\n');
    while (i >= 0) {
      process.stdout.write(`${prettyLine(svc.name, buf.slice(0, i))}\n`);
      buf = buf.slice(i + 1);
      i = buf.indexOf('\n');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${svc.name} exited (${signal ?? code}); stopping everything`);
      void stopAll(1);
    }
  });
}

async function waitReady(url, ms = 20000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

const readyUrls = [
  ...services.filter((s) => s.env.OPS_PORT).map((s) => `http://127.0.0.1:${s.env.OPS_PORT}/readyz`),
  `http://127.0.0.1:${gatewayPort}/readyz`,
];
const ready = await Promise.all(readyUrls.map((u) => waitReady(u)));
if (ready.every(Boolean) && !stopping && nats.secure) {
  const rel = relative(process.cwd(), nats.secure.dir);
  const dir = rel && !rel.startsWith('..') ? rel : nats.secure.dir;
  process.stdout.write(`
Switchboard is running, secure: NATS identities with TLS, callers prove who they are.
  NATS       ${nats.url}   (identities, certificates and demo tokens in ${dir})
  Gateway    http://127.0.0.1:${gatewayPort}   (POST /v1/ask, GET /v1/sessions/<id>, /metrics)
  Web chat   http://127.0.0.1:${gatewayPort}/   (Connection → Bearer token: the contents of ${dir}/alice.token)
  Metrics    router :${services[0].env.OPS_PORT}/metrics  hr-agent :${services[1].env.OPS_PORT}/metrics  finance-agent :${services[2].env.OPS_PORT}/metrics

Try it (as alice, with her demo token):
  npm run chat -- --url http://127.0.0.1:${gatewayPort} --token ${dir}/alice.token
  (set -a; . ${dir}/client-alice.env; npm run ask -- --token ${dir}/alice.token 'how many vacation days do I have?')
  nats req -s ${nats.url} --tlsca ${dir}/ca.pem --nkey ${dir}/client-alice.nk --inbox-prefix _INBOX.client-alice \\
       -H "Authorization:Bearer $(cat ${dir}/alice.token)" agents.ask 'how many vacation days do I have?'
  curl -s localhost:${gatewayPort}/v1/ask -H 'content-type: application/json' -H "Authorization: Bearer $(cat ${dir}/carol.token)" \\
       -d '{"text":"what is the remaining budget of engineering?"}'

Ctrl-C stops everything started here.
`);
} else if (ready.every(Boolean) && !stopping) {
  const natsFlag = nats.url === 'nats://127.0.0.1:4222' ? '' : ` -s ${nats.url}`;
  process.stdout.write(`
Switchboard is running.
  NATS       ${nats.url}
  Gateway    http://127.0.0.1:${gatewayPort}   (POST /v1/ask, GET /v1/sessions/<id>, /metrics)
  Web chat   http://127.0.0.1:${gatewayPort}/   (Connection → User id: alice)
  Metrics    router :${services[0].env.OPS_PORT}/metrics  hr-agent :${services[1].env.OPS_PORT}/metrics  finance-agent :${services[2].env.OPS_PORT}/metrics

Try it:
  npm run chat -- --url http://127.0.0.1:${gatewayPort} --user alice
  nats req${natsFlag} agents.ask '{"text":"how many vacation days do I have?","userId":"alice"}'
  npm run ask -- --user alice 'how many vacation days do I have?'${nats.url === 'nats://127.0.0.1:4222' ? '' : `   (with NATS_URL=${nats.url})`}
  curl -s localhost:${gatewayPort}/v1/ask -H 'content-type: application/json' \\
       -d '{"text":"what is the remaining budget of engineering?","userId":"carol"}'

Ctrl-C stops everything started here.
`);
} else if (!stopping) {
  say('not every service became ready within 20 s; see the logs above');
}

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  say('stopping services');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const force = setTimeout(() => child.kill('SIGKILL'), 15000);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  if (provisioner && provisioner.exitCode === null && provisioner.signalCode === null) {
    await new Promise((resolve) => {
      provisioner.once('exit', resolve);
      provisioner.kill('SIGTERM');
    });
  }
  if (nats.stop) {
    say('stopping the nats-server started here');
    await nats.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
// If this script dies some other way, take the services with it (they are not in our group).
process.on('exit', () => {
  for (const child of [...children.map((c) => c.child), provisioner].filter(Boolean))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});
process.on('SIGTERM', () => void stopAll(0));
