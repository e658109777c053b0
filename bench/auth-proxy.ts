// `kauth auth-proxy` cost: allowed requests/s through it with warm caches (TokenReview and SAR answered from its
// caches after the first request) ÷ requests/s through a bare Node HTTPS reverse proxy to the same upstream, both
// measured in the same run with the same client load. Goal: ≥ 0.85 (authn + authz cost alone).
// Run: npx tsc -p tsconfig.json && npx tsx bench/auth-proxy.ts
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { freePort, kubectl, sleep, startCluster, ROOT } from '../test/e2e/harness.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = 32;

const B = await startCluster();
const procs: ChildProcess[] = [];
try {
  kubectl(B, ['create', 'sa', 'scraper']);
  kubectl(B, ['create', 'clusterrole', 'metrics-reader', '--verb', 'get', '--non-resource-url', '/metrics']);
  kubectl(B, [
    'create',
    'clusterrolebinding',
    'metrics-reader',
    '--clusterrole',
    'metrics-reader',
    '--serviceaccount',
    'default:scraper',
  ]);
  const token = kubectl(B, ['create', 'token', 'scraper']).out.trim();
  const cert = join(B.dir, 'srv.crt'),
    key = join(B.dir, 'srv.key');
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
      key,
      '-out',
      cert,
      '-subj',
      '/CN=127.0.0.1',
      '-days',
      '1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );

  const upstream = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const UP = (upstream.address() as AddressInfo).port;

  // The reference: a bare reverse proxy, TLS in, keep-alive HTTP out, no authn/authz.
  const bareFile = join(B.dir, 'bare-proxy.mjs');
  writeFileSync(
    bareFile,
    `import http from 'node:http'; import https from 'node:https'; import { readFileSync } from 'node:fs';
const [port, up, cert, key] = process.argv.slice(2); const agent = new http.Agent({ keepAlive: true });
https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
  const headers = { ...req.headers }; delete headers.connection; delete headers.authorization;
  const out = http.request({ hostname: '127.0.0.1', port: up, method: req.method, path: req.url, headers, agent }, (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
  out.on('error', () => { res.writeHead(502); res.end(); }); req.pipe(out);
}).listen(Number(port), '127.0.0.1');\n`,
  );

  const started = async (args: string[], port: number): Promise<void> => {
    const c = spawn(process.execPath, args, { stdio: 'ignore' });
    procs.push(c);
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((res) => {
        const s = net.connect(port, '127.0.0.1');
        s.on('connect', () => {
          s.destroy();
          res(true);
        });
        s.on('error', () => res(false));
      });
      if (up) return;
      await sleep(100);
    }
    throw new Error(`not listening: ${args.join(' ')}`);
  };
  const bare = await freePort(),
    authProxy = await freePort();
  await started([bareFile, String(bare), String(UP), cert, key], bare);
  await started(
    [
      join(ROOT, 'dist/src/cli/main.js'),
      'auth-proxy',
      '--upstream',
      `http://127.0.0.1:${UP}/`,
      '--secure-listen-address',
      `127.0.0.1:${authProxy}`,
      '--tls-cert-file',
      cert,
      '--tls-private-key-file',
      key,
      '--kubeconfig',
      B.adminKubeconfig,
    ],
    authProxy,
  );

  const ca = readFileSync(cert);
  async function rate(port: number): Promise<number> {
    const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca });
    const one = (): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = https.request(
          { hostname: '127.0.0.1', port, path: '/metrics', headers: { Authorization: `Bearer ${token}` }, agent },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end();
      });
    if ((await one()) !== 200) throw new Error(`port ${port}: not allowed`);
    for (let i = 0; i < 200; i++) await one(); // warm: caches, connections, JIT
    let done = 0;
    const until = Date.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < until) {
          if ((await one()) !== 200) throw new Error('denied under load');
          done++;
        }
      }),
    );
    agent.destroy();
    return done / SECONDS;
  }
  // Alternate the two, twice, so drift on a shared machine hits both alike.
  const bareRates: number[] = [],
    proxyRates: number[] = [];
  for (let round = 0; round < 2; round++) {
    bareRates.push(await rate(bare));
    proxyRates.push(await rate(authProxy));
  }
  const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const ratio = avg(proxyRates) / avg(bareRates);
  console.log(`bare Node HTTPS reverse proxy: ${avg(bareRates).toFixed(0)} req/s`);
  console.log(`kauth auth-proxy (TokenReview + SAR, warm caches): ${avg(proxyRates).toFixed(0)} req/s`);
  console.log(`ratio auth-proxy ÷ bare: ${ratio.toFixed(2)} (goal ≥ 0.85) ${ratio >= 0.85 ? 'MET' : 'NOT MET'}`);
  upstream.close();
} finally {
  for (const c of procs) c.kill('SIGKILL');
  await B.stop();
  B.cleanup();
}
