// The RBAC risk rules as a table: each planted grant is found under its CIS id and names role, binding and
// subjects; harmless grants and Kubernetes' own default policy are not flagged.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findRisks, type RbacSnapshot } from '../../../src/cis/rbac-risks.js';
import { bootstrapClusterRoles, bootstrapClusterRoleBindings } from '../../../src/authz/rbac/bootstrap-policy.js';
import type { PolicyRule, Role, RoleBinding } from '../../../src/api/types.js';

const role = (kind: 'Role' | 'ClusterRole', name: string, rules: PolicyRule[], namespace?: string): Role => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  rules,
});
const binding = (
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  roleKind: string,
  roleName: string,
  subject: { kind: string; name: string; namespace?: string },
  namespace?: string,
): RoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
  subjects: [subject],
});

function world(r: Role, b: RoleBinding): RbacSnapshot {
  const bootstrap: RbacSnapshot = {
    roles: [],
    clusterRoles: [...bootstrapClusterRoles()],
    roleBindings: [],
    clusterRoleBindings: [...bootstrapClusterRoleBindings()],
  };
  if (r.kind === 'Role') bootstrap.roles.push(r);
  else bootstrap.clusterRoles.push(r);
  if (b.kind === 'RoleBinding') bootstrap.roleBindings.push(b);
  else bootstrap.clusterRoleBindings.push(b);
  return bootstrap;
}

const U = (name: string) => ({ kind: 'User', name });
const cases: { name: string; role: Role; binding: RoleBinding; risk: string | null; cis?: string }[] = [
  {
    name: 'escalate on roles',
    role: role(
      'Role',
      'escalator',
      [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate'] }],
      'default',
    ),
    binding: binding('RoleBinding', 'eb', 'Role', 'escalator', U('eve'), 'default'),
    risk: 'escalate',
    cis: '5.1.8',
  },
  {
    name: 'bind on clusterroles',
    role: role('ClusterRole', 'binder', [
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] },
    ]),
    binding: binding('ClusterRoleBinding', 'bb', 'ClusterRole', 'binder', U('bob')),
    risk: 'bind',
    cis: '5.1.8',
  },
  {
    name: 'impersonate users',
    role: role('ClusterRole', 'imp', [{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'] }]),
    binding: binding('ClusterRoleBinding', 'ib', 'ClusterRole', 'imp', U('ivan')),
    risk: 'impersonate',
    cis: '5.1.8',
  },
  {
    name: 'secrets list',
    role: role('ClusterRole', 'sec', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]),
    binding: binding('ClusterRoleBinding', 'sb', 'ClusterRole', 'sec', U('sam')),
    risk: 'secrets-read',
    cis: '5.1.2',
  },
  {
    name: 'create pods',
    role: role('Role', 'pc', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }], 'ns'),
    binding: binding('RoleBinding', 'pb', 'Role', 'pc', U('pat'), 'ns'),
    risk: 'create-pods',
    cis: '5.1.4',
  },
  {
    name: 'nodes/proxy',
    role: role('ClusterRole', 'np', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]),
    binding: binding('ClusterRoleBinding', 'npb', 'ClusterRole', 'np', U('nina')),
    risk: 'nodes-proxy',
    cis: '5.1.10',
  },
  {
    name: 'pods/exec',
    role: role('Role', 'ex', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }], 'ns'),
    binding: binding('RoleBinding', 'exb', 'Role', 'ex', U('ed'), 'ns'),
    risk: 'pods-exec',
  },
  {
    name: 'serviceaccounts/token create',
    role: role('ClusterRole', 'tok', [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }]),
    binding: binding('ClusterRoleBinding', 'tb', 'ClusterRole', 'tok', U('tom')),
    risk: 'serviceaccount-token',
    cis: '5.1.13',
  },
  {
    name: 'CSR approval',
    role: role('ClusterRole', 'apr', [
      { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update'] },
    ]),
    binding: binding('ClusterRoleBinding', 'ab', 'ClusterRole', 'apr', U('al')),
    risk: 'csr-approve',
    cis: '5.1.11',
  },
  {
    name: 'wildcard',
    role: role('ClusterRole', 'wild', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    binding: binding('ClusterRoleBinding', 'wb', 'ClusterRole', 'wild', U('walt')),
    risk: 'wildcard',
    cis: '5.1.3',
  },
  {
    name: 'cluster-admin to a user',
    role: role('ClusterRole', 'unused', []),
    binding: binding('ClusterRoleBinding', 'mallory-admin', 'ClusterRole', 'cluster-admin', U('mallory')),
    risk: 'cluster-admin',
    cis: '5.1.1',
  },
  {
    name: 'anything to system:anonymous',
    role: role('ClusterRole', 'cm', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
    binding: binding('ClusterRoleBinding', 'anon', 'ClusterRole', 'cm', U('system:anonymous')),
    risk: 'anonymous-grant',
    cis: '5.1.1',
  },
  {
    name: 'default service account',
    role: role('Role', 'cm2', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }], 'app'),
    binding: binding(
      'RoleBinding',
      'dsa',
      'Role',
      'cm2',
      { kind: 'ServiceAccount', name: 'default', namespace: 'app' },
      'app',
    ),
    risk: 'default-serviceaccount',
    cis: '5.1.5',
  },
  {
    name: 'configmap reader is harmless',
    role: role(
      'Role',
      'cm-reader',
      [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
      'default',
    ),
    binding: binding('RoleBinding', 'hank-cm', 'Role', 'cm-reader', U('harmless-hank'), 'default'),
    risk: null,
  },
  {
    name: 'pods get is not exec',
    role: role('Role', 'pg', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }], 'default'),
    binding: binding('RoleBinding', 'pgb', 'Role', 'pg', U('gina'), 'default'),
    risk: null,
  },
];

describe('findRisks', () => {
  for (const c of cases) {
    it(c.name, () => {
      const found = findRisks(world(c.role, c.binding));
      if (c.risk === null) {
        assert.deepEqual(found, []);
        return;
      }
      const f = found.find((x) => x.risk === c.risk);
      assert.ok(f, `no ${c.risk} in ${JSON.stringify(found.map((x) => x.risk))}`);
      assert.equal(f.cis, c.cis);
      assert.ok(
        f.bindings.some((b) => b.name === c.binding.metadata.name),
        'names the binding',
      );
      assert.ok(
        f.subjects.some((s) => s.name === c.binding.subjects![0]!.name),
        'names the subject',
      );
    });
  }
  it("Kubernetes' default policy alone has no findings; with includeSystem it has", () => {
    const snap: RbacSnapshot = {
      roles: [],
      clusterRoles: [...bootstrapClusterRoles()],
      roleBindings: [],
      clusterRoleBindings: [...bootstrapClusterRoleBindings()],
    };
    assert.deepEqual(findRisks(snap), []);
    assert.ok(
      findRisks(snap, { includeSystem: true }).some(
        (f) => f.risk === 'cluster-admin' && f.subjects.some((s) => s.name === 'system:masters'),
      ),
    );
  });
});
