// The bootstrap policy: shape (labels, annotation, references) and what it grants once loaded, as a
// fresh kube-apiserver does.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes } from '../../../src/authz/interfaces.js';
import { RbacAuthorizer } from '../../../src/authz/rbac/authorizer.js';
import { resolveAggregation } from '../../../src/authz/rbac/aggregation.js';
import {
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
  bootstrapNamespaceRoleBindings,
  bootstrapNamespaceRoles,
  kauthImpersonatorClusterRole,
  nodeRules,
} from '../../../src/authz/rbac/bootstrap-policy.js';
import { res, saUser, url, who } from './helpers.js';

const roles = bootstrapClusterRoles();
const bindings = bootstrapClusterRoleBindings();

describe('bootstrap policy shape', () => {
  it('every object is labelled rbac-defaults and auto-updated', () => {
    for (const o of [...roles, ...bindings, ...bootstrapNamespaceRoles(), ...bootstrapNamespaceRoleBindings()]) {
      assert.equal(o.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults', o.metadata.name);
      assert.equal(o.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true', o.metadata.name);
      assert.equal(o.apiVersion, 'rbac.authorization.k8s.io/v1');
    }
  });

  it('roles are unique and in name order; the expected ones are there', () => {
    const names = roles.map((r) => r.metadata.name!);
    assert.deepEqual(names, [...new Set(names)].sort());
    for (const n of [
      'cluster-admin',
      'admin',
      'edit',
      'view',
      'system:aggregate-to-admin',
      'system:aggregate-to-edit',
      'system:aggregate-to-view',
      'system:basic-user',
      'system:discovery',
      'system:public-info-viewer',
      'system:node',
      'system:node-proxier',
      'system:node-bootstrapper',
      'system:kube-scheduler',
      'system:kube-controller-manager',
      'system:volume-scheduler',
      'system:auth-delegator',
      'system:kubelet-api-admin',
      'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
      'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
      'system:certificates.k8s.io:kube-apiserver-client-approver',
      'system:certificates.k8s.io:kube-apiserver-client-kubelet-approver',
      'system:certificates.k8s.io:kubelet-serving-approver',
      'system:certificates.k8s.io:legacy-unknown-approver',
      'system:service-account-issuer-discovery',
      'system:monitoring',
    ])
      assert.ok(names.includes(n), n);
  });

  it('every binding references an existing role; system:node has no subjects', () => {
    const names = new Set(roles.map((r) => r.metadata.name));
    for (const b of bindings) assert.ok(names.has(b.roleRef.name), b.metadata.name);
    assert.equal(bindings.find((b) => b.metadata.name === 'system:node')!.subjects, undefined);
    const nsRoles = new Set(bootstrapNamespaceRoles().map((r) => `${r.metadata.namespace}/${r.metadata.name}`));
    for (const b of bootstrapNamespaceRoleBindings())
      assert.ok(nsRoles.has(`${b.metadata.namespace}/${b.roleRef.name}`), b.metadata.name);
  });

  it('system:node holds NodeRules and admin/edit/view only an aggregationRule', () => {
    assert.deepEqual(roles.find((r) => r.metadata.name === 'system:node')!.rules, nodeRules());
    for (const n of ['admin', 'edit', 'view']) {
      const r = roles.find((x) => x.metadata.name === n)!;
      assert.equal(r.rules, undefined);
      assert.equal(r.aggregationRule!.clusterRoleSelectors!.length, 1);
    }
  });

  it('each call returns fresh objects', () => {
    bootstrapClusterRoles()[0]!.metadata.labels!['x'] = 'y';
    assert.equal(bootstrapClusterRoles()[0]!.metadata.labels!['x'], undefined);
  });
});

describe('what the bootstrap policy grants', () => {
  const rbac = new RbacAuthorizer();
  for (const o of [
    ...resolveAggregation(roles),
    ...bindings,
    ...bootstrapNamespaceRoles(),
    ...bootstrapNamespaceRoleBindings(),
    kauthImpersonatorClusterRole(),
  ])
    rbac.index.upsert(o);
  const anonymous = who('system:anonymous', 'system:unauthenticated');
  const alice = who('alice', 'system:authenticated');

  const table: [string, Attributes, 'Allow' | 'NoOpinion', string?][] = [
    [
      'anonymous may read /healthz',
      url(anonymous, 'get', '/healthz'),
      'Allow',
      'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"',
    ],
    ['anonymous may read /version', url(anonymous, 'get', '/version'), 'Allow'],
    ['anonymous may not read /', url(anonymous, 'get', '/'), 'NoOpinion'],
    ['anonymous may not discover /api', url(anonymous, 'get', '/api'), 'NoOpinion'],
    ['anonymous may not list pods', res(anonymous, { verb: 'list', resource: 'pods' }), 'NoOpinion'],
    [
      'authenticated may discover /apis/apps/v1',
      url(alice, 'get', '/apis/apps/v1'),
      'Allow',
      'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
    ],
    [
      'authenticated may create selfsubjectaccessreviews',
      res(alice, { verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' }),
      'Allow',
    ],
    [
      'authenticated may create selfsubjectreviews',
      res(alice, { verb: 'create', apiGroup: 'authentication.k8s.io', resource: 'selfsubjectreviews' }),
      'Allow',
    ],
    [
      'authenticated may not list secrets',
      res(alice, { verb: 'list', resource: 'secrets', namespace: 'default' }),
      'NoOpinion',
    ],
    [
      'system:masters is cluster-admin',
      res(who('kubernetes-admin', 'system:masters', 'system:authenticated'), {
        verb: 'delete',
        resource: 'nodes',
        name: 'n1',
      }),
      'Allow',
      'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"',
    ],
    ['system:masters reaches any path', url(who('x', 'system:masters'), 'get', '/debug/pprof'), 'Allow'],
    [
      'scheduler binds pods',
      res(who('system:kube-scheduler', 'system:authenticated'), {
        verb: 'create',
        resource: 'pods',
        subresource: 'binding',
        namespace: 'default',
        name: 'p',
      }),
      'Allow',
    ],
    [
      'scheduler renews its lease only',
      res(who('system:kube-scheduler'), {
        verb: 'update',
        apiGroup: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'kube-system',
        name: 'kube-scheduler',
      }),
      'Allow',
    ],
    [
      'scheduler may not renew another lease outside kube-system',
      res(who('system:kube-scheduler'), {
        verb: 'update',
        apiGroup: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'default',
        name: 'other',
      }),
      'NoOpinion',
    ],
    [
      'controller-manager reads the authentication configmap in kube-system',
      res(who('system:kube-controller-manager'), {
        verb: 'get',
        resource: 'configmaps',
        namespace: 'kube-system',
        name: 'extension-apiserver-authentication',
      }),
      'Allow',
    ],
    [
      'kube-proxy lists endpointslices',
      res(who('system:kube-proxy'), { verb: 'list', apiGroup: 'discovery.k8s.io', resource: 'endpointslices' }),
      'Allow',
    ],
    [
      'service accounts may read the JWKS',
      url(saUser('default', 'default'), 'get', '/openid/v1/jwks'),
      'Allow',
      'RBAC: allowed by ClusterRoleBinding "system:service-account-issuer-discovery" of ClusterRole "system:service-account-issuer-discovery" to Group "system:serviceaccounts"',
    ],
    [
      'kube-dns service account lists services',
      res(saUser('kube-system', 'kube-dns'), { verb: 'list', resource: 'services' }),
      'Allow',
      'RBAC: allowed by ClusterRoleBinding "system:kube-dns" of ClusterRole "system:kube-dns" to ServiceAccount "kube-dns/kube-system"',
    ],
    ['system:monitoring reads /metrics', url(who('prom', 'system:monitoring'), 'get', '/metrics'), 'Allow'],
    [
      'nodes get nothing from the unbound system:node binding',
      res(who('system:node:n1', 'system:nodes'), { verb: 'get', resource: 'pods' }),
      'NoOpinion',
    ],
    [
      'kauth:impersonator is not bound by default',
      res(alice, { verb: 'impersonate', resource: 'users', name: 'bob' }),
      'NoOpinion',
    ],
  ];
  for (const [name, attrs, decision, reason] of table) {
    it(name, () => {
      const got = rbac.authorizeSync(attrs);
      assert.equal(got.decision, decision);
      if (reason !== undefined) assert.equal(got.reason, reason);
    });
  }

  it('kauth:impersonator grants every impersonation kind once bound', () => {
    const gw = new RbacAuthorizer();
    gw.index.upsert(kauthImpersonatorClusterRole());
    gw.index.upsert({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'gw' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kauth:impersonator' },
      subjects: [{ kind: 'User', name: 'gateway' }],
    });
    const g = who('gateway');
    for (const a of [
      res(g, { verb: 'impersonate', resource: 'users', name: 'jane' }),
      res(g, { verb: 'impersonate', resource: 'groups', name: 'devs' }),
      res(g, { verb: 'impersonate', resource: 'serviceaccounts', namespace: 'demo', name: 'bot' }),
      res(g, { verb: 'impersonate', apiGroup: 'authentication.k8s.io', resource: 'uids', name: '06f6ce97' }),
      res(g, {
        verb: 'impersonate',
        apiGroup: 'authentication.k8s.io',
        resource: 'userextras',
        subresource: 'scopes',
        name: 'view',
      }),
    ])
      assert.equal(gw.authorizeSync(a).decision, 'Allow', JSON.stringify(a));
    assert.equal(gw.authorizeSync(res(g, { verb: 'get', resource: 'users', name: 'jane' })).decision, 'NoOpinion');
  });
});
