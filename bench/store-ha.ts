// bench/store-ha.ts — storage throughput through the API, each against a reference measured in the same run:
//  (a) ConfigMap creates/s, 32 concurrent clients over keep-alive mTLS, kauth on SQLite (group commit) ÷ a bare
//      Node HTTPS server (mTLS) that appends each body to a file and fsyncs once per request;
//  (b) the same creates/s with kauth on etcd ÷ raw puts/s (etcdctl put's RPC, 32 in flight) to that etcd;
//  (c) authenticated GET/s, 32 clients, on 1 replica ÷ spread over 3 replicas of one etcd.
// Run: npm run build && node dist/bench/store-ha.js   (BENCH_MS per measurement, default 4000)
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  cpSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Etcd3 } from 'etcd3';
import { parse } from 'yaml';
import { SqliteStore } from '../src/storage/sqlite.js';
import { startEtcd } from '../test/support/etcd.js';
import { freePort } from '../test/e2e/harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, here.includes(join('dist', 'bench')) ? '../..' : '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const DURATION_MS = Number(process.env.BENCH_MS ?? 4000);
const CLIENTS = 32;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Tls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}
interface Target {
  port: number;
  tls: Tls;
}

function call(agent: https.Agent, port: number, method: string, path: string, body?: string): Promise<number> {
  return new Promise((res, rej) => {
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (body) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    const req = https.request({ host: '127.0.0.1', port, method, path, agent, headers }, (r) => {
      r.resume();
      r.on('end', () => res(r.statusCode ?? 0));
    });
    req.on('error', rej);
    req.end(body);
  });
}

/** Requests/s answered with `want` by CLIENTS concurrent loops over keep-alive mTLS, spread over targets. */
async function load(
  targets: Target[],
  want: number,
  request: (i: number) => { method: string; path: string; body?: string },
): Promise<number> {
  const agents = targets.map((t) => new https.Agent({ keepAlive: true, maxSockets: CLIENTS, ...t.tls }));
  let seq = 0;
  const one = async (c: number): Promise<number> => {
    const i = seq++;
    const { method, path, body } = request(i);
    const t = (c + i) % targets.length;
    return call(agents[t]!, targets[t]!.port, method, path, body);
  };
  for (let i = 0; i < 100; i++) await one(i); // connections and caches
  let ok = 0;
  let bad = 0;
  const start = performance.now();
  const end = Date.now() + DURATION_MS;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      while (Date.now() < end) {
        if ((await one(c)) === want) ok++;
        else bad++;
      }
    }),
  );
  const rate = (ok * 1000) / (performance.now() - start);
  for (const a of agents) a.destroy();
  if (bad) console.log(`  (${bad} answers other than ${want})`);
  return rate;
}

const configMap = (name: string): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: 'x'.repeat(200) } });
let run = 0;
const creates = (targets: Target[]): Promise<number> => {
  const round = ++run;
  return load(targets, 201, (i) => ({
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps',
    body: configMap(`b${round}-${i}`),
  }));
};

interface Kauth {
  dir: string;
  target: Target;
  child: ChildProcess;
  stop(): void;
}

