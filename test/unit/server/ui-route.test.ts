// The console's static route (src/server/routes/ui.ts) without a server: which files it serves and how, the
// conditional-request and encoding headers it reads, and that no request path reaches the filesystem.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { StatusError } from '../../../src/api/errors.js';
import { acceptsGzip, consoleRoute, etagMatches, loadConsoleAssets } from '../../../src/server/routes/ui.js';

function bundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kauth-ui-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(dir, 'app-ABCDEFGH.js'), 'console.log(1);'.repeat(200));
  writeFileSync(join(dir, 'notes.txt'), 'not a served type');
  mkdirSync(join(dir, 'img'));
  writeFileSync(join(dir, 'img', 'logo.svg'), '<svg/>');
  return dir;
}

interface Sent {
  status: number;
  headers: Record<string, string | number>;
  body?: Buffer;
}

function call(
  route: ReturnType<typeof consoleRoute>,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Sent {
  const sent: Sent = { status: 0, headers: {} };
  const res = {
    setHeader: (k: string, v: string) => {
      sent.headers[k] = v;
    },
    writeHead: (status: number, h: Record<string, string | number>) => {
      sent.status = status;
      Object.assign(sent.headers, h);
    },
    end: (b?: Buffer | string) => {
      if (b !== undefined) sent.body = Buffer.from(b);
    },
  } as unknown as ServerResponse;
  route({ method, headers } as IncomingMessage, res, path);
  return sent;
}

describe('console static route', () => {
  it('loads only servable types, two levels deep, with index.html at the prefix', () => {
    const assets = loadConsoleAssets(bundle());
    assert.deepEqual([...assets.keys()].sort(), ['/ui/', '/ui/app-ABCDEFGH.js', '/ui/img/logo.svg', '/ui/index.html']);
    assert.equal(assets.get('/ui/app-ABCDEFGH.js')!.cacheControl, 'public, max-age=31536000, immutable');
    assert.equal(assets.get('/ui/index.html')!.cacheControl, 'no-cache');
  });

  it('answers by table lookup: 200, 304, 301, 404, 405', () => {
    const route = consoleRoute(bundle());
    const ok = call(route, '/ui/');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['Content-Type'], 'text/html; charset=utf-8');
    assert.match(String(ok.headers['Content-Security-Policy']), /default-src 'none'/);
    assert.equal(call(route, '/ui/', { 'if-none-match': String(ok.headers.ETag) }).status, 304);
    assert.equal(call(route, '/ui').status, 301);
    const gz = call(route, '/ui/app-ABCDEFGH.js', { 'accept-encoding': 'br, gzip;q=0.8' });
    assert.equal(gz.headers['Content-Encoding'], 'gzip');
    assert.equal(gunzipSync(gz.body!).toString(), 'console.log(1);'.repeat(200));
    assert.equal(
      call(route, '/ui/app-ABCDEFGH.js', { 'accept-encoding': 'gzip;q=0' }).headers['Content-Encoding'],
      undefined,
    );
    const head = call(route, '/ui/index.html', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, undefined);
    for (const path of [
      '/ui/notes.txt',
      '/ui/../index.html',
      '/ui/%2e%2e/index.html',
      '/ui/img',
      '/ui//index.html',
      '/ui/img/../index.html',
    ]) {
      assert.throws(
        () => call(route, path),
        (e: unknown) => e instanceof StatusError && e.code === 404,
        path,
      );
    }
    assert.throws(
      () => call(route, '/ui/', {}, 'POST'),
      (e: unknown) => e instanceof StatusError && e.code === 405,
    );
  });

  it('says 503 with a hint while the console is not built', () => {
    const sent = call(consoleRoute(join(tmpdir(), 'kauth-ui-missing-dir')), '/ui/');
    assert.equal(sent.status, 503);
    assert.match(sent.body!.toString(), /npm run build/);
  });

  it('reads If-None-Match and Accept-Encoding as lists', () => {
    const cases: [string | undefined, boolean][] = [
      [undefined, false],
      ['"a"', true],
      ['W/"a"', true],
      ['"b", "a"', true],
      ['*', true],
      ['"b"', false],
      ['"a', false],
    ];
    for (const [h, want] of cases) assert.equal(etagMatches(h, '"a"'), want, String(h));
    const enc: [string | undefined, boolean][] = [
      [undefined, false],
      ['gzip', true],
      ['GZIP', true],
      ['deflate, gzip;q=0.5', true],
      ['gzip;q=0', false],
      ['*', true],
      ['br', false],
    ];
    for (const [h, want] of enc) assert.equal(acceptsGzip(h), want, String(h));
  });
});
