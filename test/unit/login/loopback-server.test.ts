import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { describe, it } from 'node:test';
import { parseListenAddress, startLoopbackListener } from '../../../src/login/loopback-server.js';

function get(url: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('parseListenAddress', () => {
  const good: [string, { host: string; port: number }][] = [
    ['127.0.0.1:8000', { host: '127.0.0.1', port: 8000 }],
    ['[::1]:18000', { host: '::1', port: 18000 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
  ];
  for (const [input, want] of good) it(input, () => assert.deepEqual(parseListenAddress(input), want));
  for (const bad of ['8000', ':8000', '127.0.0.1:', '127.0.0.1:http', '127.0.0.1:70000', '127.0.0.1:-1']) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseListenAddress(bad), /--listen-address/));
  }
});

describe('the loopback callback listener', () => {
  it('answers 404 elsewhere, 400 to another state (and keeps waiting), and takes the right one', async () => {
    const l = await startLoopbackListener({
      listenAddresses: ['127.0.0.1:0'],
      redirectUrlHostname: '127.0.0.1',
      expectedState: 'S1',
      timeoutMs: 10_000,
    });
    assert.match(l.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const base = l.redirectUri;
    assert.equal((await get(base.replace('/callback', '/'))).status, 404);
    assert.equal((await get(`${base}?code=c&state=S1`, 'POST')).status, 404);
    assert.equal((await get(`${base}/x?code=c&state=S1`)).status, 404);
    const wrong = await get(`${base}?code=attacker&state=S2`);
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /state parameter does not match/);
    assert.equal((await get(`${base}?code=c`)).status, 400, 'no state at all');
    const pending = get(`${base}?code=good&state=S1&iss=https%3A%2F%2Fidp`);
    const cb = await l.callback;
    assert.equal(cb.url.searchParams.get('code'), 'good');
    assert.equal(`${cb.url.origin}${cb.url.pathname}`, base, 'the origin is the redirect URI, not the Host header');
    cb.finish(true);
    const page = await pending;
    assert.equal(page.status, 200);
    assert.match(page.body, /logged in/);
    await assert.rejects(get(`${base}?code=c&state=S1`), 'the listener is closed after the login');
  });

  it('a path-absolute URL in the request cannot move the callback to another host', async () => {
    const l = await startLoopbackListener({
      listenAddresses: ['127.0.0.1:0'],
      redirectUrlHostname: '127.0.0.1',
      expectedState: 'S',
      timeoutMs: 10_000,
    });
    const { port } = new URL(l.redirectUri);
    const status = await new Promise<string>((resolve, reject) => {
      const s = net.connect(Number(port), '127.0.0.1', () =>
        s.write('GET //evil.example/callback?state=S HTTP/1.1\r\nHost: x\r\n\r\n'),
      );
      s.on('data', (d) => {
        resolve(d.toString().split('\r\n')[0]!);
        s.destroy();
      });
      s.on('error', reject);
    });
    assert.match(status, / 404 /);
    l.close();
    await assert.rejects(l.callback, /cancelled/);
  });

  it('tries the listen addresses in order', async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const busyPort = (busy.address() as net.AddressInfo).port;
    try {
      const l = await startLoopbackListener({
        listenAddresses: [`127.0.0.1:${busyPort}`, '127.0.0.1:0'],
        redirectUrlHostname: 'localhost',
        expectedState: 'S',
        timeoutMs: 5_000,
      });
      assert.notEqual(new URL(l.redirectUri).port, String(busyPort));
      assert.equal(new URL(l.redirectUri).hostname, 'localhost');
      l.close();
      await assert.rejects(l.callback);
      await assert.rejects(
        startLoopbackListener({
          listenAddresses: [`127.0.0.1:${busyPort}`],
          redirectUrlHostname: '127.0.0.1',
          expectedState: 'S',
          timeoutMs: 5_000,
        }),
        /cannot listen for the login callback \(127\.0\.0\.1:\d+: EADDRINUSE\)/,
      );
    } finally {
      busy.close();
    }
  });

  it('gives up after its lifetime and stops listening', async () => {
    const l = await startLoopbackListener({
      listenAddresses: ['127.0.0.1:0'],
      redirectUrlHostname: '::1',
      expectedState: 'S',
      timeoutMs: 200,
    });
    assert.match(l.redirectUri, /^http:\/\/\[::1\]:\d+\/callback$/);
    await assert.rejects(l.callback, /timed out after 0s waiting for the login in the browser/);
    const port = new URL(l.redirectUri).port;
    await assert.rejects(get(`http://127.0.0.1:${port}/callback?state=S`));
  });
});
