// bench/server.ts — `kauth up` start-up to /readyz (existing PKI), idle RSS, and authenticated GET
// req/s over keep-alive TLS, against a bare Node HTTPS server answering the same JSON, same client,
// same run. Prints ratios. Run: npm run build && node dist/bench/server.js
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clientCert, freePort, KAUTH_BIN } from '../test/e2e/harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, here.includes(join('dist', 'bench')) ? '../..' : '..');
/** The bin (package.json), as users run it; BENCH_CLI=dist/src/cli/main.js measures the unbundled build. */
const CLI = process.env.BENCH_CLI ? resolve(ROOT, process.env.BENCH_CLI) : KAUTH_BIN;
const DURATION_MS = Number(process.env.BENCH_MS ?? 5000);
const CONCURRENCY = 16;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function get(agent: https.Agent, port: number, path: string, ca: Buffer, cert?: Buffer, key?: Buffer): Promise<number> {
  return new Promise((res, rej) => {
    const req = https.request(
      { host: '127.0.0.1', port, path, agent, ca, cert, key, headers: { Accept: 'application/json' } },
      (r) => {
        r.resume();
        r.on('end', () => res(r.statusCode ?? 0));
      },
    );
    req.on('error', rej);
    req.end();
  });
}

async function load(port: number, path: string, ca: Buffer, cert?: Buffer, key?: Buffer): Promise<number> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca, cert, key });
  // Warm up connections and caches.
  for (let i = 0; i < 200; i++) await get(agent, port, path, ca, cert, key);
  let done = 0;
  let bad = 0;
  const end = Date.now() + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        const code = await get(agent, port, path, ca, cert, key);
        if (code === 200) done++;
        else bad++;
      }
    }),
  );
  agent.destroy();
  if (bad) console.log(`  (${bad} non-200 answers)`);
  return done / (DURATION_MS / 1000);
}

async function waitReady(port: number, ca: Buffer, t0: number, child: ChildProcess): Promise<number> {
  const agent = new https.Agent({ ca });
  for (;;) {
    if (child.exitCode !== null) throw new Error('kauth exited');
    try {
      if ((await get(agent, port, '/readyz', ca)) === 200) return Date.now() - t0;
    } catch {
      /* not yet */
    }
    await sleep(5);
  }
}

/**
 * A further restart whose listening log line (info level) gives kauth's own start-up times; the timed starts above
 * keep the warn level. The client's time is counted from the spawn, which is the process start give or take a ms.
 */
async function restartPhases(
  data: string,
  port: number,
  ca: Buffer,
): Promise<{ commandStarted?: number; assemblyStarted?: number; listening?: number; ready: number }> {
  const t0 = Date.now();
  const kauth = spawn(process.execPath, [CLI, 'up', '--data-dir', data, '--secure-port', String(port)], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, KAUTH_LOG_LEVEL: 'info' },
  });
  let out = '';
  kauth.stdout!.on('data', (d) => {
    out += d;
  });
  const ready = await waitReady(port, ca, t0, kauth);
  kauth.kill('SIGTERM');
  await new Promise((r) => kauth.once('exit', r));
  const line = out.split('\n').find((l) => l.includes('"kauth API server listening"'));
  return { ...(line ? JSON.parse(line).startup : {}), ready };
}

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kauth-bench-'));
  const data = join(dir, 'data');
  try {
    execFileSync(process.execPath, [CLI, 'certs', 'init', '--cert-dir', join(data, 'pki'), '--kubeconfig-dir', data], {
      stdio: 'ignore',
    });
    const port = await freePort();
    const ca = readFileSync(join(data, 'pki', 'ca.crt'));
    // An admin client certificate from the CA (what kubectl would present).
    const { cert, key } = clientCert(
      { dir, caFile: join(data, 'pki', 'ca.crt'), caKeyFile: join(data, 'pki', 'ca.key') },
      'bench',
      ['system:masters'],
    );

    const t0 = Date.now();
    const kauth = spawn(process.execPath, [CLI, 'up', '--data-dir', data, '--secure-port', String(port)], {
      stdio: 'ignore',
      env: { ...process.env, KAUTH_LOG_LEVEL: 'warn' },
    });
    const firstReady = await waitReady(port, ca, t0, kauth);
    kauth.kill('SIGTERM');
    await new Promise((r) => kauth.once('exit', r));

    // Second start: existing PKI and database, as a user's every `kauth up` after the first.
    const t1 = Date.now();
    const kauth2 = spawn(process.execPath, [CLI, 'up', '--data-dir', data, '--secure-port', String(port)], {
      stdio: 'ignore',
      env: { ...process.env, KAUTH_LOG_LEVEL: 'warn' },
    });
    const ready = await waitReady(port, ca, t1, kauth2);
    await sleep(1500);
    const idleRss = rssKb(kauth2.pid!);
    const path = '/api/v1/namespaces/default';
    const kauthRate = await load(port, path, ca, cert, key);
    const loadedRss = rssKb(kauth2.pid!);
    const body = await new Promise<string>((res) => {
      https.get({ host: '127.0.0.1', port, path, ca, cert, key }, (r) => {
        let s = '';
        r.on('data', (d) => {
          s += d;
        });
        r.on('end', () => res(s));
      });
    });
    kauth2.kill('SIGTERM');
    await new Promise((r) => kauth2.once('exit', r));
    const phases = await restartPhases(data, port, ca);

    // The reference: a bare Node HTTPS server with the same certificate, answering the same bytes.
    const barePort = await freePort();
    const bareSrc = join(dir, 'bare.mjs');
    writeFileSync(
      bareSrc,
      `import https from 'node:https'; import { readFileSync } from 'node:fs';
const body = ${JSON.stringify(body)};
https.createServer({ cert: readFileSync(${JSON.stringify(join(data, 'pki', 'apiserver.crt'))}), key: readFileSync(${JSON.stringify(join(data, 'pki', 'apiserver.key'))}), requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 65000 }, (req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }); res.end(body);
}).listen(${barePort}, '127.0.0.1');`,
    );
    const bare = spawn(process.execPath, [bareSrc], { stdio: 'ignore' });
    await sleep(300);
    const bareRate = await load(barePort, path, ca, cert, key);
    bare.kill();

    console.log(`kauth up → /readyz, first start (new database): ${firstReady} ms`);
    console.log(`kauth up → /readyz, restart (goal ≤ 500):       ${ready} ms`);
    console.log(
      `  one more restart, by phase (ms since its process started): up command begins ${phases.commandStarted} ` +
        `(node + modules), control plane assembly begins ${phases.assemblyStarted} (PKI and kubeconfigs checked), ` +
        `listening ${phases.listening}, /readyz 200 seen by the client ${phases.ready}`,
    );
    console.log(
      `idle RSS (goal ≤ 80 MB):                      ${(idleRss / 1024).toFixed(1)} MB (after load: ${(loadedRss / 1024).toFixed(1)} MB)`,
    );
    console.log(`authenticated GET ${path}, ${CONCURRENCY} keep-alive TLS connections, ${DURATION_MS / 1000}s each:`);
    console.log(`  kauth: ${kauthRate.toFixed(0)} req/s   bare node https: ${bareRate.toFixed(0)} req/s`);
    console.log(`  ratio kauth/bare = ${(kauthRate / bareRate).toFixed(2)} (goal ≥ 0.50)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
