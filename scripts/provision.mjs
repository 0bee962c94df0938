// `npm run provision [-- --watch] [--interval-ms 3000] [--agents hr,finance]`: creates the streams
// (AGENT_TASKS, AGENT_EVENTS, AGENT_DLQ, AGENT_CHUNKS) and KV buckets (sessions, agents, sagas,
// approvals and each agent's `<agent>_data`) of docs/architecture.md that are missing, and brings
// streams whose settings drifted back. The privileged step of a system whose services run with
// SWITCHBOARD_PROVISION=external: they only check their streams and buckets (and are not ready
// while one is missing); this, run as the `admin` NATS identity, creates them. With --watch it
// checks again every --interval-ms and recreates whatever went missing, until SIGINT or SIGTERM.
//
// Connects like a service (and, like one, waits for a server that is not up yet): NATS_URL and the
// connection settings of BaseEnv (credentials and TLS files of the identity's env file), JS_REPLICAS
// for new streams and buckets. Logs JSON lines.
// Exit code: 0 done (or stopped), 1 provisioning failed, 2 bad arguments or configuration.
import { parseArgs } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { Names } from '@switchboard/contracts';
import {
  BaseEnv,
  connectNats,
  createLogger,
  DeployedAgents,
  loadConfig,
  loadConfigOrExit,
  provisionAll,
  RetryPolicies,
  retry,
} from '@switchboard/runtime';

const USAGE = `usage: npm run provision -- [--watch] [--interval-ms N] [--agents hr,finance]
  --watch          keep checking every --interval-ms (default 3000) and recreate what goes missing
  --agents LIST    agent types whose data buckets (<agent>_data) to create (default ${DeployedAgents.join(',')})
`;

function parseCommand(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      watch: { type: 'boolean', default: false },
      'interval-ms': { type: 'string', default: '3000' },
      agents: { type: 'string', default: DeployedAgents.join(',') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const intervalMs = Number(values['interval-ms']);
  if (!Number.isInteger(intervalMs) || intervalMs < 100 || intervalMs > 600_000) {
    throw new Error('--interval-ms must be an integer from 100 to 600000');
  }
  const agents = values.agents
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const a of agents) Names.agentDataBucket(a); // throws on a name that is not a subject token
  return { watch: values.watch, intervalMs, agents, help: values.help };
}

let cmd;
try {
  cmd = parseCommand(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err.message}\n${USAGE}`);
  process.exit(2);
}
if (cmd.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const config = loadConfigOrExit('provision', () => loadConfig(BaseEnv));
const log = createLogger({ service: 'provisioner', instance: config.INSTANCE_ID, level: config.LOG_LEVEL });
const opts = { replicas: config.JS_REPLICAS, agents: cmd.agents };

/** One round; `first` tells the start-up's creations from later recreations (a warning). */
async function round(nc, jsm, first) {
  const report = await provisionAll(nc, jsm, opts);
  if (report.created.length > 0) {
    if (first) log.info({ created: report.created }, 'created');
    else log.warn({ created: report.created }, 'recreated what had gone missing');
  }
  if (report.updated.length > 0) log.warn({ updated: report.updated }, 'settings brought back');
  return report;
}

/** Every `intervalMs`, a round, until SIGINT or SIGTERM; then drains the connection. */
function watch(nc, jsm) {
  let stopping = false;
  let timer;
  let lastError;
  const tick = async () => {
    try {
      await round(nc, jsm, false);
      if (lastError) log.info('provisioning works again');
      lastError = undefined;
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      if (text !== lastError) log.error({ err }, 'provisioning round failed; trying again');
      lastError = text;
    }
    if (!stopping) timer = setTimeout(tick, cmd.intervalMs);
  };
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearTimeout(timer);
    log.info('stopping');
    // A drain never ends, or fails, while the server is gone (the connection keeps reconnecting to
    // flush): give it 2 s, then close, which ends the reconnecting too.
    await Promise.race([nc.drain().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
    await nc.close().catch(() => undefined);
  };
  log.info({ intervalMs: cmd.intervalMs }, 'watching: what goes missing is created again');
  timer = setTimeout(tick, cmd.intervalMs);
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** Connects, provisions once (retried while a cold cluster elects leaders), then watches or ends. */
async function main() {
  let nc;
  try {
    nc = await connectNats({
      url: config.NATS_URL,
      service: 'provisioner',
      instance: config.INSTANCE_ID,
      log,
      security: config,
    });
  } catch (err) {
    log.fatal({ err, server: config.NATS_URL }, 'cannot connect to NATS');
    return 1;
  }
  try {
    const jsm = await retry(RetryPolicies.provision, () => jetstreamManager(nc, { checkAPI: false }));
    const report = await retry(RetryPolicies.provision, () => round(nc, jsm, true), {
      onRetry: (err, { delayMs }) => log.warn({ err, delayMs }, 'provisioning not possible yet, retrying'),
    });
    log.info({ ...report, agents: cmd.agents, replicas: opts.replicas }, 'provisioned');
    if (cmd.watch) {
      watch(nc, jsm);
      return 0;
    }
  } catch (err) {
    log.error({ err }, 'provisioning failed');
    await nc.drain().catch(() => undefined);
    return 1;
  }
  await nc.drain().catch(() => undefined);
  return 0;
}

// Nothing else keeps the process alive: it ends once the connection is drained and logs are flushed.
process.exitCode = await main();
