// A second kauth (A) delegating authentication (TokenReview) and authorization (SubjectAccessReview) to a first (B)
// through the kubeconfigs `kauth kubeconfig webhook` writes — what a kube-apiserver with
// --authentication-token-webhook-config-file and --authorization-mode=Webhook does. Real kubectl against A.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientCert, kauth, kubectl, startCluster, type Cluster } from './harness.js';

let B: Cluster, A: Cluster;
const tokens: Record<string, string> = {};

before(async () => {
  B = await startCluster();
  assert.equal(kubectl(B, ['create', 'ns', 'demo']).code, 0);
  kubectl(B, [
    'create',
    'clusterrolebinding',
    'a-delegator',
    '--clusterrole',
    'system:auth-delegator',
    '--user',
    'kauth-a',
  ]);
  kubectl(B, ['create', 'role', 'cm-reader', '-n', 'demo', '--verb', 'get,list', '--resource', 'configmaps']);
  for (const sa of ['cm-reader', 'nobody']) {
    kubectl(B, ['create', 'sa', sa, '-n', 'demo']);
    tokens[sa] = kubectl(B, ['create', 'token', sa, '-n', 'demo']).out.trim();
  }
  kubectl(B, [
    'create',
    'rolebinding',
    'cm-reader',
    '-n',
    'demo',
    '--role',
    'cm-reader',
    '--serviceaccount',
    'demo:cm-reader',
  ]);
  const ka = clientCert(B, 'kauth-a');
  const files: string[] = [];
  for (const mode of ['authn', 'authz']) {
    const r = kauth([
      'kubeconfig',
      'webhook',
      `--${mode}`,
      '--server',
      B.server,
      '--ca-file',
      B.caFile,
      '--client-certificate',
      ka.certFile,
      '--client-key',
      ka.keyFile,
    ]);
    assert.equal(r.code, 0, r.err);
    const file = join(B.dir, `${mode}.conf`);
    writeFileSync(file, r.out);
    files.push(file);
  }
  A = await startCluster({
    args: [
      '--authentication-token-webhook-config-file',
      files[0]!,
      '--authorization-mode',
      'Webhook',
      '--authorization-webhook-config-file',
      files[1]!,
    ],
  });
  kubectl(A, ['create', 'ns', 'demo']);
});

after(async () => {
  await A?.stop();
  await B?.stop();
  A?.cleanup();
  B?.cleanup();
});

function asToken(token: string): string {
  const file = join(A.dir, `tok-${token.slice(-8)}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'c',
      clusters: [{ name: 'a', cluster: { server: A.server, 'certificate-authority': A.caFile } }],
      users: [{ name: 'u', user: { token } }],
      contexts: [{ name: 'c', context: { cluster: 'a', user: 'u' } }],
    }),
  );
  return file;
}

test('kauth kubeconfig webhook writes the review URLs and refuses both or neither mode', () => {
  const ka = clientCert(B, 'kauth-a');
  const base = [
    'kubeconfig',
    'webhook',
    '--server',
    B.server,
    '--ca-file',
    B.caFile,
    '--client-certificate',
    ka.certFile,
    '--client-key',
    ka.keyFile,
  ];
  assert.match(
    kauth([...base, '--authn']).out,
    /server: https:\/\/127\.0\.0\.1:\d+\/apis\/authentication\.k8s\.io\/v1\/tokenreviews/,
  );
  assert.match(
    kauth([...base, '--authz']).out,
    /server: https:\/\/127\.0\.0\.1:\d+\/apis\/authorization\.k8s\.io\/v1\/subjectaccessreviews/,
  );
  for (const bad of [base, [...base, '--authn', '--authz']]) {
    const r = kauth(bad);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /exactly one of --authn and --authz/);
  }
});

test("A decides kubectl requests by B's tokens and RBAC", () => {
  const ok = kubectl(A, ['get', 'configmaps', '-n', 'demo'], { kubeconfig: asToken(tokens['cm-reader']!) });
  assert.equal(ok.code, 0, ok.err + A.output().slice(-1500));
  const denied = kubectl(A, ['get', 'configmaps', '-n', 'demo'], { kubeconfig: asToken(tokens.nobody!) });
  assert.notEqual(denied.code, 0);
  assert.match(
    denied.err,
    /configmaps is forbidden: User "system:serviceaccount:demo:nobody" cannot list resource "configmaps" in API group "" in the namespace "demo"/,
  );
  const bogus = kubectl(A, ['get', 'configmaps', '-n', 'demo'], { kubeconfig: asToken('not-a-token') });
  assert.match(bogus.err, /Unauthorized|provide credentials/);
});
