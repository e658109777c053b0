// The schema itself: it parses, every message compiles to a decode plan and round-trips through protobufjs,
// and every supported kind names a message with ObjectMeta (or is DeleteOptions).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { kubeRoot } from '../../../src/api/protobuf/schema.js';
import { planFor } from '../../../src/api/protobuf/plan.js';
import { messageForKind, supportedKinds } from '../../../src/api/protobuf/kinds.js';

function allTypes(ns: protobuf.NamespaceBase, out: protobuf.Type[] = []): protobuf.Type[] {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) out.push(nested);
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) allTypes(nested, out);
  }
  return out;
}

describe('protobuf schema', () => {
  const types = allTypes(kubeRoot());

  it('holds the messages of every group version', () => {
    const packages = new Set(types.map((t) => t.fullName.split('.').slice(1, -1).join('.')));
    assert.deepEqual([...packages].sort(), [
      'apps.v1',
      'authentication.v1',
      'authorization.v1',
      'batch.v1',
      'certificates.v1',
      'coordination.v1',
      'core.v1',
      'intstr',
      'meta.v1',
      'networking.v1',
      'policy.v1',
      'rbac.v1',
      'resource',
      'runtime',
      'scheduling.v1',
    ]);
    assert.ok(types.length > 200, `${types.length} messages`);
  });

  it('compiles every message to a plan whose options are all known', () => {
    for (const type of types) {
      const plan = planFor(type.fullName.slice(1));
      assert.equal(plan.fields.length, type.fieldsArray.length, type.fullName);
      for (const f of plan.fields)
        assert.ok(f.scalar !== undefined || f.message !== undefined, `${type.fullName}.${f.name}`);
    }
  });

  it('lets protobufjs encode, verify and decode every message', () => {
    for (const type of types) {
      assert.equal(type.verify({}), null, type.fullName);
      assert.deepEqual(type.toObject(type.decode(type.encode({}).finish())), {}, type.fullName);
    }
  });

  it('has unique field numbers and names in every message', () => {
    for (const type of types) {
      const ids = type.fieldsArray.map((f) => f.id);
      assert.equal(new Set(ids).size, ids.length, type.fullName);
    }
  });

  const kinds: [string, string, string][] = [
    ['v1', 'Namespace', 'core.v1.Namespace'],
    ['v1', 'ServiceAccount', 'core.v1.ServiceAccount'],
    ['v1', 'Secret', 'core.v1.Secret'],
    ['v1', 'ConfigMap', 'core.v1.ConfigMap'],
    ['v1', 'Service', 'core.v1.Service'],
    ['v1', 'Pod', 'core.v1.Pod'],
    ['v1', 'Node', 'core.v1.Node'],
    ['v1', 'Event', 'core.v1.Event'],
    ['rbac.authorization.k8s.io/v1', 'Role', 'rbac.v1.Role'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'rbac.v1.ClusterRole'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rbac.v1.RoleBinding'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'rbac.v1.ClusterRoleBinding'],
    ['authentication.k8s.io/v1', 'TokenRequest', 'authentication.v1.TokenRequest'],
    ['authentication.k8s.io/v1', 'SelfSubjectReview', 'authentication.v1.SelfSubjectReview'],
    ['authentication.k8s.io/v1', 'TokenReview', 'authentication.v1.TokenReview'],
    ['authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'authorization.v1.SelfSubjectAccessReview'],
    ['authorization.k8s.io/v1', 'SelfSubjectRulesReview', 'authorization.v1.SelfSubjectRulesReview'],
    ['authorization.k8s.io/v1', 'SubjectAccessReview', 'authorization.v1.SubjectAccessReview'],
    ['authorization.k8s.io/v1', 'LocalSubjectAccessReview', 'authorization.v1.LocalSubjectAccessReview'],
    ['certificates.k8s.io/v1', 'CertificateSigningRequest', 'certificates.v1.CertificateSigningRequest'],
    ['apps/v1', 'Deployment', 'apps.v1.Deployment'],
    ['batch/v1', 'Job', 'batch.v1.Job'],
    ['v1', 'DeleteOptions', 'meta.v1.DeleteOptions'],
    ['batch/v1', 'DeleteOptions', 'meta.v1.DeleteOptions'],
    ['batch/v1', 'CronJob', 'batch.v1.CronJob'],
    ['v1', 'Deployment', ''],
    ['apps/v1', 'StatefulSet', ''],
    ['authorization.k8s.io/v1beta1', 'SubjectAccessReview', ''],
  ];
  for (const [apiVersion, kind, message] of kinds) {
    it(`${apiVersion}, Kind=${kind} → ${message || 'none'}`, () =>
      assert.equal(messageForKind(apiVersion, kind) ?? '', message));
  }

  it('gives every supported kind metadata as field 1', () => {
    assert.equal(supportedKinds().length, 29);
    for (const gvk of supportedKinds()) {
      const [apiVersion, kind] = gvk.split(', Kind=') as [string, string];
      const plan = planFor(messageForKind(apiVersion, kind)!);
      assert.equal(plan.byId[1]?.name, 'metadata', gvk);
      assert.equal(plan.byId[1]?.message?.name, 'ObjectMeta', gvk);
    }
  });
});
