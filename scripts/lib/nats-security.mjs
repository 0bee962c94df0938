import { loadConfig, NatsSecurityEnv, natsSecurityOptions } from '@switchboard/runtime';

/**
 * The nats.js connection options of the identity in the environment (NATS_NKEY_SEED_FILE or
 * NATS_USER with NATS_PASSWORD_FILE, NATS_CA_FILE, NATS_INBOX_PREFIX: load its `<identity>.env` of
 * `npm run secure:init`); none set: an unauthenticated connection. A bad setting prints what is
 * wrong and exits with code 2.
 */
export function natsSecurity(url, env = process.env) {
  try {
    return natsSecurityOptions(loadConfig(NatsSecurityEnv, env), url).options;
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}
