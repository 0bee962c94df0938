// Closed-loop load: `inFlight` workers each send a request, wait for its answer, and send the next.
// A warm-up is discarded; then every request that completes inside the measured window is counted,
// its latency taken with process.hrtime.
import { Agent, request } from 'node:http';

const now = () => process.hrtime.bigint();
const NS_PER_MS = 1_000_000n;

/** The value at quantile `q` (0..1) of an ascending array, nearest rank. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const r2 = (x) => Math.round(x * 100) / 100;

/**
 * Runs `send` with `inFlight` requests outstanding for `warmupMs` (discarded) then `durationMs`.
 * `send` resolves to `true` for a good answer, or to a string naming what was wrong with it; a
 * rejection counts as an error named after the exception.
 */
export async function runLoad({ send, inFlight, warmupMs, durationMs }) {
  const t0 = now();
  const from = t0 + BigInt(warmupMs) * NS_PER_MS;
  const until = from + BigInt(durationMs) * NS_PER_MS;
  const latencies = [];
  const errors = {};
  let errorCount = 0;
  const worker = async () => {
    while (now() < until) {
      const start = now();
      let outcome;
      try {
        outcome = await send();
      } catch (err) {
        outcome = err?.code ?? err?.name ?? 'exception';
      }
      const end = now();
      if (end < from || end > until) continue;
      if (outcome === true) latencies.push(Number(end - start) / 1e6);
      else {
        errorCount++;
        errors[outcome] = (errors[outcome] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const sorted = Float64Array.from(latencies).sort();
  return {
    inFlight,
    throughput: Math.round(latencies.length / (durationMs / 1000)),
    p50: r2(quantile(sorted, 0.5)),
    p90: r2(quantile(sorted, 0.9)),
    p99: r2(quantile(sorted, 0.99)),
    requests: latencies.length,
    errors: errorCount,
    ...(errorCount > 0 ? { errorKinds: errors } : {}),
  };
}

/** Checks an `agents.ask`-style reply body: a good answer is `ok` and `answered`. */
export function judgeReply(text) {
  let reply;
  try {
    reply = JSON.parse(text);
  } catch {
    return 'not_json';
  }
  if (reply.ok !== true) return reply.error?.code ?? 'not_ok';
  return reply.status === 'answered' ? true : `status_${reply.status}`;
}

/** Like {@link judgeReply}, but an answer from the offline fallback (`data.fallbackReason`) is wrong. */
export function judgeLlmReply(text) {
  const verdict = judgeReply(text);
  if (verdict !== true) return verdict;
  const reason = JSON.parse(text).data?.fallbackReason;
  return reason ? `llm_fallback_${reason}` : true;
}

/** A sender of NATS requests on `nc` to `subject`, judged by `judge(text)`. */
export function natsSender(nc, subject, payload, { timeoutMs = 10_000, judge = judgeReply } = {}) {
  const data = new TextEncoder().encode(payload);
  const dec = new TextDecoder();
  return async () => {
    const m = await nc.request(subject, data, { timeout: timeoutMs });
    return judge(dec.decode(m.data));
  };
}

/** A sender of `POST <path>` with a JSON body over keep-alive HTTP/1.1 connections. */
export function httpSender(port, path, body, { inFlight, timeoutMs = 10_000 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight, maxFreeSockets: inFlight });
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  const send = () =>
    new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path, method: 'POST', agent, headers, timeout: timeoutMs },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) return resolve(`http_${res.statusCode}`);
            resolve(judgeReply(Buffer.concat(chunks).toString()));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
      req.on('error', reject);
      req.end(body);
    });
  send.close = () => agent.destroy();
  return send;
}
