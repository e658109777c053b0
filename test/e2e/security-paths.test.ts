// Issue 10 end to end against `kauth up`: the namespace-grant escalation through nested namespace paths
// (finding 1), and each request that used to hold the event loop — a client-certificate chain that signs
// itself every way round (2), a path of slashes (3), a field selector of spaces (5), a CSR of BEGIN lines (6)
// — with /readyz timed while the attack is in flight. Then the finding-10 details: `%ff`, `//api/…`, label
// keys and the annotation size limit, as kube-apiserver answers them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  clientCert,
  kubeconfigFor,
  kubectl,
  request,
  sleep,
  startCluster,
  type Cluster,
  type Response,
  type Who,
} from './harness.js';

/** What kube-apiserver (and so kauth) needs at most for any of these requests, and for /readyz meanwhile. */
// Generous for a loaded 2-core CI machine, and still far below the stalls these attacks caused (10–36 s).
const ATTACK_BOUND_MS = 5000;
const READYZ_BOUND_MS = 3000;

/** Sends the attack, then /readyz while it is being served; both must answer within their bounds. */
async function underAttack(c: Cluster, attack: () => Promise<Response>): Promise<Response> {
  const start = Date.now();
  const pending = attack().then((r) => ({ r, ms: Date.now() - start }));
  await sleep(100); // the attack is on the wire and, on a server without budgets, holding the event loop
  const readyStart = Date.now();
  const ready = await request(c, { path: '/readyz' });
  const readyMs = Date.now() - readyStart;
  const { r, ms } = await pending;
  assert.equal(ready.code, 200, ready.text);
  assert.ok(readyMs < READYZ_BOUND_MS, `/readyz took ${readyMs} ms during the attack`);
  assert.ok(ms < ATTACK_BOUND_MS, `the attack request took ${ms} ms`);
  return r;
}

const NOT_FOUND = 'the server could not find the requested resource';

