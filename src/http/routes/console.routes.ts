import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';

/** The console's own files: plain ES modules and CSS, served as they are (no build step). */
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Nothing but the console's own files runs or loads: no inline script or style, no other origin,
 * no framing. The API it calls is on the same origin.
 */
const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
}

/** Every file the console may be answered with, by its path under /console/, read once at start. */
function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const entry of readdirSync(WEB_DIR, { recursive: true, withFileTypes: true })) {
    const type = TYPES[extname(entry.name)];
    if (!entry.isFile() || !type) continue;
    const path = join(entry.parentPath, entry.name);
    assets.set(relative(WEB_DIR, path).split(sep).join('/'), { body: readFileSync(path), type });
  }
  // The chart library comes from its npm package: nothing is fetched from a CDN.
  const require = createRequire(import.meta.url);
  assets.set('vendor/uPlot.esm.js', { body: readFileSync(require.resolve('uplot/dist/uPlot.esm.js')), type: TYPES['.js'] as string });
  assets.set('vendor/uPlot.min.css', { body: readFileSync(require.resolve('uplot/dist/uPlot.min.css')), type: TYPES['.css'] as string });
  // The typed client's runtime (openapi-fetch): the console calls operations by their documented paths.
  assets.set('vendor/openapi-fetch.js', { body: readFileSync(require.resolve('openapi-fetch/dist/index.mjs')), type: TYPES['.js'] as string });
  return assets;
}

/** The web console at /console (issue 16): it holds no key of its own and calls the public API. */
export function consoleRoutes(app: FastifyInstance): void {
  const assets = loadAssets();
  const send = (path: string, reply: import('fastify').FastifyReply) => {
    const asset = assets.get(path);
    reply
      .header('Content-Security-Policy', CONSOLE_CSP)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer')
      .header('Cache-Control', 'no-cache');
    if (!asset) throw new AppError('not_found', `The console has no file ${path}.`);
    return reply.type(asset.type).send(asset.body);
  };
  const hidden = { schema: { hide: true } };
  app.get('/console', hidden, (_request, reply) => reply.redirect('/console/'));
  app.get('/console/', hidden, (_request, reply) => send('index.html', reply));
  app.get<{ Params: { '*': string } }>('/console/*', hidden, (request, reply) => send(request.params['*'], reply));
}
