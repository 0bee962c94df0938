// A fake Anthropic Messages API with a fixed latency: every `POST /v1/messages` is answered after
// `delayMs` with one final text block (`stop_reason: 'end_turn'`). `GET /stats` counts requests.
// Run as its own process so its timers do not share an event loop with the load generator:
// `node bench/fake-llm.mjs [delayMs]` prints `listening <port>`.
import { createServer } from 'node:http';

export function startFakeLlm({ delayMs = 100, port = 0 } = {}) {
  let requests = 0;
  let seq = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ requests }));
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: req.url } }));
        return;
      }
      requests++;
      let model = 'claude-fake';
      try {
        model = JSON.parse(Buffer.concat(chunks).toString()).model ?? model;
      } catch {
        // answer anyway
      }
      const body = JSON.stringify({
        id: `msg_bench_${++seq}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text: 'You have 18 vacation days left this year.' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 100, output_tokens: 12 },
      });
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_bench_${seq}` });
        res.end(body);
      }, delayMs);
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => resolve({ server, port: server.address().port }));
  });
}

if (import.meta.filename === process.argv[1]) {
  const { server, port } = await startFakeLlm({ delayMs: Number(process.argv[2] ?? 100) });
  process.stdout.write(`listening ${port}\n`);
  const bye = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', bye);
  process.on('SIGINT', bye);
}
