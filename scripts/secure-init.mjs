// `npm run secure:init -- <dir> [--port 4222] [--host NAME]... [--force]`
//   Writes into <dir> (mode 0700) what a deployment needs to run with NATS identities and TLS:
//   nats.conf (an `authorization` block with one nkey user per identity and its permissions, and a
//   `tls` block), server.conf (a whole single-server config including nats.conf), the CA and server
//   certificate, <identity>.nk (nkey seeds, 0600) and <identity>.env for router, hr-agent,
//   finance-agent, gateway, client, client-alice, client-bob, client-carol (each user's own
//   inboxes) and admin, and the demo tokens (alice.token, bob.token, carol.token) with the key
//   services verify them with.
//
// `npm run secure:init -- --example`
//   Writes infra/nats/permissions.conf again from the same table (users with passwords taken from
//   the server's environment), for a server run by hand.
import { writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { IdentityNames, renderPermissionsExample, secureInit } from '@switchboard/runtime';
import { SERVICE_HEAP_OPTIONS } from './lib/node-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: npm run secure:init -- <dir> [--port 4222] [--host NAME]... [--force]
       npm run secure:init -- --example      (writes infra/nats/permissions.conf)
`;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '4222' },
      host: { type: 'string', multiple: true, default: [] },
      force: { type: 'boolean', default: false },
      example: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (err) {
  process.stderr.write(`${err.message}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

if (values.example) {
  const file = join(root, 'infra', 'nats', 'permissions.conf');
  writeFileSync(file, renderPermissionsExample());
  process.stdout.write(`wrote ${relative(process.cwd(), file) || file}\n`);
  process.exit(0);
}

const port = Number(values.port);
if (positionals.length !== 1 || !Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write(USAGE);
  process.exit(2);
}

try {
  const r = await secureInit({ dir: positionals[0], port, hosts: values.host, force: values.force });
  const rel = (p) => {
    const r = relative(process.cwd(), p);
    return r && !r.startsWith('..') ? r : p;
  };
  process.stdout.write(`Wrote ${r.dir} (keep it private: it holds every identity's key):
  nats.conf       authorization (one nkey user per identity) and TLS, to include in a nats-server config
  server.conf     a whole single-server config:  nats-server -c ${rel(r.serverConf)}
  ca.pem          the CA clients check the server with (NATS_CA_FILE); its key was thrown away
  <identity>.nk   nkey seeds (0600);  <identity>.env  the settings of each identity:
                  ${IdentityNames.join(', ')}
  *.token         demo tokens for ${Object.keys(r.tokens.tokenFiles).join(', ')}; token-verify.pub verifies them

Streams and buckets are created by the admin identity (services run with SWITCHBOARD_PROVISION=external):
  (set -a; . ${rel(r.identities.admin.envFile)}; npm run provision)
Then each service with its own identity, e.g.:
  (set -a; . ${rel(r.identities.router.envFile)}; NODE_OPTIONS='${SERVICE_HEAP_OPTIONS}' node services/router/dist/main.js)
`);
} catch (err) {
  process.stderr.write(`secure:init: ${err.message}\n`);
  process.exit(1);
}
