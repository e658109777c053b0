// Issue 11 (items 3–5) end to end: webhook token authentication against a second real kauth that serves
// TokenReview (its service-account tokens accepted by the first through the webhook; once it is killed,
// new tokens are a prompt 401), the front proxy wired by `kauth up` from kubeadm's front-proxy-ca (driven
// with curl), the extension-apiserver-authentication ConfigMap, and TokenReview with spec.audiences from
// real kubectl.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clientCert, kubeconfigFor, kubectl, request, startCluster, type Cluster } from './harness.js';

/** P-256 keys: a new PKI in a fraction of RSA's time. */
const FAST_PKI = ['--cert-algorithm', 'ECDSA-P256'];
const SSR_PATH = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const SSR = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });

/** curl, as a front proxy would call: its client certificate and the X-Remote-* headers. */
function curlWhoami(
  c: Cluster,
  cert: { certFile: string; keyFile: string },
  headers: string[],
): { code: number; body: any } {
  const out = execFileSync('curl', [
    '-sS',
    '--max-time',
    '10',
    '--cacert',
    c.caFile,
    '--cert',
    cert.certFile,
    '--key',
    cert.keyFile,
    '-H',
    'Content-Type: application/json',
    '-H',
    'Accept: application/json',
    ...headers.flatMap((h) => ['-H', h]),
    '-X',
    'POST',
    '--data',
    SSR,
    '-w',
    '\n%{http_code}',
    `${c.server}${SSR_PATH}`,
  ]).toString();
  const nl = out.lastIndexOf('\n');
  return { code: Number(out.slice(nl + 1)), body: JSON.parse(out.slice(0, nl)) };
}