/** A GET with the request target exactly as given (the harness resolves paths as URLs, which reads `//x` as a host). */
function rawRequest(c: Cluster, target: string, who?: Who): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        hostname: '127.0.0.1',
        port: c.port,
        path: target,
        headers: { Accept: 'application/json' },
        agent: false,
        ca: readFileSync(c.caFile),
        cert: who?.cert?.cert,
        key: who?.cert?.key,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ code: res.statusCode ?? 0, text, json: JSON.parse(text), headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('issue 10: request paths, selectors, certificates and CSRs an attacker controls', () => {
  let c: Cluster;
  let admin: Who;
  before(async () => {
    c = await startCluster();
    admin = { cert: clientCert(c, 'kubernetes-admin', ['system:masters']) };
    for (const args of [
      ['create', 'ns', 'team'],
      ['create', 'ns', 'other'],
      ['label', 'ns', 'other', 'owner=platform'],
      ['create', 'rolebinding', 'viewer', '-n', 'team', '--clusterrole=view', '--user=ns-viewer'],
      [
        'create',
        'role',
        'ns-admin',
        '-n',
        'team',
        '--verb=get,list,watch,create,patch,update,delete,deletecollection',
        '--resource=namespaces',
      ],
      ['create', 'rolebinding', 'ns-admin', '-n', 'team', '--role=ns-admin', '--user=ns-admin'],
    ]) {
      const k = kubectl(c, args);
      assert.equal(k.code, 0, k.err);
    }
  });
  after(async () => {
    await c.stop();
    c.cleanup();
  });

  describe('finding 1: a namespaced grant on namespaces stays in its namespace', () => {
    it('view in one namespace: list, watch and get of /namespaces/<own>/namespaces[/<other>] are 404 (kubectl)', () => {
      const viewer = kubeconfigFor(c, 'ns-viewer');
      for (const path of [
        '/api/v1/namespaces/team/namespaces',
        '/api/v1/namespaces/team/namespaces/other',
        '/api/v1/namespaces/team/namespaces?watch=true&timeoutSeconds=1',
        '/api/v1/watch/namespaces/team/namespaces?timeoutSeconds=1',
        '/api/v1/namespaces/team/namespaces/other/status',
        '/api/v1/namespaces/team/namespaces/team',
      ]) {
        const k = kubectl(c, ['get', '--raw', path], { kubeconfig: viewer });
        assert.notEqual(k.code, 0, `${path} answered: ${k.out.slice(0, 300)}`);
        assert.match(k.err, /NotFound|could not find the requested resource/, `${path}: ${k.err}`);
      }
      // What the grant does allow, as in kube: its own namespace object and that object's status.
      let k = kubectl(c, ['get', 'ns', 'team', '-o', 'name'], { kubeconfig: viewer });
      assert.equal(k.code, 0, k.err);
      assert.equal(k.out.trim(), 'namespace/team');
      k = kubectl(c, ['get', '--raw', '/api/v1/namespaces/team/status'], { kubeconfig: viewer });
      assert.equal(k.code, 0, k.err);
      assert.equal(JSON.parse(k.out).metadata.name, 'team');
      k = kubectl(c, ['get', 'ns', 'other'], { kubeconfig: viewer });
      assert.match(
        k.err,
        /namespaces "other" is forbidden: User "ns-viewer" cannot get resource "namespaces" in API group "" in the namespace "other"/,
      );
    });

    it('a Role with write verbs on namespaces cannot create, patch or delete other namespaces through the nested path', async () => {
      const nsAdmin = kubeconfigFor(c, 'ns-admin');
      const who = { cert: clientCert(c, 'ns-admin') };
      writeFileSync(
        join(c.dir, 'evil-ns.json'),
        JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'evil' } }),
      );
      let k = kubectl(c, ['create', '--raw', '/api/v1/namespaces/team/namespaces', '-f', join(c.dir, 'evil-ns.json')], {
        kubeconfig: nsAdmin,
      });
      assert.notEqual(k.code, 0, k.out);
      assert.match(k.err, /NotFound|could not find the requested resource/);
      k = kubectl(c, ['delete', '--raw', '/api/v1/namespaces/team/namespaces/other'], { kubeconfig: nsAdmin });
      assert.notEqual(k.code, 0, k.out);
      assert.match(k.err, /NotFound|could not find the requested resource/);
      for (const [method, path, body, type] of [
        [
          'PATCH',
          '/api/v1/namespaces/team/namespaces/other',
          { metadata: { labels: { owner: 'attacker' } } },
          'application/merge-patch+json',
        ],
        [
          'PUT',
          '/api/v1/namespaces/team/namespaces/other',
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } },
          'application/json',
        ],
        ['DELETE', '/api/v1/namespaces/team/namespaces', undefined, 'application/json'],
        [
          'POST',
          '/api/v1/namespaces/team/namespaces',
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'evil' } },
          'application/json',
        ],
      ] as const) {
        const r = await request(c, { method, path, body, headers: { 'Content-Type': type }, who });
        assert.equal(r.code, 404, `${method} ${path}: ${r.text}`);
        assert.equal(r.json.message, NOT_FOUND);
      }
      // Nothing happened to the cluster-scoped namespaces.
      k = kubectl(c, ['get', 'ns', 'other', '-o', 'jsonpath={.metadata.labels.owner}{" "}{.status.phase}']);
      assert.equal(k.out, 'platform Active');
      assert.match(kubectl(c, ['get', 'ns', 'evil']).err, /namespaces "evil" not found/);
      // Without the grant the nested path is refused before routing, as kube's authorizer does.
      const r = await request(c, {
        path: '/api/v1/namespaces/other/namespaces',
        who: { cert: clientCert(c, 'nobody') },
      });
      assert.equal(r.code, 403, r.text);
    });

    it('/api/v1/namespaces/<name>/status and /finalize still work', async () => {
      let r = await request(c, { path: '/api/v1/namespaces/team/status', who: admin });
      assert.equal(r.code, 200, r.text);
      const ns = r.json;
      r = await request(c, { method: 'PUT', path: '/api/v1/namespaces/team/status', body: ns, who: admin });
      assert.equal(r.code, 200, r.text);
      r = await request(c, { method: 'PUT', path: '/api/v1/namespaces/team/finalize', body: ns, who: admin });
      assert.equal(r.code, 200, r.text);
      assert.equal(r.json.metadata.name, 'team');
    });
  });

  it('finding 2: a chain of self-signing "CA" certificates is refused within Go\'s signature budget', async () => {
    // One key, nine CA certificates with the same subject (each names a different SAN, so none is a duplicate of
    // another), and a leaf under that subject: every certificate verifies every other, so an unbounded search
    // walks 9! paths. Not trusted by the cluster CA, so the answer is 401.
    const d = c.dir;
    const sh = (...args: string[]): void => void execFileSync('openssl', args, { cwd: d, stdio: 'ignore' });
    sh('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'loop.key');
    let bundle = '';
    for (let i = 0; i < 9; i++) {
      sh(
        'req',
        '-x509',
        '-new',
        '-key',
        'loop.key',
        '-subj',
        '/CN=loop-ca',
        '-days',
        '1',
        '-out',
        `loop-${i}.crt`,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign',
        '-addext',
        `subjectAltName=DNS:ca${i}.example`,
      );
      bundle += readFileSync(join(d, `loop-${i}.crt`), 'utf8');
    }
    sh('req', '-new', '-key', 'loop.key', '-subj', '/CN=mallory/O=system:masters', '-out', 'loop-leaf.csr');
    writeFileSync(join(d, 'loop-leaf.ext'), 'extendedKeyUsage=clientAuth\n');
    sh(
      'x509',
      '-req',
      '-in',
      'loop-leaf.csr',
      '-CA',
      'loop-0.crt',
      '-CAkey',
      'loop.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      'loop-leaf.ext',
      '-out',
      'loop-leaf.crt',
    );
    const cert = Buffer.from(readFileSync(join(d, 'loop-leaf.crt'), 'utf8') + bundle);
    const r = await underAttack(c, () =>
      request(c, { path: '/api/v1/namespaces', who: { cert: { cert, key: readFileSync(join(d, 'loop.key')) } } }),
    );
    assert.equal(r.code, 401, r.text);
    assert.equal(r.json.message, 'Unauthorized');
  });

  it('finding 3: /api followed by 128,000 slashes is answered at once', async () => {
    const r = await underAttack(c, () => request(c, { path: `/api${'/'.repeat(128_000)}`, who: admin }));
    assert.equal(r.code, 200, r.text.slice(0, 300));
    assert.equal(r.json.kind, 'APIVersions');
  });

  it('finding 5: selectors are parsed in one pass, within a length budget', async () => {
    // The finding's request: over the budget, refused before parsing.
    let r = await underAttack(c, () =>
      request(c, {
        path: `/api/v1/namespaces/team/pods?fieldSelector=metadata.namespace%3Da${'%20'.repeat(128_000)}b`,
        who: admin,
      }),
    );
    assert.equal(r.code, 400, r.text.slice(0, 300));
    assert.equal(r.json.message, 'fieldSelector is too long: 128021 characters, at most 32768 are accepted');
    // Within the budget, parsed (and kept verbatim, as fields.ParseSelector does: no namespace matches).
    r = await underAttack(c, () =>
      request(c, {
        path: `/api/v1/namespaces/team/pods?fieldSelector=metadata.namespace%3Da${'%20'.repeat(32_000)}b`,
        who: admin,
      }),
    );
    assert.equal(r.code, 200, r.text.slice(0, 300));
    assert.deepEqual(r.json.items, []);
    r = await underAttack(c, () =>
      request(c, { path: `/api/v1/pods?labelSelector=a%3Db${'%20'.repeat(128_000)}`, who: admin }),
    );
    assert.equal(r.code, 400, r.text.slice(0, 300));
    assert.equal(r.json.message, 'labelSelector is too long: 128003 characters, at most 32768 are accepted');
    // Within the budget, kube's grammar and texts: keys are qualified names.
    r = await request(c, { path: `/api/v1/pods?labelSelector=${'k'.repeat(64)}%3Dv`, who: admin });
    assert.equal(r.code, 400, r.text);
    assert.equal(
      r.json.message,
      `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
    );
  });

  it('finding 6: a CSR whose request is 64,000 BEGIN lines is refused at once', async () => {
    const request64k = Buffer.from('-----BEGIN A-----'.repeat(64_000)).toString('base64');
    const csr = {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name: 'begin-flood' },
      spec: { request: request64k, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] },
    };
    const r = await underAttack(c, () =>
      request(c, {
        method: 'POST',
        path: '/apis/certificates.k8s.io/v1/certificatesigningrequests',
        body: csr,
        who: admin,
      }),
    );
    assert.equal(r.code, 422, r.text.slice(0, 300));
    assert.match(r.json.details.causes[0].message, /: PEM block type must be CERTIFICATE REQUEST$/);
  });

  describe('finding 10', () => {
    it('%ff in a path is decoded after authentication: 403 for anonymous, 404/200 for who may', async () => {
      let r = await request(c, { path: '/api/v1/namespaces/default/secrets/%ff' });
      assert.equal(r.code, 403, r.text);
      assert.match(
        r.json.message,
        /^secrets "\uFFFD" is forbidden: User "system:anonymous" cannot get resource "secrets"/,
      );
      r = await request(c, { path: '/api/v1/namespaces/default/secrets/%ff', who: admin });
      assert.equal(r.code, 404, r.text);
      assert.equal(r.json.reason, 'NotFound');
      r = await request(c, { path: '/api/v1/namespaces/%ff/configmaps', who: admin });
      assert.equal(r.code, 200, r.text);
      assert.deepEqual(r.json.items, []);
      // A % that is no escape at all is still malformed, before anything else.
      r = await request(c, { path: '/api/v1/namespaces/%zz/configmaps', who: admin });
      assert.equal(r.code, 400, r.text);
    });

    it('//api/v1/secrets is a path, not a host: authorized as a secrets list, then not routed', async () => {
      let r = await rawRequest(c, '//api/v1/secrets');
      assert.equal(r.code, 403, r.text);
      assert.equal(
        r.json.message,
        'secrets is forbidden: User "system:anonymous" cannot list resource "secrets" in API group "" at the cluster scope',
      );
      r = await rawRequest(c, '//api/v1/secrets', admin);
      assert.equal(r.code, 404, r.text);
      assert.equal(r.json.message, NOT_FOUND);
      r = await request(c, { path: '/api/v1//secrets', who: admin });
      assert.equal(r.code, 404, r.text);
      // A target that no URL parser accepts once `//` makes it a host (`[` opens an IPv6 literal) used to throw
      // while the error response was written, and the unhandled rejection ended the process.
      r = await rawRequest(c, '//[/x?pretty=1');
      assert.equal(r.code, 403, r.text);
      assert.equal(r.json.message, 'forbidden: User "system:anonymous" cannot get path "//[/x"');
      assert.match(r.text, /^\{\n {2}"kind": "Status"/); // pretty, as asked
      assert.equal((await request(c, { path: '/readyz' })).code, 200);
    });

    it("label keys and values are length-checked, and annotations are limited to 262144 bytes, with kube's texts", async () => {
      const cm = (metadata: Record<string, unknown>) =>
        request(c, {
          method: 'POST',
          path: '/api/v1/namespaces/team/configmaps',
          body: { apiVersion: 'v1', kind: 'ConfigMap', metadata },
          who: admin,
        });
      const longName = 'n'.repeat(64);
      let r = await cm({ name: 'long-key', labels: { [longName]: 'v' } });
      assert.equal(r.code, 422, r.text);
      assert.equal(
        r.json.message,
        `ConfigMap "long-key" is invalid: metadata.labels: Invalid value: "${longName}": name part must be no more than 63 characters`,
      );
      const longPrefix = `${'p'.repeat(254)}/name`;
      r = await cm({ name: 'long-prefix', labels: { [longPrefix]: 'v' } });
      assert.equal(r.code, 422, r.text);
      assert.equal(
        r.json.message,
        `ConfigMap "long-prefix" is invalid: metadata.labels: Invalid value: "${longPrefix}": prefix part must be no more than 253 characters`,
      );
      r = await cm({ name: 'empty-name', labels: { 'example.com/': 'v' } });
      assert.equal(r.code, 422, r.text);
      assert.deepEqual(
        r.json.details.causes.map((x: { message: string }) => x.message),
        [
          'Invalid value: "example.com/": name part must be non-empty',
          "Invalid value: \"example.com/\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ],
      );
      r = await cm({ name: 'long-value', labels: { k: 'v'.repeat(64) } });
      assert.equal(r.code, 422, r.text);
      assert.match(r.json.message, /metadata\.labels: Invalid value: "v{64}": must be no more than 63 characters$/);
      // 140,000 two-byte characters: 280,000 bytes, over the limit though under it in UTF-16 units.
      r = await cm({ name: 'big-annotations', annotations: { note: 'é'.repeat(140_000) } });
      assert.equal(r.code, 422, r.text.slice(0, 300));
      assert.equal(
        r.json.message,
        'ConfigMap "big-annotations" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes',
      );
      r = await cm({ name: 'fits', annotations: { note: 'a'.repeat(262_140) } });
      assert.equal(r.code, 201, r.text.slice(0, 300));
    });
  });
});