async function startKauth(args: string[], fromPki?: string): Promise<Kauth> {
  const dir = mkdtempSync(join(tmpdir(), 'kauth-bench-ha-'));
  const data = join(dir, 'data');
  if (fromPki) {
    mkdirSync(data, { recursive: true });
    cpSync(join(fromPki, 'pki'), join(data, 'pki'), { recursive: true });
    for (const f of readdirSync(fromPki)) if (f.endsWith('.conf')) cpSync(join(fromPki, f), join(data, f));
  }
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'up', '--data-dir', data, '--secure-port', String(port), ...args], {
    stdio: 'ignore',
    env: { ...process.env, KAUTH_LOG_LEVEL: 'error' },
  });
  const adminConf = join(data, 'admin.conf');
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || i > 600) throw new Error('kauth did not start');
    try {
      const conf = parse(readFileSync(adminConf, 'utf8'));
      const tls: Tls = {
        ca: readFileSync(join(data, 'pki', 'ca.crt')),
        cert: Buffer.from(conf.users[0].user['client-certificate-data'], 'base64'),
        key: Buffer.from(conf.users[0].user['client-key-data'], 'base64'),
      };
      const agent = new https.Agent({ ...tls });
      const code = await call(agent, port, 'GET', '/readyz');
      agent.destroy();
      if (code === 200) {
        const stop = (): void => {
          child.kill('SIGKILL');
          rmSync(dir, { recursive: true, force: true });
        };
        return { dir: data, target: { port, tls }, child, stop };
      }
    } catch {
      /* not yet */
    }
    await sleep(50);
  }
}

/** The naive reference: mTLS HTTPS, each request's body appended to a file and fsynced before 201. */
async function startBareServer(tls: Tls, port: number): Promise<{ close(): void; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kauth-bench-bare-'));
  const fd = openSync(join(dir, 'log'), 'a');
  const server = https.createServer({ ...tls, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      writeSync(fd, body);
      fsyncSync(fd);
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    dir,
    close: () => {
      server.close();
      closeSync(fd);
    },
  };
}

/** The bare server runs in its own process, as kauth does, so neither shares the client's event loop. */
async function startBareProcess(tls: Tls, pkiDir: string): Promise<{ port: number; stop(): void }> {
  const port = await freePort();
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--bare-server', String(port), pkiDir], {
    stdio: 'ignore',
  });
  const agent = new https.Agent({ ...tls });
  for (;;) {
    try {
      await call(agent, port, 'POST', '/', '{}');
      break;
    } catch {
      await sleep(50);
    }
  }
  agent.destroy();
  return { port, stop: () => child.kill('SIGTERM') };
}

async function rawPuts(endpoints: string[]): Promise<number> {
  const client = new Etcd3({ hosts: endpoints });
  const value = configMap('raw');
  let ok = 0;
  let seq = 0;
  for (let i = 0; i < 100; i++) await client.put(`/bench-raw/warm-${i}`).value(value);
  const start = performance.now();
  const end = Date.now() + DURATION_MS;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < end) {
        await client.put(`/bench-raw/k${seq++}`).value(value);
        ok++;
      }
    }),
  );
  const rate = (ok * 1000) / (performance.now() - start);
  client.close();
  return rate;
}

