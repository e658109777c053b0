// bench/gateway.ts — the gateway's own overhead. One kauth cluster; in the same run, GET req/s over keep-alive TLS
//   direct        — straight to the cluster (admin certificate);
//   bare proxy    — a bare Node HTTPS reverse proxy (no authentication, no impersonation) to the same cluster;
//   kauth gateway — authenticating by client certificate and impersonating the caller.
// The goal is gateway ÷ bare proxy ≥ 0.8 (both pay a second TLS leg; on 2 cores client, proxy and cluster share
// the CPUs). Then the gateway's RSS with 1,000 watches open through it (goal ≤ 150 MB).
// Run: npm run build && node dist/bench/gateway.js
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { clientCert, freePort, kubeconfigFor, kubectl, ROOT, sleep, startCluster } from '../test/e2e/harness.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const DURATION_MS = Number(process.env.BENCH_MS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = 16;
const WATCHES = Number(process.env.BENCH_WATCHES ?? 1000);
const PATH = '/api/v1/namespaces/default/configmaps';

const GATEWAY_RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: kauth-gateway}
rules:
- {apiGroups: [""], resources: [users, groups, serviceaccounts], verbs: [impersonate]}
- {apiGroups: [authentication.k8s.io], resources: ["*"], verbs: [impersonate]}
- {apiGroups: [authentication.k8s.io], resources: [tokenreviews], verbs: [create]}
- {apiGroups: [authorization.k8s.io], resources: [subjectaccessreviews], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: kauth-gateway}
subjects: [{kind: User, name: kauth-gateway, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kauth-gateway}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: devs-view}
subjects: [{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
`;

/** The reference: a reverse proxy with nothing but a keep-alive agent and pipes (run as its own process). */
const BARE_PROXY = `
import https from 'node:https';
import { readFileSync } from 'node:fs';
const [port, upstreamPort, cert, key, clientCert, clientKey, ca, impersonate] = process.argv.slice(2);
// With "impersonate": the same fixed Impersonate-* headers the gateway sends for alice, so the cluster does the
// same impersonation checks and only the gateway's own work differs.
const fixed = impersonate ? { 'impersonate-user': 'alice', 'impersonate-group': 'devs',
  'impersonate-extra-authentication.kauth.io%2Foriginal-user': 'alice' } : {};
const agent = new https.Agent({ keepAlive: true, ca: readFileSync(ca), cert: readFileSync(clientCert), key: readFileSync(clientKey) });
https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
  const up = https.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: { ...req.headers, host: '127.0.0.1', ...fixed }, agent },
    (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
  up.on('error', () => { res.writeHead(502); res.end(); });
  req.pipe(up);
}).listen(Number(port), '127.0.0.1');
`;

function get(agent: https.Agent, port: number, path: string): Promise<number> {
  return new Promise((res, rej) => {
    const req = https.request(
      { host: '127.0.0.1', port, path, agent, headers: { Accept: 'application/json' } },
      (r) => {
        r.resume();
        r.on('end', () => res(r.statusCode ?? 0));
      },
    );
    req.on('error', rej);
    req.end();
  });
}

async function load(port: number, path: string, tls: { ca: Buffer; cert: Buffer; key: Buffer }): Promise<number> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ...tls, servername: '' });
  for (let i = 0; i < 100; i++) await get(agent, port, path);
  let done = 0;
  let bad = 0;
  const end = Date.now() + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        if ((await get(agent, port, path)) === 200) done++;
        else bad++;
      }
    }),
  );
  agent.destroy();
  if (bad) console.log(`  (${bad} non-200 answers)`);
  return done / (DURATION_MS / 1000);
}

async function waitListening(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error('a bench process exited');
    const ok = await new Promise<boolean>((r) => {
      const req = https.request({ host: '127.0.0.1', port, path: '/healthz', rejectUnauthorized: false }, (res) => {
        res.resume();
        r(true);
      });
      req.on('error', () => r(false));
      req.end();
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on ${port}`);
}

