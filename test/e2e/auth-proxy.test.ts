// `kauth auth-proxy` in front of a plain HTTP upstream (a test double here: it echoes what reached it), deciding by a
// real kauth's TokenReviews and SubjectAccessReviews: kube-rbac-proxy mode (401, 403 text, RBAC change within the
// denied-cache time, client certificates, --ignore-paths, --allow-paths, rewrites, identity headers) and kubelet mode.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { clientCert, freePort, kubectl, sleep, startCluster, type Cluster } from './harness.js';

const CLI = join(import.meta.dirname, '../../src/cli/main.js');
let B: Cluster;
let upstream: http.Server;
let UP = 0;
const tok: Record<string, string> = {};
const procs: ChildProcess[] = [];

before(async () => {
  B = await startCluster();
  kubectl(B, ['create', 'ns', 'demo']);
  for (const sa of ['nobody', 'scraper', 'late', 'stats']) {
    kubectl(B, ['create', 'sa', sa, '-n', 'demo']);
    tok[sa] = kubectl(B, ['create', 'token', sa, '-n', 'demo']).out.trim();
  }
  kubectl(B, ['create', 'clusterrole', 'metrics-reader', '--verb', 'get', '--non-resource-url', '/metrics']);
  kubectl(B, [
    'create',
    'clusterrolebinding',
    'metrics-reader',
    '--clusterrole',
    'metrics-reader',
    '--serviceaccount',
    'demo:scraper',
    '--user',
    'cert-user',
  ]);
  kubectl(B, ['create', 'clusterrole', 'node-stats', '--verb', 'get', '--resource', 'nodes/stats']);
  kubectl(B, [
    'create',
    'clusterrolebinding',
    'node-stats',
    '--clusterrole',
    'node-stats',
    '--serviceaccount',
    'demo:stats',
  ]);
  kubectl(B, ['create', 'role', 'svc-get', '-n', 'demo', '--verb', 'get', '--resource', 'services/proxy']);
  kubectl(B, [
    'create',
    'rolebinding',
    'svc-get',
    '-n',
    'demo',
    '--role',
    'svc-get',
    '--serviceaccount',
    'demo:scraper',
  ]);
  upstream = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(
      `upstream saw ${req.method} ${req.url} user=${req.headers['x-remote-user'] ?? ''} groups=${req.headers['x-remote-groups'] ?? ''} auth=${req.headers.authorization ? 'yes' : 'no'}`,
    );
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  UP = (upstream.address() as AddressInfo).port;
  const ossl = (...a: string[]): void => {
    execFileSync('openssl', a, { stdio: 'ignore' });
  };
  ossl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    join(B.dir, 'srv.key'),
    '-out',
    join(B.dir, 'srv.crt'),
    '-subj',
    '/CN=127.0.0.1',
    '-days',
    '1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  );
});

after(async () => {
  for (const c of procs) if (c.exitCode === null) c.kill('SIGKILL');
  upstream?.close();
  await B?.stop();
  B?.cleanup();
});

const canConnect = (port: number): Promise<boolean> =>
  new Promise((res) => {
    const so = net.connect(port, '127.0.0.1');
    so.on('connect', () => {
      so.destroy();
      res(true);
    });
    so.on('error', () => res(false));
  });

