// A fetch for openid-client that trusts a given CA bundle (the provider's `--certificate-authority`). Node 20's
// global fetch cannot take a CA per call, so this speaks HTTPS through node:https; it is glue, not OAuth: requests
// and responses are passed through untouched, with a size budget and openid-client's abort signal honoured.
import https from 'node:https';
import http from 'node:http';
import type { CustomFetch } from 'openid-client';

/** Discovery documents, JWKS and token responses are small; anything bigger is not a provider talking. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function bodyOf(body: unknown): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return body;
  throw new TypeError('unsupported request body type');
}

/** A fetch that verifies the server's certificate against `caPem` (and nothing else). */
export function fetchTrustingCa(caPem: string): CustomFetch {
  return (url, options) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      const payload = bodyOf(options.body);
      const headers: Record<string, string | number> = { ...options.headers };
      if (payload !== undefined) headers['content-length'] = Buffer.byteLength(payload);
      const onResponse = (res: http.IncomingMessage): void => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (d: Buffer) => {
          size += d.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(new Error(`response from ${target.origin} is larger than ${MAX_RESPONSE_BYTES} bytes`));
            return;
          }
          chunks.push(d);
        });
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
          }
          const status = res.statusCode ?? 0;
          const body = NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
        });
        res.on('error', reject);
      };
      const common = { method: options.method, headers, signal: options.signal ?? undefined };
      const req =
        target.protocol === 'https:'
          ? https.request(target, { ...common, ca: caPem, agent: false }, onResponse)
          : http.request(target, { ...common, agent: false }, onResponse);
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
}
