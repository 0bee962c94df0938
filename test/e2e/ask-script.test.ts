// `npm run ask` with no NATS server to talk to says so in one line and exits 1 (no stack trace).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@switchboard/runtime/testing';
import { expect, it } from 'vitest';
import { cleanEnv, repoRoot } from './harness.js';

it('says in one line that no server answers, and exits 1', async () => {
  const port = await freePort();
  const err = await promisify(execFile)(process.execPath, [join(repoRoot, 'scripts/ask.mjs'), 'hello'], {
    env: cleanEnv({ NATS_URL: `nats://127.0.0.1:${port}` }),
    timeout: 20_000,
  }).then(
    () => undefined,
    (e: { code?: number; stderr?: string }) => e,
  );
  expect(err?.code).toBe(1);
  const lines = (err?.stderr ?? '').trim().split('\n');
  expect(lines).toEqual([
    `no NATS server at nats://127.0.0.1:${port} (connection refused); start one with npm start`,
  ]);
});
