// Escalation prevention: Covers (after component-helpers policy_comparator_test.go), the exact
// ConfirmNoEscalation text, and the role/binding checks of kube-apiserver's policybased storages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyRule, Role, RoleBinding } from '../../../src/api/types.js';
import { StatusError } from '../../../src/api/errors.js';
import { RbacAuthorizer } from '../../../src/authz/rbac/authorizer.js';
import { compactRules, compactString, covers } from '../../../src/authz/rbac/covers.js';
import {
  checkBindingEscalation,
  checkRoleEscalation,
  confirmNoEscalation,
  EscalationError,
  isOnlyMutatingGCFields,
} from '../../../src/authz/rbac/escalation.js';
import { clusterRole, clusterRoleBinding, Group, role, roleBinding, rule, urlRule, User, who } from './helpers.js';

describe('Covers', () => {
  const cases: {
    name: string;
    owner: PolicyRule[];
    servant: PolicyRule[];
    covered: boolean;
    missing?: PolicyRule[];
  }[] = [
    {
      name: 'exact match',
      owner: [rule(['get'], ['v1'], ['builds'])],
      servant: [rule(['get'], ['v1'], ['builds'])],
      covered: true,
    },
    {
      name: 'subresource wildcard',
      owner: [rule(['get'], ['v1'], ['*/scale'])],
      servant: [rule(['get'], ['v1'], ['foo/scale'])],
      covered: true,
    },
    {
      name: 'subresource wildcard does not cover the parent',
      owner: [rule(['get'], ['v1'], ['*/scale'])],
      servant: [rule(['get'], ['v1'], ['foo'])],
      covered: false,
      missing: [rule(['get'], ['v1'], ['foo'])],
    },
    {
      name: 'multiple rules covering a single rule',
      owner: [
        rule(['delete'], ['v1'], ['deployments']),
        rule(['delete'], ['v1'], ['builds']),
        rule(['update'], ['v1'], ['builds', 'deployments']),
      ],
      servant: [rule(['delete', 'update'], ['v1'], ['builds', 'deployments'])],
      covered: true,
    },
    {
      name: 'multiple API groups covering a single rule',
      owner: [
        rule(['delete'], ['group1'], ['deployments']),
        rule(['delete'], ['group1'], ['builds']),
        rule(['update'], ['group1'], ['builds', 'deployments']),
        rule(['delete', 'update'], ['group2'], ['builds', 'deployments']),
      ],
      servant: [rule(['delete', 'update'], ['group1', 'group2'], ['builds', 'deployments'])],
      covered: true,
    },
    {
      name: 'missing a verb',
      owner: [
        rule(['delete'], ['v1'], ['deployments']),
        rule(['delete'], ['v1'], ['builds']),
        rule(['update'], ['v1'], ['deployments']),
      ],
      servant: [rule(['delete', 'update'], ['v1'], ['builds', 'deployments'])],
      covered: false,
      missing: [rule(['update'], ['v1'], ['builds'])],
    },
    {
      name: 'star verb, group and resource',
      owner: [rule(['*'], ['*'], ['*'])],
      servant: [rule(['get', 'escalate'], ['apps', ''], ['pods/exec', 'x'])],
      covered: true,
    },
    {
      name: 'resource names: same name',
      owner: [rule(['get'], [''], ['secrets'], ['a', 'b'])],
      servant: [rule(['get'], [''], ['secrets'], ['b'])],
      covered: true,
    },
    {
      name: 'resource names do not cover all names',
      owner: [rule(['get'], [''], ['secrets'], ['a'])],
      servant: [rule(['get'], [''], ['secrets'])],
      covered: false,
      missing: [rule(['get'], [''], ['secrets'])],
    },
    {
      name: 'no names covers names',
      owner: [rule(['get'], [''], ['secrets'])],
      servant: [rule(['get'], [''], ['secrets'], ['a'])],
      covered: true,
    },
    {
      name: 'non-resource exact',
      owner: [urlRule(['get'], ['/apis'])],
      servant: [urlRule(['get'], ['/apis'])],
      covered: true,
    },
    {
      name: 'non-resource prefix',
      owner: [urlRule(['get'], ['/apis/*'])],
      servant: [urlRule(['get'], ['/apis/v1', '/apis/v1/x'])],
      covered: true,
    },
    {
      name: 'non-resource prefix excludes the bare path',
      owner: [urlRule(['get'], ['/apis/*'])],
      servant: [urlRule(['get'], ['/apis'])],
      covered: false,
      missing: [urlRule(['get'], ['/apis'])],
    },
    {
      name: 'resource rules do not cover non-resource URLs',
      owner: [rule(['*'], ['*'], ['*'])],
      servant: [urlRule(['get'], ['/healthz'])],
      covered: false,
      missing: [urlRule(['get'], ['/healthz'])],
    },
    {
      name: 'a rule with no resources covers nothing, and is covered by anything',
      owner: [{ verbs: ['get'], apiGroups: [''] }],
      servant: [{ verbs: ['get'], apiGroups: [''] }],
      covered: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = covers(c.owner, c.servant);
      assert.equal(r.covered, c.covered);
      if (c.missing) assert.deepEqual(r.missing, c.missing);
    });
  }
});

