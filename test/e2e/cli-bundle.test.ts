// The bin (package.json → dist/cli/kauth.mjs, made by scripts/bundle-cli.mjs) runs the bundled CLI: the same
// program as tsc's dist/src/cli/main.js, which the other e2e tests run. A bundle that dropped a command, broke a
// path resolved from import.meta.url (the console's assets, the YAML worker) or a lazily imported package's
// exports (prom-client) shows here; the acceptance checks run the bin.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { clientCert, KAUTH_BIN, kubectl, ROOT, request, startCluster } from './harness.js';

const run = (entry: string, ...args: string[]): string =>
  execFileSync(process.execPath, [join(ROOT, entry), ...args], { encoding: 'utf8' });

describe('the bundled CLI', () => {
  it('is what package.json names as the bin', () => {
    assert.equal(KAUTH_BIN, join(ROOT, 'dist', 'cli', 'kauth.mjs'));
  });

  it('offers the same commands and flags as the unbundled build', () => {
    for (const args of [['--help'], ['up', '--help'], ['certs', '--help'], ['login', '--help']])
      assert.equal(run('dist/cli/kauth-bundle.mjs', ...args), run('dist/src/cli/main.js', ...args), args.join(' '));
  });

  it('serves the API and the console from the bundle', async () => {
    const cluster = await startCluster({ cli: join(ROOT, 'dist', 'cli', 'kauth-bundle.mjs') });
    try {
      const ns = kubectl(cluster, ['get', 'namespace', 'default', '-o', 'name']);
      assert.equal(ns.out.trim(), 'namespace/default', ns.err);
      // YAML bodies are decoded on a worker thread whose file the bundle must still find.
      const created = await request(cluster, {
        method: 'POST',
        path: '/api/v1/namespaces/default/configmaps',
        headers: { 'Content-Type': 'application/yaml' },
        body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-yaml}\ndata: {a: b}\n',
        who: { cert: clientCert(cluster, 'admin', ['system:masters']) },
      });
      assert.equal(created.code, 201, created.text);
      assert.equal(created.json.data.a, 'b');
      // prom-client is loaded by a dynamic import (after readiness): its names must survive bundling.
      const metrics = await request(cluster, {
        path: '/metrics',
        who: { cert: clientCert(cluster, 'admin', ['system:masters']) },
      });
      assert.equal(metrics.code, 200, metrics.text);
      assert.match(metrics.text, /^nodejs_eventloop_lag_max_seconds /m);
      assert.match(metrics.text, /^apiserver_request_total\{/m);
      const consolePage = await request(cluster, { path: '/ui/' });
      assert.equal(consolePage.code, 200);
      assert.match(consolePage.text, /<script type="module"/);
    } finally {
      await cluster.stop();
      cluster.cleanup();
    }
  });
});
