#!/usr/bin/env node
// `npm run micro -- ls|ping|info|stats [service] [--server URL] [--env FILE] [--json] [--wait MS]`
// What `nats micro ls|ping|info|stats` shows, for machines without the NATS CLI: it sends the NATS
// services protocol's requests (ADR-32: `$SRV.PING|INFO|STATS[.<name>]`) and prints every
// instance's reply as a table (or the raw JSON replies with --json). `--env` loads an identity's env
// file of `npm run secure:init` (on a secure server only `admin` may ask: `--env <dir>/admin.env`).
import { readFileSync } from 'node:fs';
import { parseArgs, parseEnv } from 'node:util';
import { connect, NoRespondersError, RequestError } from '@nats-io/transport-node';
import { natsSecurity } from './lib/nats-security.mjs';

const usage =
  'usage: npm run micro -- ls|ping|info|stats [service] [--server URL] [--env FILE] [--json] [--wait MS]\n';
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    server: { type: 'string' },
    env: { type: 'string' },
    json: { type: 'boolean', default: false },
    wait: { type: 'string', default: '1000' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const [command = 'ls', name] = positionals;
const verbs = { ls: 'INFO', ping: 'PING', info: 'INFO', stats: 'STATS' };
if (
  values.help ||
  !(command in verbs) ||
  positionals.length > 2 ||
  (name && !/^[A-Za-z0-9_-]+$/.test(name))
) {
  process.stderr.write(usage);
  process.exit(values.help ? 0 : 2);
}

// An identity's env file over the process environment (the file wins).
const env = values.env ? { ...process.env, ...parseEnv(readFileSync(values.env, 'utf8')) } : process.env;
const server = values.server ?? env.NATS_URL ?? 'nats://127.0.0.1:4222';
const nc = await connect({ ...natsSecurity(server, env), servers: server, timeout: 3000 }).catch((err) => {
  process.stderr.write(`no NATS server at ${server} (${err.message}); start one with npm start\n`);
  process.exit(1);
});

/** Every instance's reply to `$SRV.<verb>[.<name>]`, until none came for a short while. */
async function collect(verb) {
  const subject = name ? `$SRV.${verb}.${name}` : `$SRV.${verb}`;
  const started = performance.now();
  const replies = [];
  const iter = await nc.requestMany(subject, '', {
    strategy: 'stall',
    stall: 300,
    maxWait: Number(values.wait),
  });
  try {
    for await (const m of iter) {
      replies.push({ ...m.json(), rttMs: Math.round((performance.now() - started) * 10) / 10 });
    }
  } catch (err) {
    // Nobody subscribes to that subject: no service of that name runs (or none at all).
    if (!(err instanceof NoRespondersError || (err instanceof RequestError && err.isNoResponders())))
      throw err;
  }
  return replies.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** Left-aligned columns with a header row and a rule under it. */
function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

/** Nanoseconds as a short duration. */
function duration(ns) {
  if (!ns) return '0s';
  const ms = ns / 1e6;
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : `${ms.toFixed(ms >= 10 ? 0 : 2)}ms`;
}

function print(replies) {
  if (command === 'ls') {
    return table(
      ['Name', 'Version', 'ID', 'Description'],
      replies.map((r) => [r.name, r.version, r.id, r.description]),
    );
  }
  if (command === 'ping') {
    return table(
      ['Name', 'Version', 'ID', 'Time'],
      replies.map((r) => [r.name, r.version, r.id, `${r.rttMs}ms`]),
    );
  }
  if (command === 'info') {
    return replies
      .map((r) => {
        const head = `${r.name} ${r.version} (${r.id}): ${r.description ?? ''}`;
        const endpoints = r.endpoints.length
          ? table(
              ['Endpoint', 'Subject', 'Queue group'],
              r.endpoints.map((e) => [e.name, e.subject, e.queue_group ?? '']),
            )
          : '(no NATS endpoints)';
        return `${head}\n${endpoints}`;
      })
      .join('\n\n');
  }
  return table(
    ['Name', 'ID', 'Endpoint', 'Requests', 'Errors', 'Last error', 'Processing', 'Average'],
    replies.flatMap((r) =>
      r.endpoints.map((e) => [
        r.name,
        r.id,
        e.name,
        e.num_requests,
        e.num_errors,
        e.last_error,
        duration(e.processing_time),
        duration(e.average_processing_time),
      ]),
    ),
  );
}

try {
  const replies = await collect(verbs[command]);
  if (values.json) {
    for (const { rttMs: _, ...r } of replies) process.stdout.write(`${JSON.stringify(r)}\n`);
  } else if (replies.length === 0) {
    process.stderr.write(`no service answered $SRV.${verbs[command]}${name ? `.${name}` : ''}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`${print(replies)}\n`);
  }
} catch (err) {
  // A permissions violation on a secure server: only `admin` may ask.
  process.stderr.write(`request failed: ${err.message}\n`);
  process.exitCode = 1;
} finally {
  await nc.close();
}
