// bench/scale.ts — kauth at 1k, 10k (and optionally 100k) ConfigMaps of 1 KiB, one server, one run:
//  per size: create rate, server RSS (and per object above the empty server), GET p50, first page (limit=500),
//  full paged walk per item, unpaged LIST time, the worst GET latency while that LIST runs (ratio to GET p50);
//  then watchers: delivery p99 to W watchers (on a worker thread, scale-watch-clients.ts) at one create per 10 ms,
//  with the bytes delivered and the server's CPU per delivered byte, and 10 never-reading watchers during
//  a burst of creates (terminated? RSS against idle); restart-to-ready; SQLite file vs its live size after
//  deleting half and one compaction (reference: VACUUM INTO of the same data).
// Run: npx tsc -p tsconfig.json && node dist/bench/scale.js
//   SCALE_SIZES=1000,10000,100000 (default 1000,10000)  SCALE_WATCHERS=1000 (default)  SCALE_BURST=10000
//   SCALE_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the server
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parse } from 'yaml';
import Database from 'better-sqlite3';
import { SqliteStore } from '../src/storage/sqlite.js';
import { freePort, KAUTH_BIN } from '../test/e2e/harness.js';
import type { WatchClientsData } from './scale-watch-clients.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, here.includes(join('dist', 'bench')) ? '../..' : '..');
/** The bin (package.json), as users run it; SCALE_CLI=dist/src/cli/main.js measures the unbundled build. */
const CLI = process.env.SCALE_CLI ? resolve(ROOT, process.env.SCALE_CLI) : KAUTH_BIN;
const SIZES = (process.env.SCALE_SIZES ?? '1000,10000').split(',').map(Number);
const WATCHERS = Number(process.env.SCALE_WATCHERS ?? 1000);
const BURST = Number(process.env.SCALE_BURST ?? 10000);
/** Extra node flags for the server only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (not allowed in NODE_OPTIONS). */
const SERVER_NODE_ARGS = (process.env.SCALE_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const NS = 'scale';
const CM = `/api/v1/namespaces/${NS}/configmaps`;
const PAYLOAD = 'x'.repeat(1024);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Tls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}
interface Server {
  child: ChildProcess;
  port: number;
  tls: Tls;
  agent: https.Agent;
}

/**
 * One request; `discard` counts the response's bytes instead of keeping them, so that receiving a 100 MB LIST
 * never blocks this process's event loop (a Buffer.concat and toString of it would, and would then show up as
 * the server's GET latency).
 */
function request(
  s: Server,
  method: string,
  path: string,
  body?: string,
  agent = s.agent,
  discard = false,
): Promise<{ code: number; text: string }> {
  return new Promise((res, rej) => {
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (body) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    const req = https.request({ host: '127.0.0.1', port: s.port, method, path, agent, headers }, (r) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      r.on('data', (c: Buffer) => (discard ? (bytes += c.length) : chunks.push(c)));
      r.on('end', () =>
        res({ code: r.statusCode ?? 0, text: discard ? `${bytes} bytes` : Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', rej);
    req.end(body);
  });
}

async function start(dataDir: string, port?: number): Promise<Server & { readyMs: number }> {
  port ??= await freePort();
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...SERVER_NODE_ARGS,
      CLI,
      'up',
      '--data-dir',
      dataDir,
      '--secure-port',
      String(port),
      '--bind-address',
      '127.0.0.1',
    ],
    {
      stdio: 'ignore',
      env: { ...process.env, KAUTH_LOG_LEVEL: 'error' },
    },
  );
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || i > 3000) throw new Error('kauth did not start');
    try {
      const conf = parse(readFileSync(join(dataDir, 'admin.conf'), 'utf8'));
      const tls: Tls = {
        ca: readFileSync(join(dataDir, 'pki', 'ca.crt')),
        cert: Buffer.from(conf.users[0].user['client-certificate-data'], 'base64'),
        key: Buffer.from(conf.users[0].user['client-key-data'], 'base64'),
      };
      const agent = new https.Agent({ keepAlive: true, maxSockets: 64, ...tls });
      const s = { child, port, tls, agent };
      if ((await request(s, 'GET', '/readyz')).code === 200) return { ...s, readyMs: performance.now() - t0 };
      agent.destroy();
    } catch {
      /* not yet */
    }
    await sleep(10);
  }
}