function rssMb(pid: number): number {
  const line =
    readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:')) ?? '';
  return Number(line.replace(/[^0-9]/g, '')) / 1024;
}

/** Opens WATCHES watches through `port` in batches (a burst of 1,000 SYNs overflows a listen backlog), then reads
 * the RSS of `pid`; closes them again. */
async function openWatches(port: number, path: string, tls: { ca: Buffer; cert: Buffer; key: Buffer }, pid: number) {
  const idle = rssMb(pid);
  const agent = new https.Agent({ keepAlive: true, maxSockets: WATCHES + 10, ...tls });
  const reqs: ClientRequest[] = [];
  let open = 0;
  const failures = new Map<string, number>();
  const fail = (why: string) => failures.set(why, (failures.get(why) ?? 0) + 1);
  for (let batch = 0; batch < WATCHES; batch += 100) {
    await Promise.all(
      Array.from(
        { length: Math.min(100, WATCHES - batch) },
        () =>
          new Promise<void>((resolve) => {
            const req = https.request({ host: '127.0.0.1', port, path, agent }, (res) => {
              if (res.statusCode === 200) open++;
              else fail(String(res.statusCode));
              res.on('data', () => undefined);
              resolve();
            });
            req.on('error', (e) => {
              fail(e.message);
              resolve();
            });
            req.end();
            reqs.push(req);
          }),
      ),
    );
  }
  await sleep(2000);
  const rss = rssMb(pid);
  for (const r of reqs) r.destroy();
  agent.destroy();
  await sleep(500);
  return { idle, rss, open, failed: failures.size ? JSON.stringify([...failures]) : '' };
}