async function proxy(args: string[]): Promise<{ url: string; port: number; stop(): void }> {
  const port = await freePort();
  const c = spawn(
    process.execPath,
    [
      CLI,
      'auth-proxy',
      '--upstream',
      `http://127.0.0.1:${UP}/`,
      '--secure-listen-address',
      `127.0.0.1:${port}`,
      '--tls-cert-file',
      join(B.dir, 'srv.crt'),
      '--tls-private-key-file',
      join(B.dir, 'srv.key'),
      '--kubeconfig',
      B.adminKubeconfig,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  procs.push(c);
  let out = '';
  c.stderr!.on('data', (d) => {
    out += d;
  });
  for (let i = 0; i < 100 && !(await canConnect(port)); i++) {
    if (c.exitCode !== null) throw new Error(`auth-proxy exited: ${out}`);
    await sleep(100);
  }
  return { url: `https://127.0.0.1:${port}`, port, stop: () => c.kill('SIGTERM') };
}

function get(
  url: string,
  o: { token?: string; method?: string; headers?: Record<string, string>; cert?: { cert: Buffer; key: Buffer } } = {},
): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.Authorization = `Bearer ${o.token}`;
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      {
        method: o.method ?? 'GET',
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        headers,
        agent: false,
        ca: readFileSync(join(B.dir, 'srv.crt')),
        cert: o.cert?.cert,
        key: o.cert?.key,
      },
      (res) => {
        const ch: Buffer[] = [];
        res.on('data', (d: Buffer) => ch.push(d));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, text: Buffer.concat(ch).toString() }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test("kube-rbac-proxy mode: 401, 403 with the proxy's text, 200 with RBAC, client certificates, identity headers", async () => {
  const p = await proxy(['--client-ca-file', B.caFile, '--auth-header-fields-enabled']);
  try {
    const cases: Array<[string, Parameters<typeof get>[1], number, string]> = [
      ['no credentials', {}, 401, 'Unauthorized\n'],
      ['bad token', { token: 'garbage' }, 401, 'Unauthorized\n'],
      [
        'SA without RBAC',
        { token: tok.nobody },
        403,
        'Forbidden (user=system:serviceaccount:demo:nobody, verb=get, resource=, subresource=)\n',
      ],
      [
        'POST is create',
        { token: tok.scraper, method: 'POST' },
        403,
        'Forbidden (user=system:serviceaccount:demo:scraper, verb=create, resource=, subresource=)\n',
      ],
      [
        'SA with RBAC',
        { token: tok.scraper },
        200,
        'upstream saw GET /metrics user=system:serviceaccount:demo:scraper groups=system:serviceaccounts|system:serviceaccounts:demo|system:authenticated auth=no',
      ],
      [
        'client certificate',
        { cert: clientCert(B, 'cert-user', ['team']) },
        200,
        'upstream saw GET /metrics user=cert-user groups=team|system:authenticated auth=no',
      ],
      [
        'spoofed identity header is replaced',
        { token: tok.scraper, headers: { 'X-Remote-User': 'admin' } },
        200,
        'upstream saw GET /metrics user=system:serviceaccount:demo:scraper groups=system:serviceaccounts|system:serviceaccounts:demo|system:authenticated auth=no',
      ],
    ];
    for (const [name, o, code, text] of cases) {
      const r = await get(`${p.url}/metrics`, o);
      assert.equal(r.code, code, `${name}: ${r.text}`);
      assert.equal(r.text, text, name);
    }
    const foreign = clientCert(
      { dir: B.dir, caFile: join(B.dir, 'srv.crt'), caKeyFile: join(B.dir, 'srv.key') },
      'intruder',
    );
    assert.equal(
      (await get(`${p.url}/metrics`, { cert: foreign })).code,
      401,
      'a certificate from another CA authenticates nobody',
    );
  } finally {
    p.stop();
  }
});

test('a RoleBinding takes effect once the denied answer leaves the cache', async () => {
  const p = await proxy(['--authz-denied-cache-ttl', '2s']);
  try {
    assert.equal((await get(`${p.url}/metrics`, { token: tok.late })).code, 403);
    assert.equal(
      kubectl(B, [
        'create',
        'clusterrolebinding',
        'late',
        '--clusterrole',
        'metrics-reader',
        '--serviceaccount',
        'demo:late',
      ]).code,
      0,
    );
    assert.equal((await get(`${p.url}/metrics`, { token: tok.late })).code, 403, 'still cached');
    await sleep(2200);
    assert.equal((await get(`${p.url}/metrics`, { token: tok.late })).code, 200);
  } finally {
    p.stop();
  }
});

test('--ignore-paths skips authn/authz, --allow-paths 404s the rest', async () => {
  const p = await proxy(['--ignore-paths', '/healthz,/static/*', '--allow-paths', '/metrics,/healthz,/static/*']);
  try {
    assert.equal((await get(`${p.url}/healthz`)).code, 200);
    assert.equal((await get(`${p.url}/static/app.js`)).code, 200);
    assert.equal((await get(`${p.url}/static/a/b.js`)).code, 404, '* does not cross /');
    assert.equal((await get(`${p.url}/metrics`)).code, 401);
    assert.equal((await get(`${p.url}/other`, { token: tok.scraper })).code, 404);
  } finally {
    p.stop();
  }
});

test('--config-file resourceAttributes with a query-parameter rewrite', async () => {
  const file = join(B.dir, 'rbac-proxy.yaml');
  writeFileSync(
    file,
    `authorization:
  rewrites:
    byQueryParameter:
      name: "namespace"
  resourceAttributes:
    apiVersion: v1
    resource: services
    subresource: proxy
    namespace: "{{ .Value }}"
    name: web
`,
  );
  const p = await proxy(['--config-file', file]);
  try {
    assert.equal((await get(`${p.url}/metrics?namespace=demo`, { token: tok.scraper })).code, 200);
    const other = await get(`${p.url}/metrics?namespace=default`, { token: tok.scraper });
    assert.equal(other.code, 403);
    assert.equal(
      other.text,
      'Forbidden (user=system:serviceaccount:demo:scraper, verb=get, resource=services, subresource=proxy)\n',
    );
    assert.equal(
      (await get(`${p.url}/metrics?namespace=demo&namespace=default`, { token: tok.scraper })).code,
      403,
      'every value must be allowed',
    );
    assert.equal((await get(`${p.url}/metrics`, { token: tok.scraper })).code, 403, 'no value, no access');
  } finally {
    p.stop();
  }
});

function kubeletConfig(name: string, anonymous: boolean, mode: string, readOnlyPort: number): string {
  const file = join(B.dir, name);
  writeFileSync(
    file,
    `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: ${anonymous}
  webhook:
    enabled: true
  x509:
    clientCAFile: ${B.caFile}
authorization:
  mode: ${mode}
readOnlyPort: ${readOnlyPort}
`,
  );
  return file;
}

test("kubelet mode, the seed's hardened config: 401, nodes/stats vs nodes/proxy, no read-only port", async () => {
  const p = await proxy([
    '--kubelet-config',
    kubeletConfig('hardened.yaml', false, 'Webhook', 0),
    '--node-name',
    'node-1',
  ]);
  try {
    const anon = await get(`${p.url}/stats/summary`);
    assert.deepEqual([anon.code, anon.text.trim()], [401, 'Unauthorized']);
    assert.equal((await get(`${p.url}/stats/summary`, { token: tok.stats })).code, 200);
    const cases: Array<[string, string, string]> = [
      ['/run/ns/pod/c', 'POST', 'verb=create, resource=nodes, subresource(s)=[proxy]'],
      ['/run/ns/pod/c', 'GET', 'verb=get, resource=nodes, subresource(s)=[proxy]'],
      ['/metrics/cadvisor', 'GET', 'verb=get, resource=nodes, subresource(s)=[metrics]'],
      ['/logs/', 'GET', 'verb=get, resource=nodes, subresource(s)=[log]'],
      ['/pods', 'GET', 'verb=get, resource=nodes, subresource(s)=[pods proxy]'],
      ['/statsX', 'GET', 'verb=get, resource=nodes, subresource(s)=[proxy]'],
    ];
    for (const [path, method, tail] of cases) {
      const r = await get(p.url + path, { token: tok.stats, method });
      assert.equal(r.code, 403, path);
      assert.equal(r.text, `Forbidden (user=system:serviceaccount:demo:stats, ${tail})\n`, path);
    }
    assert.equal(
      (await get(`${p.url}/stats/summary`, { cert: clientCert(B, 'admin-user', ['system:masters']) })).code,
      200,
      'client cert from clientCAFile',
    );
    assert.equal(
      await canConnect(10255),
      false,
      'readOnlyPort: 0 opens no read-only listener (10255 is the kubelet default)',
    );
  } finally {
    p.stop();
  }
});

test('kubelet mode, anonymous + AlwaysAllow + readOnlyPort: anyone gets in, on both ports', async () => {
  const ro = await freePort();
  const p = await proxy(['--kubelet-config', kubeletConfig('open.yaml', true, 'AlwaysAllow', ro)]);
  try {
    assert.equal((await get(`${p.url}/run/ns/pod/c`, { method: 'POST' })).code, 200);
    for (let i = 0; i < 20 && !(await canConnect(ro)); i++) await sleep(100);
    const r = await get(`http://127.0.0.1:${ro}/stats/summary`);
    assert.equal(r.code, 200);
    assert.match(r.text, /^upstream saw GET \/stats\/summary/);
    assert.equal(
      (await get(`http://127.0.0.1:${ro}/run/ns/pod/c`, { method: 'POST' })).code,
      405,
      'the read-only port only reads',
    );
  } finally {
    p.stop();
  }
});