describe('CompactString and CompactRules', () => {
  it('formats as Go does, fields in fixed order, slices space-separated', () => {
    assert.equal(
      compactString(rule(['get'], ['apps'], ['deployments'])),
      '{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}',
    );
    assert.equal(
      compactString({ verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a b'] }),
      '{APIGroups:[""], Resources:["secrets"], ResourceNames:["a b"], Verbs:["get" "list"]}',
    );
    assert.equal(compactString(urlRule(['get'], ['/metrics'])), '{NonResourceURLs:["/metrics"], Verbs:["get"]}');
    assert.equal(compactString({ verbs: [] }), '{}');
  });

  it('merges single group/resource(/name) rules by verb', () => {
    const out = compactRules([
      rule(['get'], [''], ['pods']),
      rule(['list'], [''], ['pods']),
      rule(['get'], [''], ['secrets'], ['a']),
      rule(['update'], [''], ['secrets'], ['a']),
      urlRule(['get'], ['/x']),
    ]);
    assert.deepEqual(out.map(compactString).sort(), [
      '{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}',
      '{APIGroups:[""], Resources:["secrets"], ResourceNames:["a"], Verbs:["get" "update"]}',
      '{NonResourceURLs:["/x"], Verbs:["get"]}',
    ]);
  });
});

/** An RBAC world for the escalation checks: the authorizer doubles as the rule resolver. */
function world(objs: (Role | RoleBinding)[]): {
  rbac: RbacAuthorizer;
  getRole: (k: 'Role' | 'ClusterRole', ns: string, n: string) => Role | undefined;
} {
  const rbac = new RbacAuthorizer();
  for (const o of objs) rbac.index.upsert(o);
  return { rbac, getRole: (k, ns, n) => rbac.index.getRole(k, ns, n) };
}

async function rejection(p: Promise<void>): Promise<StatusError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StatusError, `expected a StatusError, got ${e}`);
    return e;
  }
  assert.fail('expected the check to throw');
}

describe('ConfirmNoEscalation', () => {
  const w = world([
    clusterRole('reader', [rule(['get', 'list'], [''], ['pods'])]),
    clusterRoleBinding('demo-reads', 'reader', [User('demo@example.com')]),
    clusterRoleBinding('broken', 'gone', [User('demo@example.com')]),
  ]);
  const demo = who('demo@example.com', 'system:authenticated', 'team "a"');

  it('passes when the user holds every rule', () => {
    confirmNoEscalation(demo, 'ns', [rule(['get'], [''], ['pods'])], w.rbac.escalationResolver);
  });

  it('lists what is missing: compacted, sorted, with resolution errors', () => {
    assert.throws(
      () =>
        confirmNoEscalation(
          demo,
          'ns',
          [rule(['get', 'watch'], [''], ['pods', 'secrets']), urlRule(['get'], ['/metrics'])],
          w.rbac.escalationResolver,
        ),
      (e: unknown) => {
        assert.ok(e instanceof EscalationError);
        assert.equal(
          e.message,
          'user "demo@example.com" (groups=["system:authenticated" "team \\"a\\""]) is attempting to grant RBAC permissions not currently held:\n' +
            '{APIGroups:[""], Resources:["pods"], Verbs:["watch"]}\n' +
            '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "watch"]}\n' +
            '{NonResourceURLs:["/metrics"], Verbs:["get"]}' +
            '; resolution errors: [clusterroles.rbac.authorization.k8s.io "gone" not found]',
        );
        return true;
      },
    );
  });
});