const cluster = await startCluster();
const children: ChildProcess[] = [];
try {
  const k = kubectl(cluster, ['apply', '-f', '-'], { input: GATEWAY_RBAC });
  if (k.code !== 0) throw new Error(k.err);
  const admin = clientCert(cluster, 'kubernetes-admin', ['system:masters']);
  const alice = clientCert(cluster, 'alice', ['devs']);
  const ca = readFileSync(cluster.caFile);

  // The gateway (users' CA = the cluster CA here, for brevity) and the bare proxy both serve with the
  // apiserver's pair, so one CA verifies all three; the bare proxy calls the cluster as the admin.
  const gwPort = await freePort();
  const config = join(cluster.dir, 'gateway.yaml');
  writeFileSync(
    config,
    `apiVersion: gateway.kauth.dev/v1alpha1
kind: GatewayConfiguration
listen: 127.0.0.1:${gwPort}
tls: {certFile: ${join(cluster.dataDir, 'pki', 'apiserver.crt')}, keyFile: ${join(cluster.dataDir, 'pki', 'apiserver.key')}}
authentication: {clientCAFile: ${cluster.caFile}}
clusters: [{name: c, kubeconfig: ${kubeconfigFor(cluster, 'kauth-gateway')}}]
`,
  );
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  if (process.env.BENCH_GW_NODE_FLAGS) profile.push(...process.env.BENCH_GW_NODE_FLAGS.split(' '));
  const gw = spawn(
    process.execPath,
    [...profile, CLI, 'gateway', '--config', config, '--data-dir', join(cluster.dir, 'gw')],
    { stdio: 'ignore', env: { ...process.env, KAUTH_LOG_LEVEL: 'warn' } },
  );
  children.push(gw);
  const bareFile = join(cluster.dir, 'bare-proxy.mjs');
  writeFileSync(bareFile, BARE_PROXY);
  const barePort = await freePort();
  const bare = spawn(
    process.execPath,
    [
      bareFile,
      String(barePort),
      String(cluster.port),
      join(cluster.dataDir, 'pki', 'apiserver.crt'),
      join(cluster.dataDir, 'pki', 'apiserver.key'),
      admin.certFile,
      admin.keyFile,
      cluster.caFile,
    ],
    { stdio: 'ignore' },
  );
  children.push(bare);
  const bareImpPort = await freePort();
  const bareImp = spawn(
    process.execPath,
    [
      bareFile,
      String(bareImpPort),
      String(cluster.port),
      join(cluster.dataDir, 'pki', 'apiserver.crt'),
      join(cluster.dataDir, 'pki', 'apiserver.key'),
      admin.certFile,
      admin.keyFile,
      cluster.caFile,
      'impersonate',
    ],
    { stdio: 'ignore' },
  );
  children.push(bareImp);
  await Promise.all([waitListening(gwPort, gw), waitListening(barePort, bare), waitListening(bareImpPort, bareImp)]);

  // Interleaved rounds, medians: on a shared 2-core machine one long run per target measures the neighbours'
  // load as much as the target; rotating through the targets several times gives each the same conditions.
  const targets = [
    { name: 'direct to the cluster', port: cluster.port, path: PATH, tls: { ca, cert: admin.cert, key: admin.key } },
    { name: 'bare Node reverse proxy', port: barePort, path: PATH, tls: { ca, cert: admin.cert, key: admin.key } },
    {
      name: 'bare proxy + Impersonate-*',
      port: bareImpPort,
      path: PATH,
      tls: { ca, cert: admin.cert, key: admin.key },
    },
    { name: 'kauth gateway', port: gwPort, path: `/clusters/c${PATH}`, tls: { ca, cert: alice.cert, key: alice.key } },
  ];
  console.log(
    `GET ${PATH}, ${CONCURRENCY} keep-alive connections, ${ROUNDS} interleaved rounds of ${DURATION_MS / 1000} s each`,
  );
  const rates = targets.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < targets.length; i++) {
      const t = targets[(i + round) % targets.length]!;
      rates[(i + round) % targets.length]!.push(await load(t.port, t.path, t.tls));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const [direct, viaBare, viaBareImp, viaGw] = rates.map(median) as [number, number, number, number];
  targets.forEach((t, i) =>
    console.log(
      `  ${t.name.padEnd(28)} ${median(rates[i]!).toFixed(0).padStart(6)} req/s  ` +
        `(rounds: ${rates[i]!.map((r) => r.toFixed(0)).join(', ')})`,
    ),
  );
  console.log(`  gateway ÷ bare proxy            ${(viaGw / viaBare).toFixed(2)}   (goal ≥ 0.8)`);
  console.log(
    `  gateway ÷ bare + Impersonate-*  ${(viaGw / viaBareImp).toFixed(2)}   (the gateway's own work; the rest is the cluster's impersonation checks)`,
  );
  console.log(`  gateway ÷ direct                ${(viaGw / direct).toFixed(2)}`);

  // Memory with many watches open: the gateway, and the bare proxy as the reference (same watches, same run).
  const gwWatches = await openWatches(
    gwPort,
    `/clusters/c${PATH}?watch=1`,
    { ca, cert: alice.cert, key: alice.key },
    gw.pid!,
  );
  console.log(
    `gateway RSS: idle ${gwWatches.idle.toFixed(0)} MB, with ${gwWatches.open}/${WATCHES} watches ${gwWatches.rss.toFixed(0)} MB` +
      ` (goal ≤ 150 MB)${gwWatches.failed ? `; not opened: ${gwWatches.failed}` : ''}`,
  );
  const bareWatches = await openWatches(
    barePort,
    `${PATH}?watch=1`,
    { ca, cert: admin.cert, key: admin.key },
    bare.pid!,
  );
  console.log(
    `bare proxy RSS: idle ${bareWatches.idle.toFixed(0)} MB, with ${bareWatches.open}/${WATCHES} watches ${bareWatches.rss.toFixed(0)} MB`,
  );
} finally {
  children[0]?.kill('SIGTERM');
  await sleep(500);
  for (const c of children) c.kill('SIGKILL');
  await cluster.stop();
  cluster.cleanup();
}
