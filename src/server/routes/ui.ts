// The web console's static assets at /ui/ (built by scripts/build-ui.mjs into dist/ui). They hold no data, so the
// server serves them before authentication, to anyone, like /livez; every piece of data the console shows comes
// from the API, requested by the browser as the signed-in user.
//
// The built files are read once into memory. A request path is only ever a key into that table, never joined
// onto a filesystem path, so there is nothing to traverse. Each file carries a strong ETag; hashed asset names
// (app-3F2K….js) are cached for a year, index.html is revalidated on each load.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { StatusError } from '../../api/errors.js';

export const CONSOLE_PREFIX = '/ui';

/** Only same-origin scripts, styles and API calls; no inline code, no frames, no forms posting elsewhere. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** esbuild's `[name]-[hash]` file names: content-addressed, so they never change under the same URL. */
const HASHED_NAME = /-[A-Z0-9]{8}\.[a-z0-9]+$/;
const MAX_DEPTH = 2;

interface Asset {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
}

/** Where the build puts the console: dist/ui beside the compiled server, or under the checkout when run from src. */
export function defaultConsoleDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = resolve(here, '../../../ui'); // dist/src/server/routes → dist/ui
  if (existsSync(join(compiled, 'index.html'))) return compiled;
  return resolve(here, '../../../dist/ui'); // src/server/routes → dist/ui (tsx)
}

/** Reads every servable file under dir into the table the route answers from. */
export function loadConsoleAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (d: string, urlDir: string, depth: number): void => {
    for (const name of readdirSync(d).sort()) {
      const file = join(d, name);
      const st = statSync(file);
      if (st.isDirectory()) {
        if (depth < MAX_DEPTH) walk(file, `${urlDir}${name}/`, depth + 1);
        continue;
      }
      const type = CONTENT_TYPES[extname(name)];
      if (type === undefined || !st.isFile()) continue;
      const body = readFileSync(file);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      const cacheControl = HASHED_NAME.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache';
      const compressible = type.startsWith('text/') || type.startsWith('application/json') || type === 'image/svg+xml';
      const gzip = compressible && body.length > 1024 ? gzipSync(body, { level: 9 }) : undefined;
      assets.set(`${urlDir}${name}`, { body, gzip, type, etag, cacheControl });
    }
  };
  walk(dir, `${CONSOLE_PREFIX}/`, 0);
  const index = assets.get(`${CONSOLE_PREFIX}/index.html`);
  if (index) assets.set(`${CONSOLE_PREFIX}/`, index);
  return assets;
}

/**
 * The /ui handler. The table loads on first use; when the console is not built yet the answer is 503 and the
 * directory is looked at again (at most every few seconds), so a build after start-up is picked up.
 */
export function consoleRoute(
  dir = defaultConsoleDir(),
): (req: IncomingMessage, res: ServerResponse, path: string) => void {
  let assets: Map<string, Asset> | undefined;
  let lastMissing = 0;
  const table = (): Map<string, Asset> | undefined => {
    if (assets || Date.now() - lastMissing < 5000) return assets;
    if (existsSync(join(dir, 'index.html'))) assets = loadConsoleAssets(dir);
    else lastMissing = Date.now();
    return assets;
  };
  return (req, res, path) => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      throw new StatusError(405, 'MethodNotAllowed', `${method} is not supported on ${CONSOLE_PREFIX}/`);
    }
    if (path === CONSOLE_PREFIX) return redirect(res, `${CONSOLE_PREFIX}/`);
    const t = table();
    if (!t) return notBuilt(req, res);
    const asset = t.get(path);
    if (!asset) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    send(req, res, asset);
  };
}

function send(req: IncomingMessage, res: ServerResponse, asset: Asset): void {
  const headers: Record<string, string | number> = {
    'Content-Type': asset.type,
    'Cache-Control': asset.cacheControl,
    ETag: asset.etag,
    Vary: 'Accept-Encoding',
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  if (etagMatches(req.headers['if-none-match'], asset.etag)) {
    res.writeHead(304, headers);
    return void res.end();
  }
  const gzip = asset.gzip && acceptsGzip(req.headers['accept-encoding']);
  const body = gzip ? asset.gzip! : asset.body;
  if (gzip) headers['Content-Encoding'] = 'gzip';
  headers['Content-Length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** If-None-Match: `*` or a comma-separated list of (possibly weak) tags; plain string code, linear in the header. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  for (const raw of header.split(',')) {
    const tag = raw.trim();
    if (tag === '*' || tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true;
  }
  return false;
}

/** Accept-Encoding names gzip (or `*`) without q=0. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const raw of header.split(',')) {
    const [coding, ...params] = raw.split(';').map((p) => p.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== '*') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(301, { Location: location, 'Content-Length': 0, 'Cache-Control': 'no-cache' });
  res.end();
}

function notBuilt(req: IncomingMessage, res: ServerResponse): void {
  const text =
    '<!doctype html><title>kauth console</title><p>The console is not built: run <code>npm run build</code>.</p>\n';
  res.writeHead(503, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Retry-After': 5,
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}
