// bench/scale-watch-clients.ts — the watchers of bench/scale.ts, on a worker thread of their own, so that
// receiving W streams never delays the main thread's creates (whose send times are the latency's start).
// Each watcher records, per event `w-<i>`, the absolute time its line arrived (performance.timeOrigin +
// now, comparable across threads) in a SharedArrayBuffer the main thread reads. Lines are found with
// Buffer.indexOf on the raw bytes: no UTF-8 decoding, no regex, no string per event.
import https from 'node:https';
import { parentPort, workerData } from 'node:worker_threads';

export interface WatchClientsData {
  port: number;
  path: string;
  tls: { ca: Buffer; cert: Buffer; key: Buffer };
  watchers: number;
  events: number;
  /** Float64Array(watchers × events): arrival time of event i at watcher w, 0 until it arrives. */
  arrivals: SharedArrayBuffer;
  /** Int32Array(1): events received in all. */
  received: SharedArrayBuffer;
}

const NEWLINE = 10;
const MARK = Buffer.from('"name":"w-');

async function main(data: WatchClientsData): Promise<void> {
  const arrivals = new Float64Array(data.arrivals);
  const received = new Int32Array(data.received);
  const agent = new https.Agent({ keepAlive: true, maxSockets: Infinity, ...data.tls });
  const responses: import('node:http').IncomingMessage[] = [];
  let bytes = 0;
  const open = (w: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = https.request(
        { host: '127.0.0.1', port: data.port, path: data.path, agent, headers: { Accept: 'application/json' } },
        (res) => {
          if (res.statusCode !== 200) return reject(new Error(`watch: ${res.statusCode}`));
          let carry: Buffer | undefined;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
            const now = performance.timeOrigin + performance.now();
            let pos = 0;
            for (let nl = buf.indexOf(NEWLINE, pos); nl >= 0; nl = buf.indexOf(NEWLINE, pos)) {
              const m = buf.indexOf(MARK, pos);
              if (m >= 0 && m < nl) {
                let i = 0;
                for (let j = m + MARK.length; buf[j]! >= 48 && buf[j]! <= 57; j++) i = i * 10 + buf[j]! - 48;
                if (i < data.events) {
                  arrivals[w * data.events + i] = now;
                  Atomics.add(received, 0, 1);
                }
              }
              pos = nl + 1;
            }
            carry = pos < buf.length ? buf.subarray(pos) : undefined;
          });
          responses.push(res);
          resolve();
        },
      );
      req.on('error', reject);
      req.end();
    });
  const t0 = performance.now();
  for (let w = 0; w < data.watchers; w += 100)
    await Promise.all(Array.from({ length: Math.min(100, data.watchers - w) }, (_, k) => open(w + k)));
  parentPort!.postMessage({ type: 'open', ms: performance.now() - t0 });
  parentPort!.on('message', (msg: { type: string }) => {
    if (msg.type !== 'close') return;
    for (const r of responses) r.destroy();
    agent.destroy();
    parentPort!.postMessage({ type: 'closed', bytes });
  });
}

if (parentPort && workerData) await main(workerData as WatchClientsData);
