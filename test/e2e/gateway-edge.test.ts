// The gateway's edge against the built service processes (router, hr agent, gateway) on their own
// nats-server, with the attacks of issue #15 sent over real sockets: the raw-URL key check bypasses
// (a percent-encoded path, an absolute-form target), a burst past the rate limit, a client trickling
// its body, a plain body near 1 MB sent with fetch (the chaos run's `fetch failed`), the response
// headers, and where the ops endpoints listen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, openRaw, parseRawResponse, rawRequest, slowBody } from '@switchboard/runtime/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, repoRoot, type ServiceProcess, spawnTracked, useStack, waitReady } from './harness.js';

const KEY = 'e2e-edge-key-4b1d9e';
const QUESTION = JSON.stringify({ text: 'how many vacation days do I have?', userId: 'alice' });

const stack = useStack(['router', 'hr-agent']);
/** The gateway with an API key, short request timeouts and no rate limit to speak of. */
let gw: ServiceProcess;
/** A gateway with a rate limit of 20 requests a minute. */
let limitedGw: ServiceProcess;

beforeAll(async () => {
  gw = await stack.current.start('gateway', {
    GATEWAY_API_KEYS: KEY,
    GATEWAY_RATE_LIMIT_MAX: '100000',
    GATEWAY_REQUEST_TIMEOUT_MS: '1500',
    GATEWAY_HEADERS_TIMEOUT_MS: '1000',
  });
  limitedGw = await stack.current.start('gateway', { GATEWAY_API_KEYS: KEY, GATEWAY_RATE_LIMIT_MAX: '20' });
}, 60_000);

/** A raw POST of the question to `target`, exactly as written, with `headers` lines. */
const rawAsk = (port: number, target: string, headers: string[] = []) =>
  rawRequest(port, { method: 'POST', target, body: QUESTION, headers }, { timeoutMs: 15_000 });

/** Addresses that something listens on at TCP `port` (Linux: /proc/net/tcp and tcp6). */
function listenAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [ip, hexPort] = (cols[1] ?? '').split(':');
      if (cols[3] !== '0A' || !ip || Number.parseInt(hexPort ?? '', 16) !== port) continue; // 0A: LISTEN
      found.push(
        ip.length === 8
          ? (ip.match(/../g) ?? [])
              .reverse()
              .map((h) => Number.parseInt(h, 16))
              .join('.')
          : ip === '0'.repeat(32)
            ? '::'
            : ip,
      );
    }
  }
  return found;
}

describe('the built gateway', () => {
  it('refuses a percent-encoded path and an absolute-form target without the key', async () => {
    for (const target of [
      '/%76%31/ask',
      `http://127.0.0.1:${gw.port}/v1/ask`,
      'http://evil.example/v1/ask',
    ]) {
      const refused = await rawAsk(gw.port, target);
      expect(refused.status, target).toBe(401);
      expect(JSON.parse(refused.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      // With the key, the same target is answered by the agent: it was the API route all along.
      const served = await rawAsk(gw.port, target, [`x-api-key: ${KEY}`]);
      expect(served.status, target).toBe(200);
      expect(JSON.parse(served.body)).toMatchObject({ ok: true, agent: 'hr' });
    }
  });

  it('answers a plain body near 1 MB sent with fetch with a readable 413, 24 at a time', async () => {
    const body = 'how many vacation days '.padEnd(1024 * 1024 - 4096, 'z');
    const results = await Promise.all(
      Array.from({ length: 24 }, async () => {
        const r = await fetch(`${gw.baseUrl}/v1/ask`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', 'x-api-key': KEY },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        return { status: r.status, body: (await r.json()) as { error?: { code?: string } } };
      }),
    );
    for (const r of results) {
      expect(r.status).toBe(413);
      expect(r.body.error?.code).toBe('payload_too_large');
    }
    // A client still sending when the gateway has seen enough reads the 413 too (answering at once
    // and closing, as before, broke some of these with EPIPE).
    const slow = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const r = await fetch(`${gw.baseUrl}/v1/ask`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', 'x-api-key': KEY, 'content-length': String(body.length) },
          body: slowBody(body.length, 5),
          duplex: 'half',
          signal: AbortSignal.timeout(15_000),
        } as RequestInit);
        return r.status;
      }),
    );
    expect(slow).toEqual(Array(8).fill(413));
  });

  it('cuts off a client that trickles its body: 408 and the connection closed', async () => {
    const c = await openRaw(gw.port);
    c.write(
      `POST /v1/ask HTTP/1.1\r\nhost: x\r\nx-api-key: ${KEY}\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{"text":"`,
    );
    const timer = setInterval(() => c.write('a'), 100);
    const closedAfterMs = await c.closed;
    clearInterval(timer);
    // The request timeout (1.5 s) plus the server's check interval, not the 150 s of the attack.
    expect(closedAfterMs).toBeLessThan(4000);
    const r = parseRawResponse(c.received());
    expect(r?.status).toBe(408);
    expect(JSON.parse(r!.body)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('sends security headers and no CORS headers', async () => {
    const asked: Record<string, string> = {
      'content-type': 'application/json',
      origin: 'https://evil.example',
    };
    for (const headers of [{ ...asked, 'x-api-key': KEY }, asked]) {
      const r = await fetch(`${gw.baseUrl}/v1/ask`, { method: 'POST', body: QUESTION, headers });
      expect([200, 401]).toContain(r.status);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect(r.headers.get('strict-transport-security')).toMatch(/max-age/);
      expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('answers a burst past the rate limit with 429, Retry-After and a typed body', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 60 }, async () => {
        const r = await fetch(`${limitedGw.baseUrl}/v1/ask`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': KEY },
          body: QUESTION,
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await r.json()) as { error?: { code?: string } };
        if (r.status === 429) {
          expect(body.error?.code).toBe('rate_limited');
          expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        }
        return r.status;
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    expect((await fetch(`${limitedGw.baseUrl}/readyz`)).status).toBe(200);
  });

  it('serves ops endpoints on loopback by default, and on OPS_HOST apart from the API when asked', async () => {
    expect(listenAddresses(stack.current.get('router').port)).toEqual(['127.0.0.1']);
    expect(listenAddresses(stack.current.get('hr-agent').port)).toEqual(['127.0.0.1']);

    const [apiPort, opsPort] = [await freePort(), await freePort()];
    const proc = spawnTracked(
      'gateway-ops',
      process.execPath,
      [join(repoRoot, 'services/gateway/dist/main.js')],
      {
        env: cleanEnv({
          NATS_URL: stack.current.nats.url,
          LOG_LEVEL: 'warn',
          GATEWAY_PORT: String(apiPort),
          GATEWAY_HOST: '127.0.0.1',
          OPS_PORT: String(opsPort),
          OPS_HOST: '0.0.0.0',
        }),
      },
    );
    try {
      await waitReady(`http://127.0.0.1:${opsPort}/readyz`, proc);
      expect(listenAddresses(opsPort)).toEqual(['0.0.0.0']);
      expect(listenAddresses(apiPort)).toEqual(['127.0.0.1']);
      expect(await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text()).toMatch(/service="gateway"/);
      expect((await fetch(`http://127.0.0.1:${apiPort}/metrics`)).status).toBe(404);
    } finally {
      await proc.stop();
    }
  });
});
