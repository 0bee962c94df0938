// `npm run ask -- [--session ID] [--user ID] [--agent NAME] [--token FILE] [--budget B] [--server URL] text...`
// Sends one request the way `nats req agents.ask 'text'` does and prints the JSON reply. `--token`
// names a token file (`npm run secure:init` writes `<dir>/alice.token`, ...): it is sent as
// `Authorization: Bearer <token>`, which the services require once they have the token public key.
import { parseArgs } from 'node:util';
import { connect, headers } from '@nats-io/transport-node';
import { natsSecurity } from './lib/nats-security.mjs';
import { readTokenFile } from './lib/token-file.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    session: { type: 'string', short: 's' },
    user: { type: 'string', short: 'u' },
    agent: { type: 'string', short: 'a' },
    token: { type: 'string', short: 't' },
    budget: { type: 'string', short: 'b' },
    server: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
    timeout: { type: 'string', default: '30000' },
  },
});
const text = positionals.join(' ').trim();
if (!text) {
  process.stderr.write(
    "usage: npm run ask -- [--session ID] [--user ID] [--agent hr|finance] [--token FILE] 'your question'\n",
  );
  process.exit(2);
}
const token = readTokenFile(values.token);
const subject = values.agent ? `agents.${values.agent}.ask` : 'agents.ask';
const payload =
  values.session || values.user
    ? JSON.stringify({
        text,
        ...(values.session ? { sessionId: values.session } : {}),
        ...(values.user ? { userId: values.user } : {}),
      })
    : text;
const nc = await connect({ ...natsSecurity(values.server), servers: values.server, timeout: 3000 }).catch(
  (err) => {
    // One line, not a stack trace: the usual cause is that nothing runs there yet.
    process.stderr.write(`no NATS server at ${values.server} (${err.message}); start one with npm start\n`);
    process.exit(1);
  },
);
try {
  // The deadline travels with the task: an agent does not run a turn nobody waits for any more.
  const h = headers();
  h.set('Switchboard-Deadline', String(Date.now() + Number(values.timeout)));
  if (token) h.set('Authorization', `Bearer ${token}`);
  // What the request's LLM calls may spend, e.g. `tokens=2000;usd=0.05` (docs/workflows/budgets.md).
  if (values.budget) h.set('Switchboard-Budget', values.budget);
  const msg = await nc.request(subject, payload, { timeout: Number(values.timeout), headers: h });
  process.stdout.write(`${JSON.stringify(msg.json(), null, 2)}\n`);
} catch (err) {
  process.stderr.write(`request failed: ${err.message}\n`);
  process.exitCode = 1;
} finally {
  await nc.close();
}