describe('checkRoleEscalation', () => {
  const w = world([
    clusterRole('deploy-reader', [rule(['get'], ['apps'], ['deployments'])]),
    roleBinding('ci', 'holder', 'ClusterRole', 'deploy-reader', [User('holder')]),
    clusterRole('escalator', [rule(['escalate'], ['rbac.authorization.k8s.io'], ['roles'])]),
    roleBinding('ci', 'escalator', 'ClusterRole', 'escalator', [User('esc')]),
    clusterRole('named-escalator', [rule(['escalate'], ['rbac.authorization.k8s.io'], ['roles'], ['ci-cd'])]),
    roleBinding('ci', 'named-escalator', 'ClusterRole', 'named-escalator', [User('named')]),
    clusterRole('everything', [rule(['*'], ['*'], ['*']), urlRule(['*'], ['*'])]),
    clusterRoleBinding('root', 'everything', [User('root')]),
  ]);
  const ciCd = role('ci', 'ci-cd', [rule(['get'], ['apps'], ['deployments'])]);

  it("forbids a user lacking the rules, with kube-apiserver's exact 403", async () => {
    const err = await rejection(
      checkRoleEscalation(
        who('demo@example.com', 'system:authenticated'),
        'ci',
        ciCd,
        w.rbac,
        w.rbac.escalationResolver,
      ),
    );
    assert.equal(err.code, 403);
    assert.equal(
      err.message,
      'roles.rbac.authorization.k8s.io "ci-cd" is forbidden: user "demo@example.com" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}',
    );
    assert.deepEqual(err.toStatus().details, { name: 'ci-cd', group: 'rbac.authorization.k8s.io', kind: 'roles' });
  });

  it('allows system:masters, holders of the rules, and holders of escalate', async () => {
    await checkRoleEscalation(who('admin', 'system:masters'), 'ci', ciCd, w.rbac, w.rbac.escalationResolver);
    await checkRoleEscalation(who('holder'), 'ci', ciCd, w.rbac, w.rbac.escalationResolver);
    await checkRoleEscalation(who('esc'), 'ci', ciCd, w.rbac, w.rbac.escalationResolver);
  });

  it('escalate on a named role only helps where the request names it (updates, not creates)', async () => {
    await rejection(checkRoleEscalation(who('named'), 'ci', ciCd, w.rbac, w.rbac.escalationResolver));
    await checkRoleEscalation(who('named'), 'ci', ciCd, w.rbac, w.rbac.escalationResolver, {
      oldObject: role('ci', 'ci-cd', []),
    });
  });

  it("the holder's namespace-scoped rights do not extend to ClusterRoles", async () => {
    const err = await rejection(
      checkRoleEscalation(
        who('holder'),
        '',
        clusterRole('cr', [rule(['get'], ['apps'], ['deployments'])]),
        w.rbac,
        w.rbac.escalationResolver,
      ),
    );
    assert.match(
      err.message,
      /^clusterroles\.rbac\.authorization\.k8s\.io "cr" is forbidden: user "holder" \(groups=\[\]\)/,
    );
  });

  it('an aggregationRule needs full authority', async () => {
    const agg: Role = {
      ...clusterRole('agg', []),
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] },
    };
    const err = await rejection(checkRoleEscalation(who('holder'), '', agg, w.rbac, w.rbac.escalationResolver));
    assert.equal(
      err.message,
      'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule',
    );
    await checkRoleEscalation(who('root'), '', agg, w.rbac, w.rbac.escalationResolver);
  });

  it('an update touching only GC fields (finalizers, ownerReferences) passes', async () => {
    const old = role('ci', 'big', [rule(['*'], ['*'], ['*'])]);
    const updated: Role = {
      ...old,
      metadata: {
        ...old.metadata,
        finalizers: ['x'],
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u' }],
      },
    };
    assert.equal(isOnlyMutatingGCFields(updated, old), true);
    await checkRoleEscalation(who('nobody'), 'ci', updated, w.rbac, w.rbac.escalationResolver, { oldObject: old });
    const widened: Role = { ...updated, rules: [rule(['*'], ['*'], ['*']), urlRule(['*'], ['*'])] };
    assert.equal(isOnlyMutatingGCFields(widened, old), false);
    await rejection(
      checkRoleEscalation(who('nobody'), 'ci', widened, w.rbac, w.rbac.escalationResolver, { oldObject: old }),
    );
  });
});

