// A real ApiServer (TLS, request reading, routing, /readyz) in this process, over the registry harness's
// RestHandler and MemoryStore; every request is the admin, every decision AlwaysAllow, so the tests exercise
// body handling only. `probeReadyz` measures how long /readyz takes while an attack request is in flight:
// anything that holds the event loop shows up there.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Authenticator } from '../../../src/authn/interfaces.js';
import { AlwaysAllowAuthorizer } from '../../../src/authz/always.js';
import { ApiServer } from '../../../src/server/server.js';
import { ADMIN, Api } from '../registry/harness.js';

export interface Reply {
  code: number;
  text: string;
  // Tests read arbitrary JSON.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  headers: Record<string, string | string[] | undefined>;
}

export interface LiveApi {
  api: Api;
  port: number;
  request(o: {
    method?: string;
    path: string;
    body?: string | Buffer;
    contentType?: string;
    chunked?: boolean;
  }): Promise<Reply>;
  /** Milliseconds /readyz takes to answer 200. */
  readyzMs(): Promise<number>;
  close(): Promise<void>;
}

const everyoneIsAdmin: Authenticator = { name: 'test-admin', authenticate: async () => ({ user: ADMIN }) };

export async function startLiveApi(): Promise<LiveApi> {
  const dir = mkdtempSync(join(tmpdir(), 'kauth-live-api-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'tls.key',
      '-out',
      'tls.crt',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-days',
      '1',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  const ca = readFileSync(join(dir, 'tls.crt'));
  const api = new Api();
  await api.namespace('demo');
  const server = new ApiServer({
    bindAddress: '127.0.0.1',
    securePort: 0,
    tlsCertPem: ca.toString(),
    tlsKeyPem: readFileSync(join(dir, 'tls.key'), 'utf8'),
    authenticator: everyoneIsAdmin,
    authorizer: new AlwaysAllowAuthorizer(),
    rest: api.rest,
    defs: api.defs,
    routes: new Map(),
    healthChecks: [],
    version: {},
  });
  const { port } = (await server.listen()) as AddressInfo;

  const request: LiveApi['request'] = (o) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { Accept: 'application/json' };
      if (o.body !== undefined) {
        headers['Content-Type'] = o.contentType ?? 'application/json';
        if (!o.chunked) headers['Content-Length'] = Buffer.byteLength(o.body);
      }
      // agent: false sends `Connection: close`, the case where a server that answers early closes on the writer.
      const req = https.request(
        { method: o.method ?? 'GET', host: '127.0.0.1', port, path: o.path, headers, ca, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              /* not JSON */
            }
            resolve({ code: res.statusCode ?? 0, text, json, headers: res.headers });
          });
        },
      );
      req.on('error', reject);
      req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
      // One write of the whole body, as the acceptance check's client does.
      if (o.body !== undefined) req.write(o.body);
      req.end();
    });

  return {
    api,
    port,
    request,
    readyzMs: async () => {
      const start = performance.now();
      const r = await request({ path: '/readyz' });
      if (r.code !== 200) throw new Error(`/readyz answered ${r.code}: ${r.text}`);
      return performance.now() - start;
    },
    close: async () => {
      await server.close(100);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs attack() and, while it is in flight, asks /readyz every 50 ms; returns the attack's result and the
 * slowest /readyz answer (a stalled event loop makes it as slow as the stall).
 */
export async function whileProbing<T>(
  live: LiveApi,
  attack: () => Promise<T>,
): Promise<{ result: T; slowestReadyzMs: number; elapsedMs: number }> {
  const start = performance.now();
  let done = false;
  let slowest = 0;
  const probes = (async () => {
    // Let the attack's request go out first.
    await new Promise((r) => setTimeout(r, 20));
    while (!done) {
      slowest = Math.max(slowest, await live.readyzMs());
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    const result = await attack();
    return { result, slowestReadyzMs: slowest, elapsedMs: performance.now() - start };
  } finally {
    done = true;
    await probes;
  }
}