/** CPU time (user + system) a process has used, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}

const configMap = (name: string): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { payload: PAYLOAD } });
const name = (i: number): string => `cm-${String(i).padStart(6, '0')}`;
const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;
const f = (n: number, d = 1): string => n.toFixed(d);

async function createRange(s: Server, from: number, to: number, concurrency = 32): Promise<number> {
  let next = from;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < to) {
        const i = next++;
        const r = await request(s, 'POST', CM, configMap(name(i)));
        if (r.code !== 201) throw new Error(`create ${i}: ${r.code} ${r.text}`);
      }
    }),
  );
  return (to - from) / ((performance.now() - t0) / 1000);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function pagedWalk(s: Server): Promise<{ items: number; ms: number }> {
  let items = 0;
  let token = '';
  const t0 = performance.now();
  for (;;) {
    const r = await request(s, 'GET', `${CM}?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
    const body = JSON.parse(r.text) as { items: unknown[]; metadata: { continue?: string } };
    items += body.items.length;
    if (!body.metadata.continue) break;
    token = body.metadata.continue;
  }
  return { items, ms: performance.now() - t0 };
}

/**
 * The server's longest event-loop block since the last scrape (prom-client's nodejs_eventloop_lag_max_seconds,
 * whose histogram resets on each scrape), in ms: the server-side view of a stall, free of this client's noise.
 */
async function eventLoopMaxMs(s: Server): Promise<number> {
  const text = (await request(s, 'GET', '/metrics')).text;
  const m = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
  return m ? Number(m[1]) * 1000 : NaN;
}

/** The unpaged LIST's time, and the worst latency of GETs sent one after another (own connection) meanwhile. */
async function listUnderLoad(
  s: Server,
  n: number,
): Promise<{ listMs: number; worstGetMs: number; gets: number; loopMaxMs: number }> {
  const other = new https.Agent({ keepAlive: true, maxSockets: 1, ...s.tls });
  await request(s, 'GET', `${CM}/${name(0)}`, undefined, other);
  await eventLoopMaxMs(s);
  let done = false;
  let worst = 0;
  let gets = 0;
  const probe = (async () => {
    while (!done) {
      const t = await timed(() => request(s, 'GET', `${CM}/${name(Math.floor(Math.random() * n))}`, undefined, other));
      worst = Math.max(worst, t);
      gets++;
    }
  })();
  const listMs = await timed(async () => {
    const r = await request(s, 'GET', CM, undefined, s.agent, true);
    if (r.code !== 200) throw new Error(`list: ${r.code}`);
  });
  done = true;
  await probe;
  other.destroy();
  return { listMs, worstGetMs: worst, gets, loopMaxMs: await eventLoopMaxMs(s) };
}

interface Watch {
  res: IncomingMessage;
  ended: boolean;
}

/** A watch whose client never reads (its response stays paused until the bench resumes it). */
function openWatch(s: Server, agent: https.Agent, rv: string): Promise<Watch> {
  return new Promise((resolveWatch, rej) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: s.port,
        path: `${CM}?watch=1&resourceVersion=${rv}`,
        agent,
        headers: { Accept: 'application/json' },
      },
      (res) => {
        const w: Watch = { res, ended: false };
        const finish = (): void => {
          w.ended = true;
        };
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
        res.pause();
        resolveWatch(w);
      },
    );
    req.on('error', rej);
    req.end();
  });
}

async function currentRv(s: Server): Promise<string> {
  return (JSON.parse((await request(s, 'GET', `${CM}?limit=1`)).text) as { metadata: { resourceVersion: string } })
    .metadata.resourceVersion;
}

const FANOUT_EVENTS = 200;

/**
 * WATCHERS watches from rv on a worker thread (scale-watch-clients.ts), then FANOUT_EVENTS creates one per 10 ms
 * from this thread; each (watcher, event) latency is its arrival there minus its send time here.
 */
