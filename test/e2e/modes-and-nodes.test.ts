// Issues 4, 6 and 7 end to end beyond the acceptance checks: the Node authorizer with a kubelet's
// certificate, ABAC and Webhook modes in --authorization-mode order (a dead webhook is a 500, the server
// stays up), a bootstrap-token node getting its client certificate auto-approved and signed, and the
// seed's impersonation headers sent with curl.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  clientCert,
  freePort,
  kauth,
  kubeconfigFor,
  kubectl,
  kubectlAsync,
  request,
  sleep,
  startCluster,
  type Who,
} from './harness.js';

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

describe('the Node authorizer', () => {
  it("lets a kubelet read its own node, its pods' secrets, and nothing else", async () => {
    const c = await startCluster();
    try {
      const admin: Who = { cert: clientCert(c, 'kubernetes-admin', ['system:masters']) };
      const node01: Who = { cert: clientCert(c, 'system:node:node01', ['system:nodes']) };
      for (const n of ['node01', 'node02']) {
        const r = await request(c, {
          method: 'POST',
          path: '/api/v1/nodes',
          who: admin,
          body: { apiVersion: 'v1', kind: 'Node', metadata: { name: n } },
        });
        assert.equal(r.code, 201, r.text);
      }
      kubectl(c, ['create', 'secret', 'generic', 'mine', '--from-literal=a=b']);
      kubectl(c, ['create', 'secret', 'generic', 'theirs', '--from-literal=a=b']);
      const pod = (name: string, node: string, secret: string): unknown => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: {
          nodeName: node,
          containers: [{ name: 'c', image: 'busybox' }],
          volumes: [{ name: 's', secret: { secretName: secret } }],
        },
      });
      assert.equal(
        (
          await request(c, {
            method: 'POST',
            path: '/api/v1/namespaces/default/pods',
            who: admin,
            body: pod('on-01', 'node01', 'mine'),
          })
        ).code,
        201,
      );
      assert.equal(
        (
          await request(c, {
            method: 'POST',
            path: '/api/v1/namespaces/default/pods',
            who: admin,
            body: pod('on-02', 'node02', 'theirs'),
          })
        ).code,
        201,
      );
      assert.equal((await request(c, { path: '/api/v1/nodes/node01', who: node01 })).code, 200);
      assert.equal((await request(c, { path: '/api/v1/namespaces/default/secrets/mine', who: node01 })).code, 200);
      let r = await request(c, { path: '/api/v1/namespaces/default/secrets/theirs', who: node01 });
      assert.equal(r.code, 403);
      assert.equal(
        r.json.message,
        'secrets "theirs" is forbidden: User "system:node:node01" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node \'node01\' and this object',
      );
      r = await request(c, { path: '/api/v1/namespaces/default/secrets', who: node01 });
      assert.equal(r.code, 403);
      assert.equal(
        (await request(c, { path: '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode01', who: node01 })).code,
        200,
      );
    } finally {
      await c.stop();
      c.cleanup();
    }
  });
});