/** Group commit inside the store: 32 concurrent writers vs one writer at a time (one fsync per write). */
async function storeLevelGroupCommit(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kauth-bench-group-'));
  const store = SqliteStore.open(join(dir, 'state.db'), { compactInterval: 0 });
  try {
    const value = configMap('x');
    const rate = async (writers: number, tag: string): Promise<number> => {
      let n = 0;
      const start = performance.now();
      const end = Date.now() + DURATION_MS / 2;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; Date.now() < end; i++, n++)
            await store.create(`/registry/configmaps/${tag}/w${w}-${i}`, value);
        }),
      );
      return (n * 1000) / (performance.now() - start);
    };
    const alone = await rate(1, 'alone');
    const grouped = await rate(CLIENTS, 'grouped');
    console.log(
      `    store level: ${CLIENTS} concurrent writers ${grouped.toFixed(0)} creates/s vs one at a time ${alone.toFixed(0)} (one fsync each) → ${(grouped / alone).toFixed(1)}×`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const etcd = await startEtcd(1);
  const cleanups: Array<() => void> = [() => void etcd.stop()];
  try {
    // (a) SQLite group commit vs a server that fsyncs once per request.
    const sqlite = await startKauth([]);
    cleanups.push(sqlite.stop);
    const bare = await startBareProcess(sqlite.target.tls, sqlite.dir);
    cleanups.push(bare.stop);
    const bareTarget: Target = { port: bare.port, tls: sqlite.target.tls };
    const a: Array<[number, number]> = [];
    for (let round = 0; round < 2; round++)
      a.push([
        await creates([sqlite.target]),
        await load([bareTarget], 201, () => ({ method: 'POST', path: '/', body: configMap('bare') })),
      ]);
    const [aKauth, aBare] = a.reduce(([x, y], [p, q]) => [x + p / a.length, y + q / a.length], [0, 0]);
    console.log(
      `(a) creates/s, ${CLIENTS} clients, keep-alive mTLS: kauth on SQLite ${aKauth.toFixed(0)}, bare HTTPS + fsync per request ${aBare.toFixed(0)} → ${(aKauth / aBare).toFixed(2)}× (goal ≥ 2)`,
    );
    sqlite.stop();
    bare.stop();
    // The ceiling: the same API path with no disk at all.
    const memory = await startKauth(['--storage-backend', 'memory']);
    cleanups.push(memory.stop);
    const aMemory = await creates([memory.target]);
    console.log(
      `    kauth on the memory store (no fsync at all) ${aMemory.toFixed(0)}: SQLite reaches ${((100 * aKauth) / aMemory).toFixed(0)}% of it`,
    );
    memory.stop();
    await storeLevelGroupCommit();

    // (b) kauth on etcd vs raw puts to the same etcd.
    const endpoints = etcd.endpoints.join(',');
    const first = await startKauth(['--etcd-servers', endpoints]);
    cleanups.push(first.stop);
    const bEtcd = await creates([first.target]);
    const bRaw = await rawPuts(etcd.endpoints);
    console.log(
      `(b) creates/s: kauth on etcd ${bEtcd.toFixed(0)}, raw etcd puts (etcdctl put's RPC, ${CLIENTS} in flight) ${bRaw.toFixed(0)} → ${(bEtcd / bRaw).toFixed(2)}×`,
    );

    // (c) reads: one replica vs three on the same etcd, clients spread round-robin.
    await call(
      new https.Agent({ ...first.target.tls }),
      first.target.port,
      'POST',
      '/api/v1/namespaces/default/configmaps',
      configMap('read-me'),
    );
    const others = await Promise.all([
      startKauth(['--etcd-servers', endpoints], first.dir),
      startKauth(['--etcd-servers', endpoints], first.dir),
    ]);
    for (const o of others) cleanups.push(o.stop);
    const get = (): { method: string; path: string } => ({
      method: 'GET',
      path: '/api/v1/namespaces/default/configmaps/read-me',
    });
    const one = await load([first.target], 200, get);
    const three = await load([first.target, ...others.map((o) => o.target)], 200, get);
    console.log(
      `(c) GET/s, ${CLIENTS} clients: 1 replica ${one.toFixed(0)}, 3 replicas ${three.toFixed(0)} → ${(three / one).toFixed(2)}×`,
    );
    console.log(
      '    On 2 cores the client, etcd and the replicas share the same CPUs: 3 replicas add processes competing for',
    );
    console.log(
      '    them, so the ratio shows the overhead of more processes, not scaling. With a core (or machine) per replica',
    );
    console.log('    reads scale close to linearly: a GET is served by one replica from one linearizable etcd read.');
  } finally {
    for (const c of cleanups.reverse()) c();
    await etcd.stop();
  }
}

if (process.argv[2] === '--bare-server') {
  const pki = join(process.argv[4]!, 'pki');
  const tls: Tls = {
    ca: readFileSync(join(pki, 'ca.crt')),
    cert: readFileSync(join(pki, 'apiserver.crt')),
    key: readFileSync(join(pki, 'apiserver.key')),
  };
  const server = await startBareServer(tls, Number(process.argv[3]));
  process.on('SIGTERM', () => {
    server.close();
    rmSync(server.dir, { recursive: true, force: true });
    process.exit(0);
  });
} else {
  await main();
}
