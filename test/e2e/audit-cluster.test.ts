// `kauth audit cluster` against a running kauth: risky RBAC planted with the real kubectl (a cluster-admin
// binding for a user, a wildcard role, one with impersonate, one with escalate) is found and named, in text
// and in kube-bench JSON; a harmless configmap reader is not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { KUBECTL, kauth, kubectl, startCluster, type Cluster } from './harness.js';

const rb = (kind: string, name: string, role: string, roleKind: string, user: string, ns?: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata: {name: ${name}${ns ? `, namespace: ${ns}` : ''}}\n` +
  `roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ${roleKind}, name: ${role}}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: ${user}}]\n`;
const PLANTED = [
  rb('ClusterRoleBinding', 'mallory-admin', 'cluster-admin', 'ClusterRole', 'mallory'),
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: escalator, namespace: default}\nrules: [{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate]}]\n',
  rb('RoleBinding', 'escalator-binding', 'escalator', 'Role', 'eve', 'default'),
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: impersonator}\nrules: [{apiGroups: [""], resources: [users, groups], verbs: [impersonate]}]\n',
  rb('ClusterRoleBinding', 'impersonator-binding', 'impersonator', 'ClusterRole', 'ivan'),
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: wildcarder}\nrules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]\n',
  rb('ClusterRoleBinding', 'wildcarder-binding', 'wildcarder', 'ClusterRole', 'walt'),
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: cm-reader, namespace: default}\nrules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list]}]\n',
  rb('RoleBinding', 'hank-cm', 'cm-reader', 'Role', 'harmless-hank', 'default'),
].join('---\n');

describe('kauth audit cluster', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster();
    const k = kubectl(c, ['apply', '-f', '-'], { input: PLANTED });
    assert.equal(k.code, 0, k.err);
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it("Kubernetes' default policy is not flagged: 5.1.5 and 5.1.7 stay PASS", () => {
    const r = kauth(['audit', 'cluster', '--kubeconfig', c.adminKubeconfig, '--json']);
    const res = JSON.parse(r.out).Controls[0].tests.flatMap((g: { results: unknown[] }) => g.results) as {
      test_number: string;
      status: string;
    }[];
    const m = new Map(res.map((x) => [x.test_number, x.status]));
    assert.equal(m.get('5.1.5'), 'PASS'); // no binding names a default service account
    assert.equal(m.get('5.1.7'), 'PASS'); // system:masters only in the bootstrap cluster-admin binding
  });

  it('names each planted grant with its subject and binding', () => {
    const r = kauth(['audit', 'cluster', '--kubeconfig', c.adminKubeconfig]);
    assert.equal(r.code, 0, r.err);
    const o = r.out;
    assert.match(o, /^\[WARN\] 5\.1\.1 Ensure that the cluster-admin role is only used where required/m);
    assert.match(o, /cluster-admin is granted to User mallory \(via ClusterRoleBinding mallory-admin\)/);
    assert.match(o, /Role default\/escalator can escalate.*User eve \(via RoleBinding default\/escalator-binding\)/);
    assert.match(
      o,
      /ClusterRole impersonator can impersonate.*User ivan \(via ClusterRoleBinding impersonator-binding\)/,
    );
    assert.match(o, /ClusterRole wildcarder uses "\*" in its rules: granted to User walt/);
    assert.doesNotMatch(o, /harmless-hank|cm-reader/);
  });

  it('--json has kube-bench shape with the findings in actual_value', () => {
    const r = kauth(['audit', 'cluster', '--kubeconfig', c.adminKubeconfig, '--json']);
    const j = JSON.parse(r.out);
    assert.equal(j.Controls[0].id, '5');
    const res = j.Controls[0].tests.flatMap((g: { results: unknown[] }) => g.results) as {
      test_number: string;
      status: string;
      actual_value: string;
    }[];
    const r518 = res.find((x) => x.test_number === '5.1.8')!;
    assert.equal(r518.status, 'WARN');
    assert.match(r518.actual_value, /escalator/);
    assert.match(r518.actual_value, /impersonator/);
  });

  it('audit versions: the real apiserver and kubectl versions against the skew policy, and an upgrade plan', () => {
    const client = JSON.parse(execFileSync(KUBECTL, ['version', '--client', '-o', 'json'], { encoding: 'utf8' }))
      .clientVersion.gitVersion as string;
    const server = JSON.parse(kubectl(c, ['version', '-o', 'json']).out).serverVersion.gitVersion as string;
    const minor = Number(/^v1\.(\d+)/.exec(server)![1]);
    const r = kauth([
      'audit',
      'versions',
      '--kubeconfig',
      c.adminKubeconfig,
      '--kubectl-version',
      client,
      '--plan',
      `v1.${minor + 1}.0`,
    ]);
    assert.match(
      r.out,
      new RegExp(
        `^\\[PASS\\] kube-apiserver \\(API server\\): kube-apiserver ${server.replace(/[.+]/g, '\\$&')}$`,
        'm',
      ),
    );
    const skew = Math.abs(Number(/^v1\.(\d+)/.exec(client)![1]) - minor);
    assert.match(r.out, new RegExp(`^\\[${skew <= 1 ? 'PASS' : 'FAIL'}\\] kubectl \\(client\\): `, 'm'));
    assert.match(
      r.out,
      new RegExp(`^== Upgrade plan ${server.replace(/[.+]/g, '\\$&')} → v1\\.${minor + 1}\\.0 ==$`, 'm'),
    );
  });

  it('a bad kubeconfig is one error line, not a stack trace', () => {
    const r = kauth(['audit', 'cluster', '--kubeconfig', '/nonexistent/kubeconfig']);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /^error: kubeconfig: .*\/nonexistent\/kubeconfig/m);
    assert.doesNotMatch(r.err, /\n\s+at /);
  });
});
