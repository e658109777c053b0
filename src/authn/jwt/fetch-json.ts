// The issuer's HTTP client (kube's: a 30 s timeout, the configured CA or the host's roots): GET one
// JSON document over HTTPS. Bounded in time and size, redirects followed (as Go's http.Client does)
// but never to plain HTTP.
import https from 'node:https';

export const FETCH_TIMEOUT_MS = 30_000;
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 10;

export interface FetchOptions {
  /** PEM bundle; undefined → the host's root CAs. */
  ca?: string;
  timeoutMs?: number;
}

/** GETs `url` and parses it as JSON; errors read as Go's (`<status>: <body>`, `Get "<url>": <cause>`). */
export function fetchJson(url: string, options: FetchOptions = {}, redirects = 0): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return reject(new Error(`parse ${JSON.stringify(url)}: invalid URL`));
    }
    if (target.protocol !== 'https:')
      return reject(
        new Error(
          `Get ${JSON.stringify(url)}: unsupported protocol scheme ${JSON.stringify(target.protocol.slice(0, -1))}`,
        ),
      );
    const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS;
    const req = https.get(
      target,
      { ca: options.ca, agent: false, headers: { Accept: 'application/json' }, timeout: timeoutMs },
      (res) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if ([301, 302, 303, 307, 308].includes(status) && location) {
          res.resume();
          if (redirects >= MAX_REDIRECTS)
            return reject(new Error(`Get ${JSON.stringify(url)}: stopped after ${MAX_REDIRECTS} redirects`));
          return resolve(fetchJson(new URL(location, target).toString(), options, redirects + 1));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_DOCUMENT_BYTES) {
            req.destroy(new Error(`Get ${JSON.stringify(url)}: response larger than ${MAX_DOCUMENT_BYTES} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (status < 200 || status > 299)
            return reject(new Error(`${status} ${res.statusMessage ?? ''}: ${body.slice(0, 512)}`));
          try {
            resolve(JSON.parse(body));
          } catch (e) {
            reject(new Error(`failed to decode ${JSON.stringify(url)}: ${(e as Error).message}`));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(
        new Error(
          `Get ${JSON.stringify(url)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
        ),
      ),
    );
    req.on('error', (e) =>
      reject(e.message.startsWith('Get "') ? e : new Error(`Get ${JSON.stringify(url)}: ${e.message}`)),
    );
  });
}
