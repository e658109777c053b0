// Request bodies: kube-apiserver reads at most 3 MiB (MaxRequestBodyBytes) and answers more with 413
// `Request entity too large: limit is 3145728`. A client that sends more in one write must read that
// answer, not EPIPE: the server drains the rest of the body (within a budget) before it answers, where it
// used to answer at once and close the connection under the writer. This file is about the bytes on the
// wire; the stored-object limit (1.5 MiB) is checked in the REST layer.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startLiveApi, whileProbing, type LiveApi } from './live-api.js';

/**
 * The client runs in another process, as kubectl and the acceptance checks do: there the server's close
 * races the client's writes for real. It posts `times` bodies of `bytes` bytes, each in one write on a fresh
 * connection, and prints what came back (the response body, or the client-side error).
 */
const CLIENT = `
const https = require('node:https');
const [port, path, bytes, times, chunked] = process.argv.slice(1).map((a, i) => (i === 1 ? a : Number(a)));
const head = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"x":"';
const payload = head + 'a'.repeat(bytes - head.length - 3) + '"}}';
const one = () => new Promise((resolve) => {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (!chunked) headers['Content-Length'] = payload.length;
  const req = https.request({ method: 'POST', host: '127.0.0.1', port, path, headers, rejectUnauthorized: false, agent: false }, (res) => {
    let text = '';
    res.on('data', (d) => { text += d; });
    res.on('end', () => resolve(text));
  });
  req.on('error', (e) => resolve('client error: ' + e.code));
  req.end(payload);
});
(async () => { const out = []; for (let i = 0; i < times; i++) out.push(await one()); console.log(JSON.stringify(out)); })();
`;

function postFromAnotherProcess(
  port: number,
  path: string,
  bytes: number,
  times: number,
  chunked = false,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', CLIENT, String(port), path, String(bytes), String(times), chunked ? '1' : '0'],
      { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout) as string[]);
      },
    );
  });
}

const LIMIT = 3 * 1024 * 1024;
const CM = '/api/v1/namespaces/demo/configmaps';
const TOO_LARGE = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: `Request entity too large: limit is ${LIMIT}`,
  reason: 'RequestEntityTooLarge',
  code: 413,
};

/** A ConfigMap body of exactly `bytes` bytes. */
function body(bytes: number): string {
  const head = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"x":"';
  const tail = '"}}';
  return head + 'a'.repeat(bytes - head.length - tail.length) + tail;
}

describe('request body limit (3 MiB)', () => {
  let live: LiveApi;
  before(async () => {
    live = await startLiveApi();
  });
  after(async () => live.close());

  const MiB = 1024 * 1024;
  const table: { name: string; bytes: number; times: number; chunked?: boolean }[] = [
    { name: '4 MiB in one write, with Content-Length', bytes: 4 * MiB, times: 20 },
    { name: '16 MiB in one write, with Content-Length', bytes: 16 * MiB, times: 10 },
    { name: '4 MiB chunked (no Content-Length)', bytes: 4 * MiB, times: 5, chunked: true },
    { name: 'one byte over the limit', bytes: LIMIT + 1, times: 3 },
  ];
  for (const c of table) {
    it(`${c.name}: the 413 Status every time (${c.times}×)`, async () => {
      const answers = await postFromAnotherProcess(live.port, CM, c.bytes, c.times, c.chunked);
      answers.forEach((a, i) => assert.equal(a.trim(), JSON.stringify(TOO_LARGE), `attempt ${i}: ${a.slice(0, 200)}`));
    });
  }

  it('a body of exactly 3 MiB is read and decoded (dryRun: too large to store)', async () => {
    const r = await live.request({ method: 'POST', path: `${CM}?dryRun=All`, body: body(LIMIT) });
    assert.equal(r.code, 201, r.text.slice(0, 300));
  });

  it('/readyz keeps answering while 16 MiB bodies are drained', async () => {
    const payload = body(16 * MiB);
    const { result, slowestReadyzMs } = await whileProbing(live, () =>
      Promise.all([1, 2, 3].map(() => live.request({ method: 'POST', path: CM, body: payload }))),
    );
    for (const r of result) assert.deepEqual(r.json, TOO_LARGE);
    // A bound for a loaded 2-core CI machine; before the drain budget a 16 MiB body held the connection open.
    assert.ok(slowestReadyzMs < 3000, `readyz took ${slowestReadyzMs} ms`);
  });
});

describe('readBody drain budget', () => {
  // A plain HTTP server around readBody with a small budget: 1 KiB limit, 4 KiB or 300 ms of draining.
  const budget = { bytes: 4096, ms: 300 };
  async function serve(): Promise<{ port: number; close: () => Promise<void> }> {
    const http = await import('node:http');
    const { readBody } = await import('../../../src/server/request-body.js');
    const { writeError, writeJson } = await import('../../../src/server/respond.js');
    const server = http.createServer((req, res) => {
      readBody(req, res, 1024, budget).then(
        (b) => writeJson(req, res, 200, { bytes: b.length }),
        (e) => writeError(req, res, e),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as import('node:net').AddressInfo).port;
    return {
      port,
      close: () =>
        new Promise((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    };
  }
  /** Sends the head and `sent` bytes of a body declared `declared` long, then waits; returns what came back and when. */
  async function partial(
    port: number,
    declared: number,
    sent: number,
  ): Promise<{ text: string; ms: number; closed: boolean }> {
    const net = await import('node:net');
    return new Promise((resolve) => {
      const start = performance.now();
      const sock = net.connect(port, '127.0.0.1');
      let text = '';
      sock.on('data', (d) => {
        text += d;
        // A whole JSON answer: give the server a moment to close (or not), then report.
        if (text.includes('\r\n\r\n') && text.endsWith('\n'))
          setTimeout(() => {
            resolve({ text, ms: performance.now() - start, closed: sock.destroyed || sock.readableEnded });
            sock.destroy();
          }, 100);
      });
      sock.on('error', () => undefined);
      sock.on('close', () => resolve({ text, ms: performance.now() - start, closed: true }));
      sock.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${declared}\r\n\r\n${'a'.repeat(sent)}`);
      setTimeout(() => {
        resolve({ text, ms: performance.now() - start, closed: false });
        sock.destroy();
      }, 3000);
    });
  }

  it('within the limit: the body; past it, drained: 413 on a connection kept open', async () => {
    const s = await serve();
    try {
      let r = await partial(s.port, 1024, 1024);
      assert.match(r.text, /^HTTP\/1.1 200 .*"bytes":1024/s);
      r = await partial(s.port, 2048, 2048);
      assert.match(r.text, /^HTTP\/1.1 413 .*Request entity too large: limit is 1024/s);
      assert.equal(r.closed, false);
    } finally {
      await s.close();
    }
  });

  it('a body that stops arriving: 413 once the drain time is spent, then the connection closes', async () => {
    const s = await serve();
    try {
      const r = await partial(s.port, 2048, 1500);
      assert.match(r.text, /^HTTP\/1.1 413 .*Connection: close/s);
      assert.ok(r.closed && r.ms >= budget.ms && r.ms < 2000, `closed ${r.closed} after ${r.ms} ms`);
    } finally {
      await s.close();
    }
  });

  it('a declared length past limit and drain budget: 413 at once, then the connection closes', async () => {
    const s = await serve();
    try {
      const r = await partial(s.port, 1024 + budget.bytes + 1, 10);
      assert.match(r.text, /^HTTP\/1.1 413 /);
      assert.ok(r.closed && r.ms < budget.ms, `closed ${r.closed} after ${r.ms} ms`);
    } finally {
      await s.close();
    }
  });
});