describe('ABAC and Webhook modes', () => {
  it('evaluates Node,RBAC,ABAC,Webhook in order; a dead webhook is a 500 and the server stays up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kauth-modes-'));
    // A webhook authorizer on loopback: allows user "hooked" to do anything, denies the rest.
    openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'hook.key'),
      '-out',
      join(dir, 'hook.crt'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
    const seen: string[] = [];
    const hook = https.createServer(
      { key: readFileSync(join(dir, 'hook.key')), cert: readFileSync(join(dir, 'hook.crt')) },
      (req, res) => {
        let body = '';
        req.on('data', (d) => {
          body += d;
        });
        req.on('end', () => {
          const sar = JSON.parse(body);
          seen.push(sar.spec.user);
          const allowed = sar.spec.user === 'hooked';
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(
            JSON.stringify({
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SubjectAccessReview',
              status: { allowed, reason: allowed ? 'hook says yes' : 'hook says no' },
            }),
          );
        });
      },
    );
    const hookPort = await freePort();
    await new Promise<void>((r) => hook.listen(hookPort, '127.0.0.1', r));
    writeFileSync(
      join(dir, 'hook.yaml'),
      `apiVersion: v1\nkind: Config\nclusters:\n- name: hook\n  cluster:\n    server: https://127.0.0.1:${hookPort}/authorize\n    certificate-authority: hook.crt\nusers:\n- name: apiserver\n  user: {}\ncontexts:\n- name: hook\n  context: {cluster: hook, user: apiserver}\ncurrent-context: hook\n`,
    );
    writeFileSync(
      join(dir, 'abac.jsonl'),
      '{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "auditor", "namespace": "*", "resource": "*", "apiGroup": "*", "readonly": true}}\n',
    );
    const c = await startCluster({
      dir,
      args: [
        '--authorization-mode',
        'Node,RBAC,ABAC,Webhook',
        '--authorization-policy-file',
        join(dir, 'abac.jsonl'),
        '--authorization-webhook-config-file',
        join(dir, 'hook.yaml'),
      ],
    });
    try {
      const auditor = kubeconfigFor(c, 'auditor');
      assert.equal((await kubectlAsync(c, ['get', 'secrets', '-A'], { kubeconfig: auditor })).code, 0);
      let k = await kubectlAsync(c, ['create', 'configmap', 'x'], { kubeconfig: auditor });
      assert.match(
        k.err,
        /configmaps is forbidden: User "auditor" cannot create resource "configmaps" in API group "" in the namespace "default": No policy matched.\nhook says no/,
      );
      assert.equal(
        (await kubectlAsync(c, ['create', 'configmap', 'x'], { kubeconfig: kubeconfigFor(c, 'hooked') })).code,
        0,
      );
      assert.ok(seen.includes('hooked'));
      // RBAC decides before the webhook is asked.
      await kubectlAsync(c, [
        'create',
        'clusterrolebinding',
        'rbac-user-view',
        '--clusterrole=view',
        '--user=rbac-user',
      ]);
      const before = seen.length;
      assert.equal((await kubectlAsync(c, ['get', 'pods'], { kubeconfig: kubeconfigFor(c, 'rbac-user') })).code, 0);
      assert.equal(seen.filter((u) => u === 'rbac-user').length, 0, `webhook asked: ${seen.slice(before)}`);
      // The webhook goes away: its callers get kube's 500 (an authorizer error without an Allow), nobody waits
      // forever, the server stays ready.
      await new Promise<void>((r) => {
        hook.close(() => r());
        hook.closeAllConnections();
      });
      const t0 = Date.now();
      k = await kubectlAsync(c, ['get', 'nodes'], { kubeconfig: kubeconfigFor(c, 'someone-else') });
      assert.notEqual(k.code, 0);
      assert.match(k.err, /\(InternalError\).*Internal Server Error: \\"\/api\/v1\/nodes\?limit=500\\"/);
      assert.ok(Date.now() - t0 < 15_000);
      assert.equal((await request(c, { path: '/readyz' })).code, 200);
    } finally {
      hook.close();
      await c.stop();
      c.cleanup();
    }
  });

  it('refuses a malformed policy file or webhook config at start with one line naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kauth-badmodes-'));
    writeFileSync(
      join(dir, 'abac.jsonl'),
      '{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "a"}}\n{not json\n',
    );
    let r = kauth([
      'up',
      '--data-dir',
      join(dir, 'data'),
      '--secure-port',
      '0',
      '--authorization-mode',
      'ABAC',
      '--authorization-policy-file',
      join(dir, 'abac.jsonl'),
    ]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /^error: .*abac\.jsonl:2: /);
    assert.equal(r.err.trim().split('\n').length, 1);
    writeFileSync(join(dir, 'hook.yaml'), 'clusters: [[[\n');
    r = kauth([
      'up',
      '--data-dir',
      join(dir, 'data'),
      '--secure-port',
      '0',
      '--authorization-mode',
      'Webhook',
      '--authorization-webhook-config-file',
      join(dir, 'hook.yaml'),
    ]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /^error: .*hook\.yaml/);
    assert.equal(r.err.trim().split('\n').length, 1);
  });
});

