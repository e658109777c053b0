// WithRequestDeadline's `?timeout=` (Go's time.ParseDuration, its error texts, the smaller deadline wins) and
// the timeout filter on a real HTTP server: kube's 504 Status, the handler's late writes dropped, and a response
// that had begun cut instead (kube's http.ErrAbortHandler).
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { StatusError } from '../../../src/api/errors.js';
import {
  armDeadline,
  parseGoDurationNs,
  requestDeadlineMs,
  requestTimedOut,
} from '../../../src/server/filters/request-timeout.js';
import { writeJson, writeStatusError } from '../../../src/server/respond.js';

test('time.ParseDuration: values', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['-0', 0],
    ['1s', 1e9],
    ['+5s', 5e9],
    ['-1s', -1e9],
    ['1m0s', 60e9],
    ['1.5h', 5400e9],
    ['300ms', 300e6],
    ['.5s', 0.5e9],
    ['1.s', 1e9],
    ['1h2m3s', 3723e9],
    ['10us', 10e3],
    ['10µs', 10e3],
    ['10μs', 10e3],
    ['7ns', 7],
    ['1m30.5s', 90.5e9],
  ];
  for (const [text, ns] of cases) assert.equal(parseGoDurationNs(text), ns, text);
});

test("time.ParseDuration: Go's error texts", () => {
  const cases: [string, string][] = [
    ['abc', 'time: invalid duration "abc"'],
    ['', 'time: invalid duration ""'],
    ['-', 'time: invalid duration "-"'],
    ['.s', 'time: invalid duration ".s"'],
    ['10', 'time: missing unit in duration "10"'],
    ['1h2', 'time: missing unit in duration "1h2"'],
    ['10x', 'time: unknown unit "x" in duration "10x"'],
    ['1s"', 'time: unknown unit "s\\"" in duration "1s\\""'],
    ['3é', 'time: unknown unit "\\xc3\\xa9" in duration "3\\xc3\\xa9"'],
    ['9999999999h', 'time: invalid duration "9999999999h"'],
    [' 1s', 'time: invalid duration " 1s"'],
  ];
  for (const [text, message] of cases) assert.throws(() => parseGoDurationNs(text), { message }, text);
});

test("the deadline: --request-timeout, or a shorter positive ?timeout=; a bad one is kube's 400", () => {
  const cases: [string, number][] = [
    ['', 60_000],
    ['timeout=30s', 30_000],
    ['timeout=2m', 60_000],
    ['timeout=0', 60_000],
    ['timeout=-5s', 60_000],
    ['timeout=250ms', 250],
    ['timeout=', 60_000],
    ['timeout=1s&timeout=abc', 1000],
  ];
  for (const [q, ms] of cases) assert.equal(requestDeadlineMs(new URLSearchParams(q), 60), ms, q);
  assert.throws(
    () => requestDeadlineMs(new URLSearchParams('timeout=soon'), 60),
    (e: unknown) => {
      assert.ok(e instanceof StatusError);
      assert.equal(e.code, 400);
      assert.deepEqual(e.toStatus(), {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        reason: 'BadRequest',
        code: 400,
        message: 'invalid timeout specified in the request URL - time: invalid duration "soon"',
      });
      return true;
    },
  );
});

/** A real server whose handler answers after `handlerMs`, under a deadline of `deadlineMs`. */
async function serve(deadlineMs: number, handler: (res: http.ServerResponse) => Promise<void>) {
  const events: string[] = [];
  const server = http.createServer((req, res) => {
    armDeadline(
      res,
      deadlineMs,
      (r) => writeStatusError(req, r, requestTimedOut()),
      () => events.push('timeout'),
    );
    void handler(res).then(
      () => events.push('handler done'),
      (e: Error) => events.push(`handler threw ${e.message}`),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const get = () =>
    new Promise<{ code: number; body: string } | Error>((resolve) => {
      http
        .get({ port, host: '127.0.0.1', path: '/' }, (res) => {
          let body = '';
          res.on('data', (d) => {
            body += d;
          });
          res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
          res.on('error', resolve);
        })
        .on('error', resolve);
    });
  return { events, get, close: () => new Promise((r) => server.close(r)) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("past its deadline a request gets kube's 504 Status, and the handler's late response is dropped", async () => {
  const s = await serve(50, async (res) => {
    await sleep(150);
    res.setHeader('X-Late', '1');
    res.write('late');
    writeJson({ url: '/', headers: {} } as http.IncomingMessage, res, 200, { late: true });
    res.end('more');
  });
  const r = await s.get();
  assert.ok(!(r instanceof Error));
  assert.equal(r.code, 504);
  assert.deepEqual(JSON.parse(r.body), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Timeout: request did not complete within requested timeout - context deadline exceeded',
    reason: 'Timeout',
    details: {},
    code: 504,
  });
  await sleep(200);
  assert.deepEqual(s.events, ['timeout', 'handler done']);
  await s.close();
});

test('a response that had begun is cut at the deadline; one that ended in time is left alone', async () => {
  const streaming = await serve(50, async (res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"items":[');
    await sleep(150);
    res.end(']}');
  });
  const cut = await streaming.get();
  assert.ok(cut instanceof Error, 'the client sees an interrupted response');
  await sleep(200);
  assert.deepEqual(streaming.events, ['timeout', 'handler done']);
  await streaming.close();

  const quick = await serve(100, async (res) => {
    res.end('ok');
  });
  assert.deepEqual(await quick.get(), { code: 200, body: 'ok' });
  await sleep(150);
  assert.deepEqual(quick.events, ['handler done']);
  await quick.close();
});
