// ClusterRole aggregation, after clusterroleaggregation_controller_test.go, plus the bootstrap roles'
// aggregated result (admin ⊇ edit ⊇ view).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Role } from '../../../src/api/types.js';
import {
  aggregateClusterRoleRules,
  aggregationChanged,
  resolveAggregation,
} from '../../../src/authz/rbac/aggregation.js';
import { compileLabelSelector, LabelSelectorError } from '../../../src/authz/rbac/label-selector.js';
import { bootstrapClusterRoles } from '../../../src/authz/rbac/bootstrap-policy.js';
import { covers } from '../../../src/authz/rbac/covers.js';
import { clusterRole, rule, urlRule } from './helpers.js';

const aggregator = (name: string, selectors: Role['aggregationRule'], rules: Role['rules'] = undefined): Role => {
  const r = clusterRole(name, rules as never);
  if (rules === undefined) delete r.rules;
  r.aggregationRule = selectors;
  return r;
};

describe('label selectors (metav1.LabelSelector)', () => {
  const cases: {
    name: string;
    selector: Parameters<typeof compileLabelSelector>[0];
    labels: Record<string, string> | undefined;
    want: boolean;
  }[] = [
    { name: 'empty selector selects everything', selector: {}, labels: undefined, want: true },
    { name: 'matchLabels hit', selector: { matchLabels: { a: 'b' } }, labels: { a: 'b', c: 'd' }, want: true },
    { name: 'matchLabels value differs', selector: { matchLabels: { a: 'b' } }, labels: { a: 'x' }, want: false },
    { name: 'matchLabels missing key', selector: { matchLabels: { a: 'b' } }, labels: {}, want: false },
    {
      name: 'In',
      selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['x', 'y'] }] },
      labels: { tier: 'y' },
      want: true,
    },
    {
      name: 'In without the key',
      selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['x'] }] },
      labels: {},
      want: false,
    },
    {
      name: 'NotIn without the key matches',
      selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] },
      labels: {},
      want: true,
    },
    {
      name: 'NotIn with a listed value',
      selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] },
      labels: { tier: 'x' },
      want: false,
    },
    {
      name: 'Exists',
      selector: { matchExpressions: [{ key: 'k', operator: 'Exists' }] },
      labels: { k: '' },
      want: true,
    },
    {
      name: 'DoesNotExist',
      selector: { matchExpressions: [{ key: 'k', operator: 'DoesNotExist' }] },
      labels: { k: '' },
      want: false,
    },
    {
      name: 'labels and expressions are ANDed',
      selector: { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'k', operator: 'Exists' }] },
      labels: { a: 'b' },
      want: false,
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(compileLabelSelector(c.selector)(c.labels), c.want));

  it('rejects invalid selectors', () => {
    assert.throws(
      () => compileLabelSelector({ matchExpressions: [{ key: 'k', operator: 'In', values: [] }] }),
      LabelSelectorError,
    );
    assert.throws(
      () => compileLabelSelector({ matchExpressions: [{ key: 'k', operator: 'Exists', values: ['x'] }] }),
      LabelSelectorError,
    );
    assert.throws(
      () => compileLabelSelector({ matchExpressions: [{ key: 'k', operator: 'Like' as never }] }),
      /"Like" is not a valid label selector operator/,
    );
  });
});

describe('aggregateClusterRoleRules', () => {
  const r1 = rule(['get'], [''], ['pods']);
  const r2 = rule(['list'], [''], ['pods']);
  const r3 = urlRule(['get'], ['/metrics']);

  it('no aggregationRule → nothing to do', () => {
    assert.equal(aggregateClusterRoleRules(clusterRole('plain', [r1]), []), undefined);
  });

  it('collects matched roles in name order, skips itself, keeps each rule once', () => {
    const target = aggregator('agg', { clusterRoleSelectors: [{ matchLabels: { agg: 'true' } }] }, [r3]);
    target.metadata.labels = { agg: 'true' };
    const roles = [
      clusterRole('zeta', [r2, r1], { agg: 'true' }),
      clusterRole('alpha', [r1], { agg: 'true' }),
      clusterRole('other', [r3]),
      target,
    ];
    assert.deepEqual(aggregateClusterRoleRules(target, roles), [r1, r2]);
  });

  it('selectors in order, duplicates across selectors dropped', () => {
    const target = aggregator('agg', {
      clusterRoleSelectors: [{ matchLabels: { b: 'true' } }, { matchLabels: { a: 'true' } }],
    });
    const roles = [clusterRole('a', [r1, r3], { a: 'true' }), clusterRole('b', [r2, r1], { b: 'true' }), target];
    assert.deepEqual(aggregateClusterRoleRules(target, roles), [r2, r1, r3]);
  });

  it('empty selector list clears the rules; semantic comparison for updates', () => {
    const target = aggregator('agg', { clusterRoleSelectors: [] }, [r1]);
    const rules = aggregateClusterRoleRules(target, [target])!;
    assert.deepEqual(rules, []);
    assert.equal(aggregationChanged(target, rules), true);
    assert.equal(
      aggregationChanged(
        clusterRole('x', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] }]),
        [r1],
      ),
      false,
    );
  });
});

describe('bootstrap aggregation (admin/edit/view)', () => {
  const resolved = new Map(resolveAggregation(bootstrapClusterRoles()).map((r) => [r.metadata.name!, r]));
  const rulesOf = (n: string) => resolved.get(n)!.rules ?? [];

  it('view = system:aggregate-to-view', () => {
    assert.deepEqual(rulesOf('view'), rulesOf('system:aggregate-to-view'));
  });

  it('edit = aggregate-to-edit + view (edit is labelled aggregate-to-admin, view aggregate-to-edit)', () => {
    assert.deepEqual(rulesOf('edit'), [
      ...rulesOf('system:aggregate-to-edit'),
      ...rulesOf('view').filter((r) => !rulesOf('system:aggregate-to-edit').includes(r)),
    ]);
  });

  it('admin covers edit covers view, and admin may manage roles and rolebindings', () => {
    assert.equal(covers(rulesOf('admin'), rulesOf('edit')).covered, true);
    assert.equal(covers(rulesOf('edit'), rulesOf('view')).covered, true);
    assert.equal(covers(rulesOf('view'), rulesOf('edit')).covered, false);
    assert.equal(
      covers(rulesOf('admin'), [rule(['create'], ['rbac.authorization.k8s.io'], ['rolebindings'])]).covered,
      true,
    );
    assert.equal(
      covers(rulesOf('edit'), [rule(['create'], ['rbac.authorization.k8s.io'], ['rolebindings'])]).covered,
      false,
    );
  });

  it('leaves the other roles alone', () => {
    const original = bootstrapClusterRoles().find((r) => r.metadata.name === 'cluster-admin');
    assert.deepEqual(resolved.get('cluster-admin'), original);
  });
});
