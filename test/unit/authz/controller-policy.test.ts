// The controllers' bootstrap roles and bindings (bootstrappolicy/controller_policy.go, testdata/
// controller-role-bindings.yaml): one ClusterRole per controller bound to kube-system/<controller>, and what
// they grant once loaded.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes } from '../../../src/authz/interfaces.js';
import { RbacAuthorizer } from '../../../src/authz/rbac/authorizer.js';
import { resolveAggregation } from '../../../src/authz/rbac/aggregation.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../../../src/authz/rbac/bootstrap-policy.js';
import { res, saUser } from './helpers.js';

const roles = bootstrapClusterRoles();
const bindings = bootstrapClusterRoleBindings();
const controllerBindings = bindings.filter((b) => b.metadata.name!.startsWith('system:controller:'));

describe('controller bindings', () => {
  it('are the ones kube-apiserver v1.35 creates with its default feature gates', () => {
    assert.deepEqual(
      controllerBindings.map((b) => b.metadata.name!.slice('system:controller:'.length)),
      [
        'attachdetach-controller',
        'certificate-controller',
        'clusterrole-aggregation-controller',
        'cronjob-controller',
        'daemon-set-controller',
        'deployment-controller',
        'disruption-controller',
        'endpoint-controller',
        'endpointslice-controller',
        'endpointslicemirroring-controller',
        'ephemeral-volume-controller',
        'expand-controller',
        'generic-garbage-collector',
        'horizontal-pod-autoscaler',
        'job-controller',
        'legacy-service-account-token-cleaner',
        'namespace-controller',
        'node-controller',
        'persistent-volume-binder',
        'pod-garbage-collector',
        'pv-protection-controller',
        'pvc-protection-controller',
        'replicaset-controller',
        'replication-controller',
        'resource-claim-controller',
        'resourcequota-controller',
        'root-ca-cert-publisher',
        'route-controller',
        'selinux-warning-controller',
        'service-account-controller',
        'service-cidrs-controller',
        'service-controller',
        'statefulset-controller',
        'ttl-after-finished-controller',
        'ttl-controller',
        'validatingadmissionpolicy-status-controller',
        'volumeattributesclass-protection-controller',
      ],
    );
  });

  it('each binds its own role to the service account kube-system/<controller>', () => {
    const roleNames = new Set(roles.map((r) => r.metadata.name));
    for (const b of controllerBindings) {
      const controller = b.metadata.name!.slice('system:controller:'.length);
      assert.deepEqual(b.roleRef, {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: b.metadata.name,
      });
      assert.deepEqual(b.subjects, [{ kind: 'ServiceAccount', name: controller, namespace: 'kube-system' }]);
      assert.ok(roleNames.has(b.metadata.name), b.metadata.name);
    }
  });

  it('rules are in canonical form (sorted verbs, groups, resources)', () => {
    for (const r of roles.filter((x) => x.metadata.name!.startsWith('system:controller:'))) {
      for (const rule of r.rules ?? []) {
        for (const list of [rule.verbs, rule.apiGroups ?? [], rule.resources ?? []])
          assert.deepEqual(list, [...list].sort(), r.metadata.name);
      }
    }
  });
});

describe('what the controller roles grant', () => {
  const rbac = new RbacAuthorizer();
  for (const o of [...resolveAggregation(roles), ...bindings]) rbac.index.upsert(o);
  const sa = (name: string) => saUser('kube-system', name);
  const table: [string, Attributes, 'Allow' | 'NoOpinion', string?][] = [
    [
      'namespace-controller deletes anything in a namespace',
      res(sa('namespace-controller'), {
        verb: 'deletecollection',
        apiGroup: 'apps',
        resource: 'deployments',
        namespace: 'demo',
      }),
      'Allow',
      'RBAC: allowed by ClusterRoleBinding "system:controller:namespace-controller" of ClusterRole "system:controller:namespace-controller" to ServiceAccount "namespace-controller/kube-system"',
    ],
    [
      'job-controller creates pods',
      res(sa('job-controller'), { verb: 'create', resource: 'pods', namespace: 'demo' }),
      'Allow',
    ],
    [
      'job-controller may not read secrets',
      res(sa('job-controller'), { verb: 'get', resource: 'secrets', namespace: 'demo' }),
      'NoOpinion',
    ],
    [
      'certificate-controller signs for kube-apiserver-client',
      res(sa('certificate-controller'), {
        verb: 'sign',
        apiGroup: 'certificates.k8s.io',
        resource: 'signers',
        name: 'kubernetes.io/kube-apiserver-client',
      }),
      'Allow',
    ],
    [
      'disruption-controller reads any scale',
      res(sa('disruption-controller'), {
        verb: 'get',
        apiGroup: 'apps',
        resource: 'statefulsets',
        subresource: 'scale',
        namespace: 'demo',
        name: 's',
      }),
      'Allow',
    ],
    [
      'the same account elsewhere gets nothing',
      res(saUser('demo', 'job-controller'), { verb: 'create', resource: 'pods', namespace: 'demo' }),
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
});