describe('checkBindingEscalation', () => {
  const w = world([
    clusterRole('view-pods', [rule(['get', 'list'], [''], ['pods'])]),
    roleBinding('team', 'lead-views', 'ClusterRole', 'view-pods', [User('lead')]),
    clusterRole('binder', [rule(['bind'], ['rbac.authorization.k8s.io'], ['clusterroles'], ['cluster-admin'])]),
    clusterRoleBinding('binder', 'binder', [Group('binders')]),
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urlRule(['*'], ['*'])]),
  ]);
  const rb = roleBinding('team', 'dev-views', 'ClusterRole', 'view-pods', [User('dev')]);

  it('a user may bind a role whose rules it holds in that namespace', async () => {
    await checkBindingEscalation(who('lead'), 'team', rb, w.rbac, w.rbac.escalationResolver, w.getRole);
  });

  it('but not cluster-wide, with the exact message', async () => {
    const crb = clusterRoleBinding('dev-views', 'view-pods', [User('dev')]);
    const err = await rejection(
      checkBindingEscalation(who('lead'), '', crb, w.rbac, w.rbac.escalationResolver, w.getRole),
    );
    assert.equal(err.code, 403);
    assert.equal(
      err.message,
      'clusterrolebindings.rbac.authorization.k8s.io "dev-views" is forbidden: user "lead" (groups=[]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}',
    );
  });

  it('bind permission on the named role suffices', async () => {
    const crb = clusterRoleBinding('make-admin', 'cluster-admin', [User('x')]);
    await checkBindingEscalation(who('b', 'binders'), '', crb, w.rbac, w.rbac.escalationResolver, w.getRole);
    await rejection(checkBindingEscalation(who('b'), '', crb, w.rbac, w.rbac.escalationResolver, w.getRole));
  });

  it('a missing role is a 404 worded as the registry does; an unknown kind a 500', async () => {
    const err = await rejection(
      checkBindingEscalation(
        who('lead'),
        'team',
        roleBinding('team', 'x', 'ClusterRole', 'nope', []),
        w.rbac,
        w.rbac.escalationResolver,
        w.getRole,
      ),
    );
    assert.equal(err.code, 404);
    assert.equal(err.message, 'clusterroles.rbac.authorization.k8s.io "nope" not found');
    const err2 = await rejection(
      checkBindingEscalation(
        who('lead'),
        'team',
        roleBinding('team', 'x', 'Role', 'nope', []),
        w.rbac,
        w.rbac.escalationResolver,
        w.getRole,
      ),
    );
    assert.equal(err2.message, 'roles.rbac.authorization.k8s.io "nope" not found');
    const err3 = await rejection(
      checkBindingEscalation(
        who('lead'),
        'team',
        roleBinding('team', 'x', 'Secret', 'nope', []),
        w.rbac,
        w.rbac.escalationResolver,
        w.getRole,
      ),
    );
    assert.equal(err3.code, 500);
    assert.equal(err3.message, 'Internal error occurred: unsupported role reference kind: "Secret"');
  });

  it('system:masters may bind anything, even a missing role', async () => {
    await checkBindingEscalation(
      who('root', 'system:masters'),
      'team',
      roleBinding('team', 'x', 'ClusterRole', 'nope', []),
      w.rbac,
      w.rbac.escalationResolver,
      w.getRole,
    );
  });
});