async function watchFanout(
  s: Server,
  rv: string,
): Promise<{
  openMs: number;
  idleRss: number;
  peakRss: number;
  delivered: number;
  p50: number;
  p99: number;
  max: number;
  loopMaxMs: number;
  bytes: number;
  serverCpuMs: number;
}> {
  const arrivals = new SharedArrayBuffer(WATCHERS * FANOUT_EVENTS * 8);
  const received = new SharedArrayBuffer(4);
  const data: WatchClientsData = {
    port: s.port,
    path: `${CM}?watch=1&resourceVersion=${rv}`,
    tls: s.tls,
    watchers: WATCHERS,
    events: FANOUT_EVENTS,
    arrivals,
    received,
  };
  const ext = extname(fileURLToPath(import.meta.url));
  const worker = new Worker(new URL(`./scale-watch-clients${ext}`, import.meta.url), { workerData: data });
  const message = (type: string): Promise<{ ms?: number; bytes?: number }> =>
    new Promise((res, rej) => {
      const on = (m: { type: string; ms?: number; bytes?: number }): void => {
        if (m.type !== type) return;
        worker.off('message', on);
        res(m);
      };
      worker.on('message', on);
      worker.once('error', rej);
    });
  try {
    const { ms: openMs = NaN } = await message('open');
    const idleRss = rssMb(s.child.pid!);
    let peakRss = idleRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMb(s.child.pid!));
    }, 100);
    await eventLoopMaxMs(s);
    const cpuBefore = cpuMs(s.child.pid!);
    const sentAt = new Float64Array(FANOUT_EVENTS);
    for (let i = 0; i < FANOUT_EVENTS; i++) {
      sentAt[i] = performance.timeOrigin + performance.now();
      void request(s, 'POST', CM, configMap(`w-${i}`));
      await sleep(10);
    }
    const count = new Int32Array(received);
    const deadline = Date.now() + 60_000;
    while (Atomics.load(count, 0) < FANOUT_EVENTS * WATCHERS && Date.now() < deadline) await sleep(100);
    clearInterval(sampler);
    const serverCpuMs = cpuMs(s.child.pid!) - cpuBefore;
    const loopMaxMs = await eventLoopMaxMs(s);
    const at = new Float64Array(arrivals);
    const latencies: number[] = [];
    for (let w = 0; w < WATCHERS; w++)
      for (let i = 0; i < FANOUT_EVENTS; i++) {
        const t = at[w * FANOUT_EVENTS + i]!;
        if (t > 0) latencies.push(t - sentAt[i]!);
      }
    latencies.sort((a, b) => a - b);
    const q = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
    worker.postMessage({ type: 'close' });
    const { bytes = NaN } = await message('closed');
    return {
      openMs,
      idleRss,
      peakRss,
      delivered: latencies.length / (WATCHERS * FANOUT_EVENTS),
      p50: q(0.5),
      p99: q(0.99),
      max: q(1),
      loopMaxMs,
      bytes,
      serverCpuMs,
    };
  } finally {
    await worker.terminate();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kauth-bench-scale-'));
  const data = join(dir, 'data');
  let s = await start(data);
  const children: ChildProcess[] = [s.child];
  try {
    await request(
      s,
      'POST',
      '/api/v1/namespaces',
      JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }),
    );
    await sleep(500);
    const emptyRss = rssMb(s.child.pid!);
    console.log(
      `kauth scale bench — sizes ${SIZES.join(', ')}; ${WATCHERS} watchers; burst ${BURST}; empty server RSS ${f(emptyRss)} MB`,
    );
    console.log(
      'objects | create/s | RSS MB | KB/obj | GET p50 ms | page1 ms | walk µs/item | LIST ms | worst GET during LIST ms (÷p50)',
    );
    let have = 0;
    let firstPage1k = 0;
    for (const n of SIZES) {
      const rate = await createRange(s, have, n);
      have = n;
      await sleep(300);
      const rss = rssMb(s.child.pid!);
      const gets: number[] = [];
      for (let i = 0; i < 300; i++)
        gets.push(await timed(() => request(s, 'GET', `${CM}/${name(Math.floor(Math.random() * n))}`)));
      const pages: number[] = [];
      for (let i = 0; i < 5; i++) pages.push(await timed(() => request(s, 'GET', `${CM}?limit=500`)));
      const page1 = pct(pages, 0.5);
      firstPage1k ||= page1;
      const walk = await pagedWalk(s);
      if (walk.items < n) throw new Error(`walk saw ${walk.items} of ${n}`); // n and kube-root-ca.crt
      const list = await listUnderLoad(s, n);
      const p50 = pct(gets, 0.5);
      console.log(
        `${String(n).padStart(7)} | ${f(rate, 0).padStart(8)} | ${f(rss).padStart(6)} | ${f(((rss - emptyRss) * 1024) / n, 2).padStart(6)} | ` +
          `${f(p50, 2).padStart(10)} | ${f(page1, 2).padStart(8)} (×${f(page1 / firstPage1k, 2)} of first size) | ${f((walk.ms * 1000) / n).padStart(12)} | ` +
          `${f(list.listMs, 0).padStart(7)} | ${f(list.worstGetMs, 1)} (×${f(list.worstGetMs / p50, 0)}, ${list.gets} GETs; ` +
          `server event loop blocked ≤ ${f(list.loopMaxMs, 1)} ms)`,
      );
    }

    // Watch fan-out: W watchers (on a worker thread), one create every 10 ms, delivery latency per (watcher, event).
    const fanout = await watchFanout(s, await currentRv(s));
    console.log(
      `watch fan-out: ${WATCHERS} watchers (opened in ${f(fanout.openMs / 1000)} s, RSS ${f(fanout.idleRss)} MB → ` +
        `${f(fanout.peakRss)} MB), ${FANOUT_EVENTS} creates at 1 per 10 ms: delivered ${f(fanout.delivered * 100)} %, ` +
        `p50 ${f(fanout.p50)} ms, p99 ${f(fanout.p99)} ms, max ${f(fanout.max)} ms; ` +
        `server event loop blocked ≤ ${f(fanout.loopMaxMs, 1)} ms; ${mb(fanout.bytes)} MB received ` +
        `(${f(fanout.bytes / WATCHERS / FANOUT_EVENTS, 0)} B per event); server CPU ${f(fanout.serverCpuMs, 0)} ms ` +
        `(${f((fanout.serverCpuMs * 1e6) / fanout.bytes, 2)} ns per byte delivered)`,
    );
    await sleep(1000);

    // Ten watchers that never read, then a burst of creates: they must be ended while RSS stays bounded.
    const slowAgent = new https.Agent({ keepAlive: false, maxSockets: Infinity, ...s.tls });
    const rv = await currentRv(s);
    const slow = await Promise.all(Array.from({ length: 10 }, () => openWatch(s, slowAgent, rv)));
    const beforeRss = rssMb(s.child.pid!);
    let peakRss = beforeRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMb(s.child.pid!));
    }, 100);
    const burstRate = await createRange(s, 1_000_000, 1_000_000 + BURST);
    await sleep(1000);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, rssMb(s.child.pid!));
    for (const w of slow) w.res.resume(); // read now: a terminated watch ends, a live one would go on
    await sleep(3000);
    const ended = slow.filter((w) => w.ended).length;
    console.log(
      `never-reading watchers: ${ended}/10 terminated during ${BURST} creates (${f(burstRate, 0)}/s); RSS ${f(beforeRss)} → peak ${f(peakRss)} MB (+${f(peakRss - beforeRss)})`,
    );
    for (const w of slow) w.res.destroy();
    slowAgent.destroy();

    // Restart to ready at the largest size.
    s.agent.destroy();
    s.child.kill('SIGTERM');
    await new Promise((r) => s.child.once('exit', r));
    const port = s.port;
    s = await start(data, port);
    children.push(s.child);
    s.agent.destroy();
    s.child.kill('SIGTERM');
    await new Promise((r) => s.child.once('exit', r));
    // The reference: the same restart of a server holding no ConfigMaps (its PKI made on a first start).
    const emptyData = join(dir, 'empty');
    const stopServer = async (x: Server): Promise<void> => {
      x.agent.destroy();
      x.child.kill('SIGTERM');
      await new Promise((r) => x.child.once('exit', r));
    };
    const first = await start(emptyData);
    children.push(first.child);
    await stopServer(first);
    const empty = await start(emptyData);
    children.push(empty.child);
    await stopServer(empty);
    console.log(
      `restart to ready with ${have + BURST + FANOUT_EVENTS} ConfigMaps: ${f(s.readyMs, 0)} ms; ` +
        `an empty server: ${f(empty.readyMs, 0)} ms (×${f(s.readyMs / empty.readyMs, 2)}; both include node start-up)`,
    );

    // SQLite hygiene: delete half of the objects, compact once, compare the file with its live size.
    const dbPath = join(data, 'kauth.db');
    const store = SqliteStore.open(dbPath, { compactInterval: 0 });
    const listed = await store.list(`/registry/configmaps/${NS}/`);
    const beforeBytes = fileBytes(dbPath);
    // The first half by key (as a deleted namespace's objects go); scattered deletes leave half-full pages,
    // which only a full VACUUM (a pause proportional to the file) would give back.
    await Promise.all(listed.items.slice(0, listed.items.length >> 1).map((kv) => store.delete(kv.key)));
    const afterDeleteBytes = fileBytes(dbPath);
    await store.compact(await store.currentRevision());
    const compactedBytes = fileBytes(dbPath);
    await store.close();
    const copy = join(dir, 'live.db');
    const db = new Database(dbPath);
    db.exec(`VACUUM INTO '${copy}'`);
    db.close();
    const liveBytes = fileBytes(copy);
    console.log(
      `sqlite file: ${mb(beforeBytes)} MB → ${mb(afterDeleteBytes)} MB after deleting half → ${mb(compactedBytes)} MB after one compaction; ` +
        `live size (VACUUM INTO) ${mb(liveBytes)} MB: ×${f(compactedBytes / liveBytes, 2)}`,
    );
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

function fileBytes(path: string): number {
  let total = statSync(path).size;
  try {
    total += statSync(`${path}-wal`).size;
  } catch {
    /* no WAL */
  }
  return total;
}
const mb = (b: number): string => (b / 1024 / 1024).toFixed(1);

await main();
