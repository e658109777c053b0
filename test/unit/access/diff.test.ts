// rbac diff on the fixture pair (test/fixtures/access/diff-old → diff-new) names exactly the gained and lost
// permissions, and nothing for unchanged or merely moved grants.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from '../../e2e/harness.js';
import { rbacDiff, type PermissionChange } from '../../../src/access/diff.js';
import { offlinePolicy } from '../../../src/access/manifests.js';
import { withBootstrapPolicy } from '../../../src/access/world.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'access');
const brief = (c: PermissionChange): string =>
  `${c.subject.kind}:${c.subject.namespace ? `${c.subject.namespace}/` : ''}${c.subject.name} ${c.namespace || '-'} ${c.verbs.join(',')} ${c.nonResourceURL ?? `${c.resource}.${c.apiGroup}`}${c.resourceName ? `#${c.resourceName}` : ''}`;

describe('rbac diff', () => {
  it('names exactly the gained and lost permissions of the fixture pair', () => {
    const d = rbacDiff(offlinePolicy([join(FIXTURES, 'diff-old')]), offlinePolicy([join(FIXTURES, 'diff-new')]));
    assert.deepEqual(d.gained.map(brief), [
      'Group:monitoring-team - get /metrics',
      'User:ann team-a watch pods.',
      // Through kube's aggregation: widgets-view carries aggregate-to-view, and the viewer is bound to view.
      'User:viewer team-a get,list widgets.example.com',
    ]);
    assert.deepEqual(d.lost.map(brief), ['Group:qa team-a get,list pods.', 'User:root-dev - * deployments.apps']);
    assert.deepEqual(d.gained[1]!.via, ['RoleBinding team-a/pod-readers']);
    assert.deepEqual(d.lost[1]!.via, ['ClusterRoleBinding root-dev-deploys']);
  });

  it('reverse direction swaps gained and lost (narrowing * to get,list is a gain of * only one way)', () => {
    const d = rbacDiff(offlinePolicy([join(FIXTURES, 'diff-new')]), offlinePolicy([join(FIXTURES, 'diff-old')]));
    assert.deepEqual(d.gained.map(brief), ['Group:qa team-a get,list pods.', 'User:root-dev - * deployments.apps']);
    assert.deepEqual(d.lost.map(brief), [
      'Group:monitoring-team - get /metrics',
      'User:ann team-a watch pods.',
      'User:viewer team-a get,list widgets.example.com',
    ]);
  });

  it('a policy compared with itself has no changes', () => {
    const p = offlinePolicy([join(FIXTURES, 'diff-old')]);
    assert.deepEqual(rbacDiff(p, p), { gained: [], lost: [] });
  });

  const V = 'rbac.authorization.k8s.io/v1';
  const cases: { name: string; before: object[]; after: object[]; gained: string[]; lost: string[] }[] = [
    {
      name: 'a grant already covered by a wildcard is no gain',
      before: [
        {
          apiVersion: V,
          kind: 'ClusterRoleBinding',
          metadata: { name: 'x' },
          roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
          subjects: [{ kind: 'User', name: 'u' }],
        },
      ],
      after: [
        {
          apiVersion: V,
          kind: 'ClusterRoleBinding',
          metadata: { name: 'x' },
          roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
          subjects: [{ kind: 'User', name: 'u' }],
        },
        {
          apiVersion: V,
          kind: 'RoleBinding',
          metadata: { name: 'y', namespace: 'n' },
          roleRef: { kind: 'ClusterRole', name: 'view' },
          subjects: [{ kind: 'User', name: 'u' }],
        },
      ],
      gained: [],
      lost: [],
    },
    {
      name: 'a binding to a missing role grants nothing, so removing it loses nothing',
      before: [
        {
          apiVersion: V,
          kind: 'RoleBinding',
          metadata: { name: 'y', namespace: 'n' },
          roleRef: { kind: 'Role', name: 'nope' },
          subjects: [{ kind: 'User', name: 'u' }],
        },
      ],
      after: [],
      gained: [],
      lost: [],
    },
    {
      name: 'resourceNames are kept apart; a service account defaults to the binding namespace',
      before: [],
      after: [
        {
          apiVersion: V,
          kind: 'Role',
          metadata: { name: 'r', namespace: 'n' },
          rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['cfg'], verbs: ['get'] }],
        },
        {
          apiVersion: V,
          kind: 'RoleBinding',
          metadata: { name: 'b', namespace: 'n' },
          roleRef: { kind: 'Role', name: 'r' },
          subjects: [{ kind: 'ServiceAccount', name: 'sa' }],
        },
      ],
      gained: ['ServiceAccount:n/sa n get configmaps.#cfg'],
      lost: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = rbacDiff(withBootstrapPolicy(c.before as never), withBootstrapPolicy(c.after as never));
      assert.deepEqual(d.gained.map(brief), c.gained);
      assert.deepEqual(d.lost.map(brief), c.lost);
    });
  }
});