describe('webhook token authentication, the front proxy and TokenReview audiences', () => {
  let a: Cluster; // authenticates bearer tokens through b's TokenReview
  let b: Cluster; // the webhook: a plain kauth
  let bDead = false;
  before(async () => {
    b = await startCluster({ args: FAST_PKI });
    for (const args of [
      ['create', 'sa', 'remote'],
      ['create', 'sa', 'late'],
      ['create', 'sa', 'vault-auth'],
    ])
      assert.equal(kubectl(b, args).code, 0);
    // kube's webhook kubeconfig: the cluster's server is the TokenReview URL itself, the user is how a calls b.
    const caller = clientCert(b, 'webhook-caller', ['system:masters']);
    const conf = join(b.dir, 'webhook.conf');
    writeFileSync(
      conf,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'w',
        clusters: [
          {
            name: 'b',
            cluster: {
              server: `${b.server}/apis/authentication.k8s.io/v1/tokenreviews`,
              'certificate-authority': b.caFile,
            },
          },
        ],
        users: [{ name: 'a', user: { 'client-certificate': caller.certFile, 'client-key': caller.keyFile } }],
        contexts: [{ name: 'w', context: { cluster: 'b', user: 'a' } }],
      }),
    );
    a = await startCluster({
      args: [
        ...FAST_PKI,
        '--authentication-token-webhook-config-file',
        conf,
        '--authentication-token-webhook-version',
        'v1',
      ],
    });
  });
  after(async () => {
    await a.stop();
    if (!bDead) await b.stop();
    a.cleanup();
    b.cleanup();
  });

  it('TokenReview with spec.audiences from kubectl: authenticated, audience echoed, system:authenticated', () => {
    const token = kubectl(b, ['create', 'token', 'vault-auth', '--audience=https://other.example']);
    assert.equal(token.code, 0, token.err);
    const file = join(b.dir, 'tokenreview.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: authentication.k8s.io/v1',
        'kind: TokenReview',
        'spec:',
        `  token: ${token.out.trim()}`,
        '  audiences: ["https://other.example"]',
        '',
      ].join('\n'),
    );
    const k = kubectl(b, ['create', '-f', file, '-o', 'json', '--validate=false']);
    assert.equal(k.code, 0, k.err);
    const status = JSON.parse(k.out).status;
    assert.equal(status.authenticated, true, k.out);
    assert.deepEqual(status.audiences, ['https://other.example']);
    assert.equal(status.user.username, 'system:serviceaccount:default:vault-auth');
    assert.deepEqual(status.user.groups, [
      'system:serviceaccounts',
      'system:serviceaccounts:default',
      'system:authenticated',
    ]);
    // The same token on the API itself (the API audiences) is a 401: kubectl says Unauthorized.
    const api = kubectl(b, ['auth', 'whoami'], { kubeconfig: kubeconfigFor(b, 'vault-auth', [], token.out.trim()) });
    assert.notEqual(api.code, 0);
    assert.match(api.err, /Unauthorized/);
  });

  it("a's API accepts b's service-account token through the webhook (kubectl auth whoami)", () => {
    const token = kubectl(b, ['create', 'token', 'remote']).out.trim();
    const k = kubectl(a, ['auth', 'whoami', '-o', 'json'], { kubeconfig: kubeconfigFor(a, 'remote', [], token) });
    assert.equal(k.code, 0, k.err);
    const user = JSON.parse(k.out).status.userInfo;
    assert.equal(user.username, 'system:serviceaccount:default:remote');
    assert.deepEqual(user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    assert.ok(user.uid, 'the ServiceAccount uid comes through');
  });

  it("a token b refuses is a 401 on a, with kube's body", async () => {
    const token = kubectl(b, ['create', 'token', 'remote']).out.trim();
    const r = await request(a, {
      method: 'POST',
      path: SSR_PATH,
      body: SSR,
      who: { token: `${token.slice(0, -4)}AAAA` },
    });
    assert.equal(
      r.text.trim(),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}',
    );
  });

  it('once b is gone, a new token is a prompt 401 (no hang); one a already knows rides its cache', async () => {
    const known = kubectl(b, ['create', 'token', 'remote']).out.trim();
    const fresh = kubectl(b, ['create', 'token', 'late']).out.trim();
    assert.equal((await request(a, { method: 'POST', path: SSR_PATH, body: SSR, who: { token: known } })).code, 201);
    await b.stop('SIGKILL');
    bDead = true;
    const t0 = Date.now();
    const r = await request(a, { method: 'POST', path: SSR_PATH, body: SSR, who: { token: fresh } });
    assert.equal(r.code, 401, r.text);
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    // --authentication-token-webhook-cache-ttl (2m): the answer a already had still stands.
    assert.equal((await request(a, { method: 'POST', path: SSR_PATH, body: SSR, who: { token: known } })).code, 201);
  });

  describe('the front proxy kauth up wires (kubeadm: front-proxy-ca, front-proxy-client, X-Remote-*)', () => {
    let fp: { dir: string; caFile: string; caKeyFile: string };
    before(() => {
      fp = {
        dir: join(a.dir, 'front-proxy'),
        caFile: join(a.dataDir, 'pki', 'front-proxy-ca.crt'),
        caKeyFile: join(a.dataDir, 'pki', 'front-proxy-ca.key'),
      };
      mkdirSync(fp.dir, { recursive: true });
    });
    const H = ['X-Remote-User: bob', 'X-Remote-Group: g1', 'X-Remote-Extra-Acme.com%2FProject: p1'];

    it('front-proxy-client may assert a user, groups and extra', () => {
      const r = curlWhoami(a, clientCert(fp, 'front-proxy-client'), H);
      assert.equal(r.code, 201, JSON.stringify(r.body));
      assert.deepEqual(r.body.status.userInfo, {
        username: 'bob',
        groups: ['g1', 'system:authenticated'],
        extra: { 'acme.com/project': ['p1'] },
      });
    });
    it('the kubeadm front-proxy-client certificate on disk works as well', () => {
      const pki = join(a.dataDir, 'pki');
      const r = curlWhoami(
        a,
        { certFile: join(pki, 'front-proxy-client.crt'), keyFile: join(pki, 'front-proxy-client.key') },
        ['X-Remote-User: carol'],
      );
      assert.equal(r.code, 201, JSON.stringify(r.body));
      assert.equal(r.body.status.userInfo.username, 'carol');
    });
    it('a cluster-CA certificate is its own user: the headers are ignored', () => {
      const r = curlWhoami(a, clientCert(a, 'alice', ['devs']), H);
      assert.equal(r.code, 201);
      assert.deepEqual(r.body.status.userInfo.groups, ['devs', 'system:authenticated']);
      assert.equal(r.body.status.userInfo.username, 'alice');
    });
    it('a front-proxy-CA certificate with another CN is refused', () => {
      const r = curlWhoami(a, clientCert(fp, 'intruder'), H);
      assert.equal(r.code, 401);
      assert.equal(r.body.message, 'Unauthorized');
    });
    it('publishes extension-apiserver-authentication in kube-system as kube-apiserver does', () => {
      const k = kubectl(a, [
        'get',
        'configmap',
        'extension-apiserver-authentication',
        '-n',
        'kube-system',
        '-o',
        'json',
      ]);
      assert.equal(k.code, 0, k.err);
      const data = JSON.parse(k.out).data as Record<string, string>;
      assert.deepEqual(Object.keys(data).sort(), [
        'client-ca-file',
        'requestheader-allowed-names',
        'requestheader-client-ca-file',
        'requestheader-extra-headers-prefix',
        'requestheader-group-headers',
        'requestheader-uid-headers',
        'requestheader-username-headers',
      ]);
      const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;
      assert.equal(fingerprint(data['client-ca-file']!), fingerprint(readFileSync(a.caFile, 'utf8')));
      assert.equal(fingerprint(data['requestheader-client-ca-file']!), fingerprint(readFileSync(fp.caFile, 'utf8')));
      assert.equal(data['requestheader-allowed-names'], '["front-proxy-client"]');
      assert.equal(data['requestheader-username-headers'], '["X-Remote-User"]');
      assert.equal(data['requestheader-group-headers'], '["X-Remote-Group"]');
      assert.equal(data['requestheader-extra-headers-prefix'], '["X-Remote-Extra-"]');
      assert.equal(data['requestheader-uid-headers'], '[]');
    });
    it('puts the ConfigMap back when someone edits it', async () => {
      const k = kubectl(a, [
        'patch',
        'configmap',
        'extension-apiserver-authentication',
        '-n',
        'kube-system',
        '--type=merge',
        '-p',
        '{"data":{"requestheader-allowed-names":"[\\"other-proxy\\"]"}}',
      ]);
      assert.equal(k.code, 0, k.err);
      let names = '';
      for (let i = 0; i < 40 && names !== '["other-proxy","front-proxy-client"]'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        names = JSON.parse(
          kubectl(a, ['get', 'configmap', 'extension-apiserver-authentication', '-n', 'kube-system', '-o', 'json']).out,
        ).data['requestheader-allowed-names'];
      }
      // Merged, as several API servers share it: theirs kept, ours added back.
      assert.equal(names, '["other-proxy","front-proxy-client"]');
    });
  });
});
