// The web chat page (docs/web-chat.md): one HTML file, two scripts and one style sheet from
// services/gateway/web/, read once when the gateway is built. They sit outside src/ and dist/, so
// the same files serve from the sources (tests) and from dist/ after `npm run build`, with no copy
// step. Not API routes: no API key (the page asks for one and sends it with its own requests).
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

/** Where the page's files are: `services/gateway/web/`, from `src/web/` and `dist/web/` alike. */
export const webDir = new URL('../../web/', import.meta.url);

/**
 * The page's Content-Security-Policy: only its own script, style sheet and API calls; no inline
 * script or style, no frames, no form posts elsewhere. The API keeps helmet's `default-src 'none'`.
 */
export const webPageCsp = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page's paths; `/` and `/chat` are the same page. */
export const webPaths = ['/', '/chat', '/web/chat.js', '/web/markdown.js', '/web/chat.css'] as const;

const files = [
  { paths: ['/', '/chat'], file: 'index.html', type: 'text/html; charset=utf-8', page: true },
  { paths: ['/web/chat.js'], file: 'chat.js', type: 'text/javascript; charset=utf-8', page: false },
  { paths: ['/web/markdown.js'], file: 'markdown.js', type: 'text/javascript; charset=utf-8', page: false },
  { paths: ['/web/chat.css'], file: 'chat.css', type: 'text/css; charset=utf-8', page: false },
];

/** Serves the page. Throws at start when a file is missing, rather than 404 later. */
export function registerWebRoutes(app: FastifyInstance): void {
  for (const f of files) {
    const body = readFileSync(new URL(f.file, webDir));
    for (const path of f.paths) {
      app.get(path, async (_req, reply) => {
        reply.header('content-type', f.type).header('cache-control', 'no-cache');
        if (f.page) reply.header('content-security-policy', webPageCsp);
        return reply.send(body);
      });
    }
  }
}