describe('a node joins with a bootstrap token', () => {
  it('gets its client certificate auto-approved and signed, and authenticates with it', async () => {
    const c = await startCluster();
    try {
      const id = 'abcdef';
      const secret = '0123456789abcdef';
      const b64 = (s: string): string => Buffer.from(s).toString('base64');
      let k = kubectl(c, ['create', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'bootstrap.kubernetes.io/token',
          metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
          data: { 'token-id': b64(id), 'token-secret': b64(secret), 'usage-bootstrap-authentication': b64('true') },
        }),
      });
      assert.equal(k.code, 0, k.err);
      openssl([
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(c.dir, 'node01.key'),
        '-subj',
        '/O=system:nodes/CN=system:node:node01',
        '-out',
        join(c.dir, 'node01.csr'),
      ]);
      const bootstrap = kubeconfigFor(c, 'bootstrap', [], `${id}.${secret}`);
      k = kubectl(c, ['create', '-f', '-'], {
        kubeconfig: bootstrap,
        input: JSON.stringify({
          apiVersion: 'certificates.k8s.io/v1',
          kind: 'CertificateSigningRequest',
          metadata: { name: 'node-csr-node01' },
          spec: {
            request: readFileSync(join(c.dir, 'node01.csr')).toString('base64'),
            signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
            usages: ['digital signature', 'client auth'],
          },
        }),
      });
      assert.equal(k.code, 0, k.err);
      let cert = '';
      for (let i = 0; i < 50 && !cert; i++) {
        await sleep(100);
        cert = Buffer.from(
          kubectl(c, ['get', 'csr', 'node-csr-node01', '-o', 'jsonpath={.status.certificate}']).out,
          'base64',
        ).toString();
      }
      assert.match(cert, /BEGIN CERTIFICATE/);
      const row = kubectl(c, ['get', 'csr', 'node-csr-node01']).out;
      assert.match(
        row,
        /node-csr-node01\s+\S+\s+kubernetes\.io\/kube-apiserver-client-kubelet\s+system:bootstrap:abcdef\s+<none>\s+Approved,Issued/,
      );
      writeFileSync(join(c.dir, 'node01.crt'), cert);
      const r = await request(c, {
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        who: { cert: { cert: Buffer.from(cert), key: readFileSync(join(c.dir, 'node01.key')) } },
      });
      assert.equal(r.json.status.userInfo.username, 'system:node:node01');
      assert.ok(r.json.status.userInfo.groups.includes('system:nodes'));
    } finally {
      await c.stop();
      c.cleanup();
    }
  });
});

describe('impersonation with curl (seed 003 headers)', () => {
  it('carries uid, extras with repeated values and percent-encoded keys', async () => {
    const c = await startCluster();
    try {
      const a = clientCert(c, 'kubernetes-admin', ['system:masters']);
      const out = execFileSync('curl', [
        '-s',
        '--cacert',
        c.caFile,
        '--cert',
        a.certFile,
        '--key',
        a.keyFile,
        '-X',
        'POST',
        '-H',
        'Content-Type: application/json',
        '-H',
        'Impersonate-User: jane.doe@example.com',
        '-H',
        'Impersonate-Group: developers',
        '-H',
        'Impersonate-Group: qa',
        '-H',
        'Impersonate-Extra-dn: cn=jane,ou=engineers,dc=example,dc=com',
        '-H',
        'Impersonate-Extra-acme.com%2Fproject: some-project',
        '-H',
        'Impersonate-Extra-scopes: view',
        '-H',
        'Impersonate-Extra-scopes: development',
        '-H',
        'Impersonate-Uid: 06f6ce97-e2c5-4ab8-7ba5-7654dd08d52b',
        '-d',
        '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}',
        `${c.server}/apis/authentication.k8s.io/v1/selfsubjectreviews`,
      ]).toString();
      const ui = JSON.parse(out).status.userInfo;
      assert.equal(ui.username, 'jane.doe@example.com');
      assert.equal(ui.uid, '06f6ce97-e2c5-4ab8-7ba5-7654dd08d52b');
      assert.deepEqual(ui.groups, ['developers', 'qa', 'system:authenticated']);
      assert.deepEqual(ui.extra.scopes, ['view', 'development']);
      assert.deepEqual(ui.extra['acme.com/project'], ['some-project']);
      const k = kubectl(c, ['auth', 'whoami', '--as=jane', '--as-uid=u-1', '-o', 'jsonpath={.status.userInfo.uid}']);
      assert.equal(k.out, 'u-1');
    } finally {
      await c.stop();
      c.cleanup();
    }
  });
});
