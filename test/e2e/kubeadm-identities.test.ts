// kubeadm ≥ 1.29's admin identities: admin.conf is in kubeadm:cluster-admins, bound to cluster-admin by a
// ClusterRoleBinding `kauth up` creates once (as kubeadm init does), so it can be revoked through RBAC;
// super-admin.conf stays in system:masters, which no RBAC change can take away.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectl, startCluster, type Cluster } from './harness.js';

let c: Cluster;
before(async () => {
  c = await startCluster();
});
after(async () => {
  await c?.stop();
  c?.cleanup();
});

function subjectOf(kubeconfig: string): string {
  const b64 = kubectl(c, [
    'config',
    'view',
    '--raw',
    '--kubeconfig',
    kubeconfig,
    '-o',
    'jsonpath={.users[0].user.client-certificate-data}',
  ]).out;
  return execFileSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'RFC2253'], {
    input: Buffer.from(b64, 'base64'),
  })
    .toString()
    .trim();
}

test("admin.conf and super-admin.conf carry kubeadm's subjects", () => {
  assert.equal(subjectOf(c.adminKubeconfig), 'subject=CN=kubernetes-admin,O=kubeadm:cluster-admins');
  assert.equal(subjectOf(join(c.dataDir, 'super-admin.conf')), 'subject=CN=kubernetes-super-admin,O=system:masters');
  const crb = kubectl(c, [
    'get',
    'clusterrolebinding',
    'kubeadm:cluster-admins',
    '-o',
    'jsonpath={.roleRef.name} {.subjects[*].kind}/{.subjects[*].name}',
  ]);
  assert.equal(crb.out, 'cluster-admin Group/kubeadm:cluster-admins', crb.err);
});

test('deleting the binding revokes admin.conf, not super-admin.conf, and a restart does not bring it back', async () => {
  const superAdmin = join(c.dataDir, 'super-admin.conf');
  assert.equal(kubectl(c, ['auth', 'can-i', 'delete', 'nodes']).out.trim(), 'yes');
  assert.equal(
    kubectl(c, ['delete', 'clusterrolebinding', 'kubeadm:cluster-admins'], { kubeconfig: superAdmin }).code,
    0,
  );
  const denied = kubectl(c, ['get', 'secrets', '-n', 'kube-system']);
  assert.notEqual(denied.code, 0);
  assert.match(denied.err, /User "kubernetes-admin" cannot list resource "secrets"/);
  assert.equal(kubectl(c, ['get', 'secrets', '-n', 'kube-system'], { kubeconfig: superAdmin }).code, 0);

  await c.stop();
  c = await startCluster({ dir: c.dir, port: c.port });
  assert.notEqual(kubectl(c, ['get', 'secrets', '-n', 'kube-system']).code, 0, 'the binding came back after a restart');
  assert.equal(
    kubectl(
      c,
      [
        'create',
        'clusterrolebinding',
        'kubeadm:cluster-admins',
        '--clusterrole=cluster-admin',
        '--group=kubeadm:cluster-admins',
      ],
      { kubeconfig: superAdmin },
    ).code,
    0,
  );
  assert.equal(kubectl(c, ['get', 'secrets', '-n', 'kube-system']).code, 0);
});
