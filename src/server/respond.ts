// Writing responses: JSON (pretty for curl, as kube-apiserver does), Status errors, plain text.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isStatusError, internalError, PlainTextError, type StatusError } from '../api/errors.js';
import { log } from '../log.js';

const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];

/** responsewriters' isPrettyPrint: ?pretty= decides when it parses, else curl, Wget and browsers get it. */
export function wantsPretty(req: IncomingMessage): boolean {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  if (q >= 0 && url.includes('pretty', q)) {
    // The query alone: resolving the target as a URL reads `//host…` as a host and throws on `//[`.
    const pretty = new URLSearchParams(url.slice(q + 1)).get('pretty');
    // strconv.ParseBool: anything it does not read as true (including garbage) is false.
    if (pretty) return TRUE.includes(pretty);
  }
  const ua = req.headers['user-agent'] ?? '';
  return ua.startsWith('curl') || ua.startsWith('Wget') || ua.startsWith('Mozilla/5.0');
}

export function writeJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = wantsPretty(req) ? JSON.stringify(body, null, 2) + '\n' : JSON.stringify(body) + '\n';
  if (res.headersSent) return;
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

export function writeText(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

export function writeStatusError(req: IncomingMessage, res: ServerResponse, err: StatusError): void {
  writeJson(req, res, err.code, err.toStatus());
}

/** The one place errors become responses: StatusErrors as themselves, kube's plain-text answers as text, anything else as a logged 500. */
export function writeError(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (isStatusError(err)) return writeStatusError(req, res, err);
  if (err instanceof PlainTextError) {
    for (const [name, value] of Object.entries(err.headers)) if (!res.headersSent) res.setHeader(name, value);
    // Go's http.Error ends the text with a newline.
    return writeText(res, err.code, `${err.text}\n`);
  }
  log.error(
    {
      err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err),
      path: req.url?.split('?')[0],
      method: req.method,
    },
    'internal error',
  );
  writeStatusError(req, res, internalError(err instanceof Error ? err.message : String(err)));
}
