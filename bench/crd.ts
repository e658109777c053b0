// bench/crd.ts — 10,000 custom resources (a CRD with a schema, defaults and printer columns) beside 10,000
// ConfigMaps of the same size, in the same run against one kauth: the latency of a full list (JSON, and the
// Table `kubectl get` asks for), and the server's RSS growth while creating and listing each set.
// Goal: custom resources within 1.5× of ConfigMaps for both.
// Run: npm run build && node dist/bench/crd.js   (BENCH_OBJECTS=… to change the count)
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientCert, kubectl, ROOT, startCluster, type Cluster } from '../test/e2e/harness.js';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 10_000);
const ROUNDS = 5;
const PAYLOAD = 'x'.repeat(64);

const cluster = await startCluster();
const cert = clientCert(cluster, 'bench-admin', ['system:masters']);
const agent = new https.Agent({
  keepAlive: true,
  maxSockets: 16,
  ca: readFileSync(cluster.caFile),
  cert: cert.cert,
  key: cert.key,
});

function call(
  c: Cluster,
  method: string,
  path: string,
  body?: unknown,
  accept = 'application/json',
): Promise<{ code: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, c.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      {
        method,
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        agent,
        headers: {
          Accept: accept,
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (d: Buffer) => {
          bytes += d.length;
        });
        res.on('end', () => resolve({ code: res.statusCode ?? 0, bytes }));
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

async function createAll(path: string, make: (i: number) => unknown): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < OBJECTS) {
      const i = next++;
      const r = await call(cluster, 'POST', path, make(i));
      if (r.code !== 201) throw new Error(`POST ${path} #${i}: ${r.code}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

async function listMs(path: string, accept?: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = process.hrtime.bigint();
    const r = await call(cluster, 'GET', path, undefined, accept);
    if (r.code !== 200) throw new Error(`GET ${path}: ${r.code}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
try {
  const pid = cluster.child.pid!;
  for (const ns of ['cms', 'crs']) kubectl(cluster, ['create', 'ns', ns]);
  const k = kubectl(cluster, ['apply', '-f', join(ROOT, 'test', 'fixtures', 'crd', 'widgets.yaml')]);
  if (k.code !== 0) throw new Error(k.err);
  kubectl(cluster, ['wait', '--for', 'condition=established', 'crd/widgets.stable.example.com', '--timeout=20s']);
  console.log(
    `${OBJECTS} ConfigMaps and ${OBJECTS} Widgets (same payload), one kauth, median of 3 rounds of ${ROUNDS} full lists each`,
  );

  // Created one set after the other (RSS growth measured around each), then listed alternately, so neither
  // set's lists run on a colder process than the other's.
  const sets = [
    {
      label: 'ConfigMaps',
      path: '/api/v1/namespaces/cms/configmaps',
      make: (i: number) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `o${i}`, annotations: { note: PAYLOAD } },
        data: { color: 'red', size: '2' },
      }),
    },
    {
      label: 'Widgets',
      path: '/apis/stable.example.com/v1/namespaces/crs/widgets',
      make: (i: number) => ({
        apiVersion: 'stable.example.com/v1',
        kind: 'Widget',
        metadata: { name: `o${i}`, annotations: { note: PAYLOAD } },
        spec: { color: 'red', size: 2 },
      }),
    },
  ];
  const results: Record<string, { json: number[]; table: number[]; rss: number }> = {};
  for (const set of sets) {
    const before = rssMiB(pid);
    await createAll(set.path, set.make);
    await listMs(set.path);
    results[set.label] = { json: [], table: [], rss: rssMiB(pid) - before };
  }
  for (let round = 0; round < 3; round++) {
    for (const set of sets) {
      results[set.label]!.json.push(await listMs(set.path));
      results[set.label]!.table.push(await listMs(set.path, TABLE));
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const cm = {
    ...results.ConfigMaps!,
    json: median(results.ConfigMaps!.json),
    table: median(results.ConfigMaps!.table),
  };
  const cr = { ...results.Widgets!, json: median(results.Widgets!.json), table: median(results.Widgets!.table) };
  const row = (name: string, a: number, b: number, unit: string): void =>
    console.log(
      `  ${name.padEnd(18)} ConfigMaps ${a.toFixed(1).padStart(8)} ${unit}   Widgets ${b.toFixed(1).padStart(8)} ${unit}   ratio ${(b / a).toFixed(2)} (goal ≤ 1.5)`,
    );
  row('list (JSON)', cm.json, cr.json, 'ms');
  row('list (Table)', cm.table, cr.table, 'ms');
  row('RSS growth', cm.rss, cr.rss, 'MiB');
} finally {
  agent.destroy();
  await cluster.stop();
  cluster.cleanup();
}
